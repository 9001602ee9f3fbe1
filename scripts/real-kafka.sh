#!/usr/bin/env bash
# Apache Kafka on this machine, for tests and benchmarks: the jars pinned by
# tests/kafka/pom.xml (fetched once into ~/.m2), KRaft mode, loopback only.
#
#   scripts/real-kafka.sh start [--brokers 1|3] [--set key=value]...
#       formats storage, starts one combined broker+controller (or three, with
#       replication factor 3 and min.insync.replicas=2) on free loopback ports, waits until
#       every broker answers, prints the bootstrap list.
#   scripts/real-kafka.sh start --security all|MODE [--set key=value]...
#       one node serving every listener at once: PLAINTEXT (tools, plain suites) and one
#       per MODE: sasl_ssl (SCRAM-SHA-512, also -256), sasl_plaintext (PLAIN), ssl (client
#       certificate required), oauth (SASL_SSL OAUTHBEARER; tokens from
#       tests/support/oidc_server.py, started here). Users admin (super user), alice, bob with
#       passwords NAME-secret. Prints the MODE's bootstrap (for all: the plaintext one), then
#       its settings. Extra TLS listeners for failure cases: wronghost (a certificate for
#       another host name) and expired (an expired certificate); see `bootstrap`.
#   scripts/real-kafka.sh fetch            fetches the jars (done by start when needed)
#   scripts/real-kafka.sh bootstrap [MODE] prints the bootstrap list of the running cluster
#       (of MODE's listener: a mode, wronghost or expired, on a --security node)
#   scripts/real-kafka.sh client-args MODE librdkafka settings for MODE, one `-X key=value`
#       a line (test secrets included: test use only), e.g. kcat -b B $(... client-args ssl) -L
#   scripts/real-kafka.sh client-properties MODE   path of a Java client properties file
#   scripts/real-kafka.sh security-dir     the CA, certificates and keys (see make_certs)
#   scripts/real-kafka.sh kill-node N      SIGKILLs node N (1-based), as a crash would
#   scripts/real-kafka.sh start-node N     starts node N again on its old ports and data
#   scripts/real-kafka.sh stop             stops the nodes this script started, removes data
#   scripts/real-kafka.sh tool NAME ARGS   runs one of Kafka's CLI tools on the same classpath:
#       topics, console-producer, console-consumer, consumer-groups, get-offsets, configs, acls,
#       producer-perf-test, consumer-perf-test
#
# State lives in $REAL_KAFKA_HOME (default: target/real-kafka under the repository).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOME_DIR=${REAL_KAFKA_HOME:-$ROOT/target/real-kafka}
LIBS=$ROOT/tests/kafka/target/kafka-libs
HEAP=${REAL_KAFKA_HEAP:-512m}

die() { echo "real-kafka: $*" >&2; exit 1; }
# shellcheck source=scripts/real-kafka-security.sh
. "$ROOT/scripts/real-kafka-security.sh"

