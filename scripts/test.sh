#!/usr/bin/env bash
# Installs, builds and runs every test (unit and, as root, integration with real namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd build
ctest --output-on-failure --timeout 600
