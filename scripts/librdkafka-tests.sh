#!/usr/bin/env bash
# librdkafka's own integration suite, from the source the rdkafka-sys crate vendors.
#   build                       copy the source, build the library and tests/test-runner
#   run --bootstrap B [-- ARGS]  run the broker-facing tests in quick mode against B
#   compare                     run them on a fresh Apache Kafka, then on `kafka-dash
#                               broker`; fails if a test that passed on Kafka does not
#                               pass on ours
#   compare-secure              the same for a set of them over SASL_SSL (SCRAM-SHA-512)
#                               and SSL (client certificates), and 0142 (re-authentication),
#                               on the secured Kafka node
#                               scripts/real-kafka.sh runs now (start --security all) and on
#                               `kafka-dash broker` with its certificates and users
# The test-runner is linked against the library built here (never a system one). The
# build is cached in $LIBRDKAFKA_TESTS_HOME (default ~/.cache/kafka-dash/librdkafka-tests),
# rebuilt when rdkafka-sys changes.
set -euo pipefail
cd "$(dirname "$0")/.."
HOME_DIR=${LIBRDKAFKA_TESTS_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/kafka-dash/librdkafka-tests}
SRC="$HOME_DIR/librdkafka"

vendored_source() {
  # Ask cargo where rdkafka-sys lives rather than guessing the registry's layout.
  cargo metadata --format-version 1 2>/dev/null | python3 -c '
import json, os, sys
for p in json.load(sys.stdin)["packages"]:
    if p["name"] == "rdkafka-sys":
        print(os.path.join(os.path.dirname(p["manifest_path"]), "librdkafka"))
        break'
}

build() {
  local from stamp
  from=$(vendored_source)
  [ -d "$from/tests" ] || { echo "no vendored librdkafka at '$from'" >&2; exit 1; }
  stamp="$HOME_DIR/built-from"
  if [ -x "$SRC/tests/test-runner" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$from" ]; then
    return 0
  fi
  rm -rf "$SRC" && mkdir -p "$HOME_DIR"
  cp -r "$from" "$SRC"
  (
    cd "$SRC"
    # Only what the broker-facing tests need; SASL/GSSAPI, compression libraries from the
    # system and the C++ examples are left out so a bare machine can build it.
    ./configure --disable-gssapi --disable-lz4-ext --disable-zstd --disable-curl \
      --disable-sasl >"$HOME_DIR/configure.log" 2>&1
    make -j"$(nproc)" libs >"$HOME_DIR/make.log" 2>&1
    make -C tests -j"$(nproc)" test-runner >>"$HOME_DIR/make.log" 2>&1
  ) || { echo "librdkafka build failed; see $HOME_DIR/*.log" >&2; tail -20 "$HOME_DIR/make.log" >&2; exit 1; }
  echo "$from" >"$stamp"
}

# A stand-in for a Kafka distribution's bin/: the scripts the suite calls, each running
# the tool from the jars scripts/real-kafka.sh fetched.
kafka_path() {
  local bin="$HOME_DIR/kafka-path/bin" tool
  mkdir -p "$bin"
  for tool in topics configs acls console-producer console-consumer consumer-groups; do
    printf '#!/usr/bin/env bash\nexec bash %q tool %s "$@"\n' \
      "$PWD/scripts/real-kafka.sh" "$tool" >"$bin/kafka-$tool.sh"
    chmod +x "$bin/kafka-$tool.sh"
  done
}

run() (
  # A subshell: it changes directory.
  local bootstrap="" conf="" args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --bootstrap) bootstrap=$2; shift 2 ;;
      --conf) conf=$2; shift 2 ;;
      --) shift; args=("$@"); break ;;
      *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
  done
  [ -n "$bootstrap" ] || { echo "run needs --bootstrap" >&2; exit 2; }
  build
  kafka_path
  cd "$SRC/tests"
  printf 'metadata.broker.list=%s\n' "$bootstrap" >test.conf
  [ -z "$conf" ] || cat "$conf" >>test.conf
  # -Q quick mode (QUICK= leaves it out), -L skip the broker-less tests, -E skip the socket-emulation tests
  # (as librdkafka's own "make quick").
  # The suite picks tests and tool flags by broker version: both brokers are run as
  # Kafka 4. Tests that shell out to Kafka's tools find them under KAFKA_PATH.
  TEST_KAFKA_VERSION=${TEST_KAFKA_VERSION:-4.0.0} KAFKA_PATH="$HOME_DIR/kafka-path" \
    BROKERS="$bootstrap" LD_LIBRARY_PATH="$SRC/src:$SRC/src-cpp" \
    ./test-runner ${QUICK--Q} -L -E "${args[@]}"
)