# The jars of the version the pom pins (fetched again when the pom changes).
ensure_jars() {
  local want
  want=$(sha1sum "$ROOT/tests/kafka/pom.xml" | cut -d' ' -f1)
  [ "$(cat "$LIBS/.complete" 2>/dev/null)" = "$want" ] && return 0
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch Kafka's jars"
  echo "real-kafka: fetching Kafka's jars with Maven (once; cached in ~/.m2)" >&2
  rm -rf "$LIBS"
  (cd "$ROOT/tests/kafka" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$LIBS" >&2) ||
    die "mvn dependency:copy-dependencies failed"
  echo "$want" >"$LIBS/.complete"
}

# java with Kafka's classpath: heap, then JVM options and the main class.
kjava() {
  local heap=$1; shift
  java "-Xmx$heap" -XX:+UseG1GC -Djava.awt.headless=true $(sec_jvm_opts) \
    "-Dlog4j2.configurationFile=$HOME_DIR/log4j2.properties" -cp "$LIBS/*" "$@"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

write_log_config() {
  cat >"$HOME_DIR/log4j2.properties" <<EOF
# Servers log to the file named by -Dkafka.logs.file; CLI tools only print warnings.
status = warn
appender.out.type = Console
appender.out.name = STDERR
appender.out.target = SYSTEM_ERR
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = \${sys:kafka.root.level:-warn}
rootLogger.appenderRef.out.ref = STDERR
EOF
}

node_config() {
  local n=$1 nodes=$2 voters=$3
  local port ctl
  port=$(sed -n "${n}p" "$HOME_DIR/ports")
  ctl=$(sed -n "${n}p" "$HOME_DIR/controller-ports")
  local rf=1 isr=1
  [ "$nodes" -ge 3 ] && rf=3 && isr=2
  cat <<EOF
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$ctl
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$HOME_DIR/data/node-$n
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
EOF
  # Later keys win in a properties file: the secured listeners replace the plain ones.
  sec_enabled && sec_node_config "$port" "$ctl"
  [ -f "$HOME_DIR/extra.properties" ] && cat "$HOME_DIR/extra.properties"
  return 0
}

start_node() {
  local n=$1
  # A restarted node's earlier log must not satisfy wait_started.
  [ -f "$HOME_DIR/node-$n.log" ] && mv "$HOME_DIR/node-$n.log" "$HOME_DIR/node-$n.log.old"
  # exec, so that the PID written is the JVM's own.
  # shellcheck disable=SC2046 # sec_jvm_opts is one word or none
  (exec java "-Xmx$HEAP" "-Xms$HEAP" -XX:+UseG1GC -Djava.awt.headless=true -Dkafka.root.level=info $(sec_jvm_opts) \
    "-Dlog4j2.configurationFile=$HOME_DIR/log4j2.properties" -cp "$LIBS/*" \
    kafka.Kafka "$HOME_DIR/node-$n.properties" >"$HOME_DIR/node-$n.log" 2>&1) &
  echo $! >"$HOME_DIR/node-$n.pid"
}

node_pid_alive() {
  local f="$HOME_DIR/node-$1.pid"
  [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null
}

wait_started() {
  local n=$1 deadline=$((SECONDS + ${2:-120}))
  while [ $SECONDS -lt $deadline ]; do
    grep -q "Kafka Server started" "$HOME_DIR/node-$n.log" 2>/dev/null && return 0
    node_pid_alive "$n" || { tail -n 40 "$HOME_DIR/node-$n.log" >&2; die "node $n exited"; }
    sleep 0.3
  done
  tail -n 40 "$HOME_DIR/node-$n.log" >&2
  die "node $n did not start within ${2:-120} s"
}

# Waits until every node is listed in a metadata answer (kcat when it is installed).
wait_all_brokers() {
  local want=$1 deadline=$((SECONDS + 120))
  command -v kcat >/dev/null || return 0
  while [ $SECONDS -lt $deadline ]; do
    kcat -b "$(cat "$HOME_DIR/bootstrap")" -L -m 5 2>/dev/null | grep -q " $want brokers:" && return 0
    sleep 0.5
  done
  die "the cluster did not list $want brokers within 120 s"
}

cmd_start() {
  local nodes=1 security=""
  local extra=()
  while [ $# -gt 0 ]; do
    case $1 in
      --brokers) nodes=$2; shift 2 ;;
      --security) security=$2; shift 2 ;;
      --set) extra+=("$2"); shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  [ "$nodes" = 1 ] || [ "$nodes" = 3 ] || die "--brokers takes 1 or 3"
  if [ -n "$security" ]; then
    [ "$nodes" = 1 ] || die "--security runs one node"
    case " all $SEC_MODES " in *" $security "*) ;; *) die "--security takes all or one of: $SEC_MODES" ;; esac
  fi
  if [ -f "$HOME_DIR/nodes" ]; then
    for n in $(seq "$(cat "$HOME_DIR/nodes")"); do
      node_pid_alive "$n" && die "a cluster is already running from $HOME_DIR (stop it first)"
    done
  fi
  command -v java >/dev/null || die "java is needed"
  ensure_jars
  rm -rf "$HOME_DIR"
  mkdir -p "$HOME_DIR/data"
  write_log_config
  echo "$nodes" >"$HOME_DIR/nodes"
  if [ -n "$security" ]; then
    echo "$security" >"$HOME_DIR/security-mode"
    make_certs
    start_oidc
    sec_pick_ports
    write_client_files
  fi
  : >"$HOME_DIR/ports"
  : >"$HOME_DIR/controller-ports"
  for _ in $(seq "$nodes"); do
    free_port >>"$HOME_DIR/ports"
    free_port >>"$HOME_DIR/controller-ports"
  done
  local voters="" bootstrap=""
  for n in $(seq "$nodes"); do
    voters+="${voters:+,}$n@127.0.0.1:$(sed -n "${n}p" "$HOME_DIR/controller-ports")"
    bootstrap+="${bootstrap:+,}127.0.0.1:$(sed -n "${n}p" "$HOME_DIR/ports")"
  done
  printf '%s\n' "${extra[@]+"${extra[@]}"}" | grep -v '^$' >"$HOME_DIR/extra.properties" || true
  echo "$bootstrap" >"$HOME_DIR/bootstrap"
  local cluster_id
  cluster_id=$(kjava 256m -XX:TieredStopAtLevel=1 kafka.tools.StorageTool random-uuid)
  local scram=()
  sec_enabled && mapfile -t scram < <(sec_scram_args)
  for n in $(seq "$nodes"); do
    node_config "$n" "$nodes" "$voters" >"$HOME_DIR/node-$n.properties"
    kjava 256m -XX:TieredStopAtLevel=1 kafka.tools.StorageTool format -t "$cluster_id" -c "$HOME_DIR/node-$n.properties" \
      "${scram[@]+"${scram[@]}"}" \
      >"$HOME_DIR/format-$n.log" 2>&1 || { cat "$HOME_DIR/format-$n.log" >&2; die "formatting node $n failed"; }
  done
  for n in $(seq "$nodes"); do start_node "$n"; done
  for n in $(seq "$nodes"); do wait_started "$n"; done
  wait_all_brokers "$nodes"
  if [ -n "$security" ]; then
    sec_bootstrap "${security/all/plaintext}"
    sec_summary "$security"
  else
    echo "$bootstrap"
  fi
}

