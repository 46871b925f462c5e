#!/usr/bin/env bash
# Runs the scenario fuzzer (tests/fuzz) for longer than CI does: mutated scenario files through
# parse, validate and compile under ASan and UBSan, on both cores with different seeds.
# usage: scripts/fuzz.sh [seconds] [first seed]; findings land in build/fuzz-findings/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
seed=${2:-$RANDOM}
cmake --build build --target fuzz_scenario -j"$(nproc)" >/dev/null
out=build/fuzz-findings
mkdir -p "$out"
pids=()
for k in $(seq 0 $(($(nproc) - 1))); do
  build/tests/fuzz_scenario --seconds "$seconds" --seed $((seed + k)) --out "$out" \
    scenarios tests &
  pids+=($!)
done
rc=0
for p in "${pids[@]}"; do wait "$p" || rc=1; done
[ $rc -eq 0 ] && echo "fuzz: nothing found" || echo "fuzz: findings in $out (replay: build/tests/fuzz_scenario --run FILE)"
exit $rc
