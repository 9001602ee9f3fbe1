#!/usr/bin/env bash
# The real-Kafka suite: the end-to-end and interoperability scripts run against Apache
# Kafka 4 (a fresh single-node KRaft cluster for each, from scripts/real-kafka.sh), the
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

on_fresh_kafka bash tests/e2e/run.sh || failed+=("e2e on Kafka")
on_fresh_kafka bash tests/interop/run.sh || failed+=("interop on Kafka")
bash tests/e2e/failover.sh || failed+=("failover on 3-node Kafka")
bash tests/differential/run.sh || failed+=("differential suite")
bash scripts/librdkafka-tests.sh compare || failed+=("librdkafka's suite")

if [ ${#failed[@]} -gt 0 ]; then
  echo "real Kafka suite failed: ${failed[*]}"
  exit 1
fi
echo "real Kafka suite: all parts passed"