# The names of the tests a run passed: its summary table's PASSED rows, and each test's
# own "Test NAME PASSED" banner (a run whose last test leaves threads behind aborts
# before the table).
passed() {
  sed 's/\x1b\[[0-9;]*m//g' "$1" | awk -F'|' '$3 ~ /PASSED/ && $2 !~ /<MAIN>/ {gsub(/ /, "", $2); print $2}
    /=+ Test [0-9a-z_]+ PASSED =+/ { for (i = 1; i <= NF; i++) if ($i ~ /PASSED/) { n = split($i, w, " "); for (j = 1; j < n; j++) if (w[j] == "Test") print w[j+1] } }' | sort -u
}

# Compares the tests passed in Kafka's run log $1 and ours $2 (the run named $3, if any):
# fails when one that passed on Kafka did not pass here, or none passed on Kafka.
judge() {
  local kafka=$1 ours=$2 label=${3:+ ($3)} missing rc=0
  passed "$kafka" >"$kafka.passed"
  passed "$ours" >"$ours.passed"
  echo "librdkafka suite$label: $(wc -l <"$kafka.passed") passed on Apache Kafka, $(wc -l <"$ours.passed") on kafka-dash broker"
  missing=$(comm -23 "$kafka.passed" "$ours.passed")
  if [ -n "$missing" ]; then
    echo "FAIL$label passed on Kafka but not on kafka-dash broker: $(echo $missing)"
    sed 's/\x1b\[[0-9;]*m//g' "$ours" | grep -a '^| ' | grep -aF "$missing" | cut -c1-400
    rc=1
  else
    echo "ok  $label every test that passed on Kafka passed on kafka-dash broker"
  fi
  [ "$(wc -l <"$kafka.passed")" -gt 0 ] || { echo "FAIL$label no test passed on Kafka"; rc=1; }
  return $rc
}

compare() {
  local work kafka port pid rc=0
  build
  work=$(mktemp -d)
  export REAL_KAFKA_HOME=$work/kafka
  # As librdkafka's own test clusters: topics auto-created with 4 partitions, and an
  # authorizer that allows everything until ACLs say otherwise.
  kafka=$(bash scripts/real-kafka.sh start --set num.partitions=4 \
    --set group.initial.rebalance.delay.ms=0 \
    --set authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer \
    --set allow.everyone.if.no.acl.found=true) || { echo "FAIL cannot start Apache Kafka"; return 1; }
  echo "librdkafka suite on Apache Kafka at $kafka"
  run --bootstrap "$kafka" >"$work/kafka.log" 2>&1 || true  # failures are compared below
  bash scripts/real-kafka.sh stop
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  target/release/kafka-dash broker --listen "127.0.0.1:$port" --default-partitions 4 \
    --partition-size-cap 0 >"$work/broker.log" 2>&1 &
  pid=$!
  sleep 0.5
  echo "librdkafka suite on kafka-dash broker at 127.0.0.1:$port"
  run --bootstrap "127.0.0.1:$port" >"$work/ours.log" 2>&1 || true
  kill "$pid"
  if ! judge "$work/kafka.log" "$work/ours.log"; then
    # The broker's log too: it names every topic created, auto-created and deleted.
    cp "$work/ours.log" "$work/kafka.log" "$work/broker.log" "${LIBRDKAFKA_LOGS:-/tmp}/" 2>/dev/null
    rc=1
  fi
  rm -rf "$work"
  return $rc
}

# The tests run over each secured listener: the produce, consume, group and offset paths
# (0081, admin, is left to the plaintext run: on a listener whose user is a super user its
# ACL cases expect other rights; 0012 and 0029 want librdkafka's 4-partition default).
SECURE_TESTS=${SECURE_TESTS:-0001,0002,0005,0007,0013,0014,0018,0030,0031,0034,0040,0042,0044,0047,0048,0050,0055,0058,0063,0065,0069,0075,0089,0092,0099,0102,0113}

