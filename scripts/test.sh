#!/usr/bin/env bash
# Installs, builds and runs every test (unit and, as root, integration with real namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd build
# CI gives the fuzzer a few minutes; a local run 20 s (scripts/fuzz.sh runs it longer).
if [ "${CI:-}" = true ]; then export FUZZ_SECONDS=${FUZZ_SECONDS:-180}; fi
ctest --output-on-failure --timeout 600
