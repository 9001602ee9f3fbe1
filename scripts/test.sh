#!/usr/bin/env bash
# Every test: installs missing test dependencies, runs the Rust unit and integration
# tests, then the interoperability and end-to-end runs — first on the embedded broker and
# `kafka-dash broker`, then on Apache Kafka 4 (single node and a three-node cluster).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh || exit 1
cargo build --release --all-targets || exit 1
failed=()
# The house rules a compiler can check: formatting, lints, and no function over 150 lines.
cargo fmt --all --check || failed+=("cargo fmt")
cargo clippy --release --all-targets -- -D warnings || failed+=("cargo clippy")
timeout 1800 cargo test --release || failed+=("cargo test")
bash tests/interop/run.sh || failed+=("interop")
bash tests/schemas/run.sh || failed+=("schemas")
bash tests/e2e/run.sh || failed+=("e2e")
bash scripts/test-real-kafka.sh || failed+=("real Kafka")
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}"
  exit 1
fi
