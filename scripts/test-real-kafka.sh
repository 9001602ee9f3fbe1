#!/usr/bin/env bash
# The real-Kafka suite: the end-to-end and interoperability scripts run against Apache
# Kafka 4 (a fresh single-node KRaft cluster for each, from scripts/real-kafka.sh; the
# end-to-end one on a node that also serves every secured listener, where
# tests/e2e/secure.sh then runs on each security mode and the failure cases), the
# three-node failover scenario, the differential suite (the same client-side cases on
# `kafka-dash broker` and on Kafka, compared), and librdkafka's own integration tests on
# both. Needs what scripts/install-test-deps.sh installs and a release build. Each part
# ends with its own summary line.
set -u
cd "$(dirname "$0")/.."
export REAL_KAFKA_HOME=${REAL_KAFKA_HOME:-$(mktemp -d)/kafka}
failed=()

# Runs "$@ --bootstrap B" against a fresh single-node cluster.
on_fresh_kafka() {
  local b rc
  b=$(bash scripts/real-kafka.sh start) || { echo "FAIL cannot start Apache Kafka"; return 1; }
  echo "Apache Kafka at $b"
  "$@" --bootstrap "$b"
  rc=$?
  bash scripts/real-kafka.sh stop
  return $rc
}

# The plaintext e2e first, while the node is fresh; then every security mode on the same
# node (one JVM start for all of them), the failure cases, and librdkafka's suite over
# the secured listeners.
on_secured_kafka() {
  local out b
  # SASL sessions of 10 s (KIP-368), as managed clusters set them: every client, the
  # dashboard's own among them, must re-authenticate or reconnect on its own.
  out=$(bash scripts/real-kafka.sh start --security all --set connections.max.reauth.ms=10000) ||
    { echo "FAIL cannot start the secured Apache Kafka"; failed+=("secured Kafka"); return; }
  b=$(echo "$out" | head -n 1)
  echo "Apache Kafka at $b, with every secured listener"
  bash tests/e2e/run.sh --bootstrap "$b" || failed+=("e2e on Kafka")
  for mode in plaintext sasl_ssl sasl_plaintext ssl oauth; do
    bash tests/e2e/secure.sh --mode "$mode" || failed+=("secure e2e on $mode")
  done
  bash tests/e2e/secure.sh --failures || failed+=("secure e2e failure cases")
  on_secured_embedded_broker
  bash scripts/librdkafka-tests.sh compare-secure || failed+=("librdkafka's suite over SASL_SSL and SSL")
  bash scripts/real-kafka.sh stop
}

# The same walkthrough and group demo on `kafka-dash broker` with secured listeners, the
# Kafka node's certificates and users (it has no OAUTHBEARER: no oauth mode there).
on_secured_embedded_broker() {
  local d out pid mode b
  d=$(bash scripts/real-kafka.sh security-dir)
  out=$(mktemp)
  target/release/kafka-dash broker --listener PLAINTEXT://127.0.0.1:0 \
    --listener SASL_SSL://127.0.0.1:0 --listener SASL_PLAINTEXT://127.0.0.1:0 --listener SSL://127.0.0.1:0 \
    --tls-cert "$d/broker.pem" --tls-key "$d/broker.key" --tls-client-ca "$d/ca.pem" --tls-client-auth required \
    --user admin:admin-secret --user alice:alice-secret --user bob:bob-secret --super-user admin --reauth-ms 10000 \
    --log-file "$out.log" >"$out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q "^  SSL " "$out" && break; sleep 0.1; done
  echo "kafka-dash broker with secured listeners: $(tr '\n' ' ' <"$out")"
  for mode in sasl_ssl sasl_plaintext ssl; do
    b=$(awk -v p="$(echo "$mode" | tr a-z A-Z)" '$1 == p { print $2 }' "$out")
    # shellcheck disable=SC2046 # the settings are one word each
    bash tests/e2e/secure.sh --mode "$mode" --bootstrap "$b" -- $(bash scripts/real-kafka.sh client-args "$mode") ||
      failed+=("secure e2e on $mode, kafka-dash broker")
  done
  kill "$pid"
  wait "$pid" 2>/dev/null
  rm -f "$out" "$out.log"
}

on_secured_kafka
on_fresh_kafka bash tests/interop/run.sh || failed+=("interop on Kafka")
bash tests/e2e/failover.sh || failed+=("failover on 3-node Kafka")
bash tests/differential/run.sh || failed+=("differential suite")
bash scripts/librdkafka-tests.sh compare || failed+=("librdkafka's suite")

if [ ${#failed[@]} -gt 0 ]; then
  echo "real Kafka suite failed: ${failed[*]}"
  exit 1
fi
echo "real Kafka suite: all parts passed"
