#!/usr/bin/env bash
# The differential suite: starts `kafka-dash broker` and a fresh single-node Apache Kafka
# (or uses --kafka HOST:PORT), runs every case of diff.py on both and compares.
#   tests/differential/run.sh [--kafka HOST:PORT] [--only SUBSTRING] [--show]
# Needs a release build and what scripts/install-test-deps.sh installs.
set -u
cd "$(dirname "$0")/../.."
ROOT=$PWD
kafka="" only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --kafka) kafka=$2; shift 2 ;;
    --only) only+=(--only "$2"); shift 2 ;;
    --show) only+=(--show); shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

BIN=$ROOT/target/release/kafka-dash
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 1; }
WORK=$(mktemp -d)
export REAL_KAFKA_HOME=$WORK/kafka
broker_pid=""
cleanup() {
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null
  [ -f "$REAL_KAFKA_HOME/bootstrap" ] && bash "$ROOT/scripts/real-kafka.sh" stop
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port) sasl_port=$(free_port) sasl_ssl_port=$(free_port)
# No memory cap, so retention.bytes reads -1 as on Kafka (the cap is a difference kept
# on purpose for the dashboard's own broker; see the README). The secured listeners,
# users and mechanisms are those of real-kafka.sh --security all.
"$BIN" broker --listen "127.0.0.1:$port" --partition-size-cap 0 \
  --listener "SASL_PLAINTEXT://127.0.0.1:$sasl_port" --listener "SASL_SSL://127.0.0.1:$sasl_ssl_port" \
  --sasl-mechanisms SASL_PLAINTEXT=PLAIN --sasl-mechanisms SASL_SSL=SCRAM-SHA-512,SCRAM-SHA-256 \
  --user admin:admin-secret --user alice:alice-secret --user bob:bob-secret --super-user admin \
  --tls-ca-out "$WORK/embedded-ca.pem" >"$WORK/broker.log" 2>&1 &
broker_pid=$!
for _ in $(seq 50); do
  (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done

secured=()
if [ -z "$kafka" ]; then
  # The embedded broker starts groups at once and acts as an authorizer that allows
  # everything until ACLs say otherwise; Kafka is told to do the same, with admin its
  # only super user (--security makes ANONYMOUS one too, which would void the ACL cases).
  started=$(bash scripts/real-kafka.sh start --security all --set group.initial.rebalance.delay.ms=0 \
    --set authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer \
    --set allow.everyone.if.no.acl.found=true --set super.users=User:admin) ||
    { echo "FAIL cannot start Apache Kafka"; exit 1; }
  kafka=${started%%$'\n'*}
  ksasl=$(bash scripts/real-kafka.sh bootstrap sasl_plaintext)
  kssl=$(bash scripts/real-kafka.sh bootstrap sasl_ssl)
  kca=$(bash scripts/real-kafka.sh security-dir)/ca.pem
  secured=(--embedded-secured "sasl_plaintext=127.0.0.1:$sasl_port,sasl_ssl=127.0.0.1:$sasl_ssl_port,ca=$WORK/embedded-ca.pem"
    --kafka-secured "sasl_plaintext=$ksasl,sasl_ssl=$kssl,ca=$kca")
fi
echo "kafka-dash broker at 127.0.0.1:$port, Apache Kafka at $kafka"
cd tests/differential
python3 diff.py --embedded "127.0.0.1:$port" --kafka "$kafka" "${secured[@]}" "${only[@]}"