# librdkafka settings of a secured MODE (the admin user: a super user on both brokers).
# The protocol in lower case: 0142 compares it case-sensitively with "sasl".
secure_conf() {
  local mode=$1 d=$2
  case $mode in
    sasl_ssl) printf '%s\n' security.protocol=sasl_ssl sasl.mechanisms=SCRAM-SHA-512 \
      sasl.username=admin sasl.password=admin-secret "ssl.ca.location=$d/ca.pem" ;;
    ssl) printf '%s\n' security.protocol=ssl "ssl.ca.location=$d/ca.pem" \
      "ssl.certificate.location=$d/client.pem" "ssl.key.location=$d/client.key" ;;
  esac
}

# The runs: NAME MODE TESTS SUBTESTS QUICK. 0142 (re-authentication) is kept to its
# producer case, not a quick one (quick mode would skip it): its consumer case makes a
# topic with 3 replicas, which no single node can, and the others need transactions, which
# the embedded broker lacks.
SECURE_RUNS=(
  "sasl_ssl sasl_ssl $SECURE_TESTS - quick"
  "ssl ssl $SECURE_TESTS - quick"
  "reauth sasl_ssl 0142 producer_message_loss full"
)

# Runs every SECURE_RUNS entry on the listeners whose bootstrap `$1 MODE` prints, logs
# to $work/$2-NAME.log.
secure_runs() {
  local bootstrap_of=$1 side=$2 name mode tests sub quick b
  for r in "${SECURE_RUNS[@]}"; do
    read -r name mode tests sub quick <<<"$r"
    b=$($bootstrap_of "$mode")
    echo "librdkafka suite ($name: $tests) on $side at $b"
    sub=${sub//_/ }
    [ "$quick" = quick ] && quick=-Q || quick=""
    QUICK=$quick SUBTESTS=${sub#-} TESTS=$tests run --bootstrap "$b" --conf "$work/$mode.conf" \
      >"$work/$side-$name.log" 2>&1 || true
  done
}

kafka_bootstrap() { bash scripts/real-kafka.sh bootstrap "$1"; }
ours_bootstrap() { awk -v p="$(echo "$1" | tr a-z A-Z)" '$1 == p { print $2 }' "$work/broker.out"; }

compare_secure() {
  local d reauth pid rc=0 r name
  build
  work=$(mktemp -d)
  d=$(bash scripts/real-kafka.sh security-dir) || { echo "FAIL no secured Kafka node is running"; return 1; }
  reauth=$(bash scripts/real-kafka.sh tool configs --bootstrap-server "$(kafka_bootstrap plaintext)" \
    --describe --entity-type brokers --entity-name 1 --all 2>/dev/null |
    sed -n 's/^ *connections.max.reauth.ms=\([0-9]*\).*/\1/p' | head -n 1)
  secure_conf sasl_ssl "$d" >"$work/sasl_ssl.conf"
  secure_conf ssl "$d" >"$work/ssl.conf"
  secure_runs kafka_bootstrap kafka
  # Its certificates, users and session length are the Kafka node's.
  target/release/kafka-dash broker --listener PLAINTEXT://127.0.0.1:0 \
    --listener SASL_SSL://127.0.0.1:0 --listener SSL://127.0.0.1:0 \
    --tls-cert "$d/broker.pem" --tls-key "$d/broker.key" --tls-client-ca "$d/ca.pem" \
    --tls-client-auth required --user admin:admin-secret --super-user admin \
    --reauth-ms "${reauth:-0}" --log-file "$work/broker.log" >"$work/broker.out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q "^  SSL " "$work/broker.out" && break; sleep 0.1; done
  secure_runs ours_bootstrap ours
  kill "$pid"
  wait "$pid" 2>/dev/null
  for r in "${SECURE_RUNS[@]}"; do
    read -r name _ <<<"$r"
    judge "$work/kafka-$name.log" "$work/ours-$name.log" "$name" || rc=1
  done
  cp "$work"/*.log "${LIBRDKAFKA_LOGS:-/tmp}/" 2>/dev/null
  rm -rf "$work"
  return $rc
}

case "${1:-}" in
  build) build ;;
  run) shift; run "$@" ;;
  compare) compare ;;
  compare-secure) compare_secure ;;
  *) echo "usage: $0 build | run --bootstrap HOST:PORT [--conf FILE] [-- test-runner args] | compare | compare-secure" >&2; exit 2 ;;
esac
