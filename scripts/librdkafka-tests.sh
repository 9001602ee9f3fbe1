#!/usr/bin/env bash
# librdkafka's own integration suite, from the source the rdkafka-sys crate vendors.
#   build                       copy the source, build the library and tests/test-runner
#   run --bootstrap B [-- ARGS]  run the broker-facing tests in quick mode against B
#   compare                     run them on a fresh Apache Kafka, then on `kafka-dash
#                               broker`; fails if a test that passed on Kafka does not
#                               pass on ours
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
  local bootstrap="" args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --bootstrap) bootstrap=$2; shift 2 ;;
      --) shift; args=("$@"); break ;;
      *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
  done
  [ -n "$bootstrap" ] || { echo "run needs --bootstrap" >&2; exit 2; }
  build
  kafka_path
  cd "$SRC/tests"
  printf 'metadata.broker.list=%s\n' "$bootstrap" >test.conf
  # -Q quick mode, -L skip the broker-less tests, -E skip the socket-emulation tests
  # (as librdkafka's own "make quick").
  # The suite picks tests and tool flags by broker version: both brokers are run as
  # Kafka 4. Tests that shell out to Kafka's tools find them under KAFKA_PATH.
  TEST_KAFKA_VERSION=${TEST_KAFKA_VERSION:-4.0.0} KAFKA_PATH="$HOME_DIR/kafka-path" \
    BROKERS="$bootstrap" LD_LIBRARY_PATH="$SRC/src:$SRC/src-cpp" \
    ./test-runner -Q -L -E "${args[@]}"
)

# The names of the tests a run's summary table lists as PASSED.
passed() {
  sed 's/\x1b\[[0-9;]*m//g' "$1" | awk -F'|' '$3 ~ /PASSED/ && $2 !~ /<MAIN>/ {gsub(/ /, "", $2); print $2}' | sort -u
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
  passed "$work/kafka.log" >"$work/kafka.passed"
  passed "$work/ours.log" >"$work/ours.passed"
  echo "librdkafka suite: $(wc -l <"$work/kafka.passed") passed on Apache Kafka, $(wc -l <"$work/ours.passed") on kafka-dash broker"
  missing=$(comm -23 "$work/kafka.passed" "$work/ours.passed")
  if [ -n "$missing" ]; then
    echo "FAIL passed on Kafka but not on kafka-dash broker: $(echo $missing)"
    sed 's/\x1b\[[0-9;]*m//g' "$work/ours.log" | grep -a '^| ' | grep -aF "$missing" | cut -c1-400
    # The broker's log too: it names every topic created, auto-created and deleted.
    cp "$work/ours.log" "$work/kafka.log" "$work/broker.log" "${LIBRDKAFKA_LOGS:-/tmp}/" 2>/dev/null
    rc=1
  else
    echo "ok   every test that passed on Kafka passed on kafka-dash broker"
  fi
  [ "$(wc -l <"$work/kafka.passed")" -gt 0 ] || { echo "FAIL no test passed on Kafka"; rc=1; }
  rm -rf "$work"
  return $rc
}

case "${1:-}" in
  build) build ;;
  run) shift; run "$@" ;;
  compare) compare ;;
  *) echo "usage: $0 build | run --bootstrap HOST:PORT [-- test-runner args] | compare" >&2; exit 2 ;;
esac
