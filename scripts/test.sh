#!/usr/bin/env bash
# Every test: installs missing test dependencies, runs the Rust unit and integration
# tests, the interoperability run with clients we did not write, and the end-to-end
# tmux runs of the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
cargo build --release --all-targets
timeout 1800 cargo test --release
bash tests/interop/run.sh
bash tests/e2e/run.sh
