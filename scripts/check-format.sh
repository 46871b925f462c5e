#!/usr/bin/env bash
# Fails when a C++ file of the project is not formatted as .clang-format says (clang-format 14,
# Debian 12's). Fix with: clang-format -i $(git ls-files '*.cpp' '*.h')
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src tests -name '*.cpp' -o -name '*.h' | sort)
clang-format --dry-run --Werror "${files[@]}"
echo "format: ${#files[@]} files formatted"
