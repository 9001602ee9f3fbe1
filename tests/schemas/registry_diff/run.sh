#!/usr/bin/env bash
# Runs the registry differential test (run.py) from the repository root: kafka-dash's embedded
# registry against Karapace. Build first: cargo build --release --bin kafka-dash.
# Environment: KAFKA_DASH_BIN (default target/release/kafka-dash), KARAPACE_REGISTRY_SH
# (default /work/oracle/registry.sh). Extra arguments go to run.py (--ours/--theirs URL, --json, --verbose).
set -euo pipefail
cd "$(dirname "$0")/../../.."
exec python3 tests/schemas/registry_diff/run.py "$@"
