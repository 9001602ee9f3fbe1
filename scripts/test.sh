#!/usr/bin/env bash
# Every test: installs missing test dependencies, runs the Rust unit and integration
# tests, then the interoperability run with clients we did not write.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
cargo build --release --all-targets
cargo test --release
bash tests/interop/run.sh
