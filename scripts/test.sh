#!/usr/bin/env bash
# The test command of the README: unit and integration tests, browser tests included
# when Chromium is installed (they say why they skip otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --locked "$@"
