#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, skipping what is already there:
# build deps of rdkafka (and of librdkafka's test suite), tmux, kcat, Go with Debian's sarama and confluent-kafka-go, the
# Python clients (and cryptography, for the test OIDC endpoint; the schema-registry serdes and
# grpcio-tools for tests/schemas), Java and Maven, and Apache Kafka's jars (through Maven, cached in ~/.m2).
# Safe to run again.
set -euo pipefail

# cmake: rdkafka builds librdkafka with CMake (its curl for OIDC is linked that way).
APT_PACKAGES=(pkg-config libssl-dev zlib1g-dev make gcc g++ cmake procps tmux kcat golang-go
  golang-github-shopify-sarama-dev golang-github-confluentinc-confluent-kafka-go-dev librdkafka-dev)
# cryptography signs the test OIDC endpoint's tokens (tests/support/oidc_server.py);
# confluent-kafka's extras bring its schema-registry client and Avro/Protobuf/JSON Schema
# serdes, and grpcio-tools protoc (tests/schemas/run.sh).
PY_PACKAGES=("kafka-python==2.3.3" "confluent-kafka[avro,protobuf,json,schemaregistry]==2.16.1"
  "grpcio-tools==1.85.1" "cryptography==48.0.0")

# Java 17+ and Maven run Apache Kafka for the real-Kafka suite; the machine image may
# bring its own, so only install Debian's when there is none.
command -v java >/dev/null || APT_PACKAGES+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || APT_PACKAGES+=(maven)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The serdes import their extras' packages (fastavro, protobuf, jsonschema, httpx...).
PY_CHECK='import kafka, confluent_kafka, cryptography, grpc_tools.protoc, sys
import confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.protobuf
import confluent_kafka.schema_registry.json_schema
sys.exit(0 if kafka.__version__ == "2.3.3" else 1)'
if ! python3 -c "$PY_CHECK" 2>/dev/null; then
  echo "installing: ${PY_PACKAGES[*]}"
  python3 -m pip install -q --disable-pip-version-check "${PY_PACKAGES[@]}" 2>&1 | grep -v "Running pip as the 'root' user" || true
fi

bash "$(dirname "$0")/real-kafka.sh" fetch