cmd_stop() {
  [ -d "$HOME_DIR" ] || return 0
  stop_oidc
  local pids=()
  for f in "$HOME_DIR"/node-*.pid; do
    [ -f "$f" ] || continue
    local p
    p=$(cat "$f")
    # Only a process we started: its command line names our config file.
    if tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q "$HOME_DIR/node-"; then
      kill "$p" 2>/dev/null && pids+=("$p")
    fi
  done
  local deadline=$((SECONDS + 30))
  for p in "${pids[@]+"${pids[@]}"}"; do
    while kill -0 "$p" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -KILL "$p" 2>/dev/null || true
  done
  rm -rf "$HOME_DIR"
}

cmd_kill_node() {
  local n=$1 p
  p=$(cat "$HOME_DIR/node-$n.pid")
  kill -KILL "$p"
  while kill -0 "$p" 2>/dev/null; do sleep 0.1; done
}

cmd_tool() {
  local name=$1; shift
  local class
  case $name in
    topics) class=org.apache.kafka.tools.TopicCommand ;;
    console-producer) class=org.apache.kafka.tools.ConsoleProducer ;;
    console-consumer) class=org.apache.kafka.tools.consumer.ConsoleConsumer ;;
    consumer-groups) class=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
    get-offsets) class=org.apache.kafka.tools.GetOffsetShell ;;
    configs) class=org.apache.kafka.tools.ConfigCommand ;;
    acls) class=org.apache.kafka.tools.AclCommand ;;
    producer-perf-test) class=org.apache.kafka.tools.ProducerPerformance ;;
    consumer-perf-test) class=org.apache.kafka.tools.ConsumerPerformance ;;
    *) die "unknown tool $name" ;;
  esac
  ensure_jars
  [ -f "$HOME_DIR/log4j2.properties" ] || { mkdir -p "$HOME_DIR"; write_log_config; }
  # Short-lived: the quick JIT tier starts faster. exec, so that killing this script's
  # PID stops the tool itself.
  # shellcheck disable=SC2046 # sec_jvm_opts is one word or none
  exec java -Xmx256m -XX:+UseG1GC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true $(sec_jvm_opts) \
    "-Dlog4j2.configurationFile=$HOME_DIR/log4j2.properties" -cp "$LIBS/*" "$class" "$@"
}

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  fetch) ensure_jars ;;
  bootstrap) if [ -n "${2:-}" ]; then sec_bootstrap "$2"; else cat "$HOME_DIR/bootstrap"; fi ;;
  client-args) sec_enabled || die "no secured node is running (start --security all)"; sec_client_args "${2:-}" ;;
  client-properties) sec_client_properties "${2:-}" ;;
  security-dir) sec_enabled || die "no secured node is running (start --security all)"; sec_dir ;;
  kill-node) cmd_kill_node "$2" ;;
  start-node) start_node "$2"; wait_started "$2" ;;
  tool) shift; cmd_tool "$@" ;;
  *) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
