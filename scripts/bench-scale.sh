#!/usr/bin/env bash
# Measures `vpcemu up` and `vpcemu down` wall time and peak memory for N instances over M VPCs
# (default 1000 over 10), plus a real-packet check across every VPC. Needs root.
# Usage: scripts/bench-scale.sh [N] [M] [path/to/vpcemu]
set -euo pipefail
n=${1:-1000}
m=${2:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
vpcemu=${3:-$here/build/vpcemu}
work=$(mktemp -d)
run="$work/run"
trap '"$vpcemu" --run-dir "$run" down bench-scale >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

python3 "$here/scripts/gen-scenario.py" "$n" "$m" --name bench-scale --public 20 > "$work/s.yaml"
/usr/bin/time -f "%e %M" -o "$work/up.time" "$vpcemu" --run-dir "$run" up "$work/s.yaml" \
  2> "$work/up.log" >/dev/null
"$vpcemu" --run-dir "$run" check bench-scale > "$work/check.log" || { cat "$work/check.log"; exit 1; }
/usr/bin/time -f "%e %M" -o "$work/down.time" "$vpcemu" --run-dir "$run" down bench-scale >/dev/null 2>&1

read -r up_s up_kb < "$work/up.time"
read -r down_s down_kb < "$work/down.time"
echo "| instances | VPCs | namespaces | up (s) | up peak RSS (MiB) | down (s) | check |"
echo "|---|---|---|---|---|---|---|"
ns=$(grep -o -m1 '[0-9]* namespaces' "$work/up.log" | cut -d' ' -f1)
echo "| $n | $m | $ns | $up_s | $((up_kb / 1024)) | $down_s | $(tail -1 "$work/check.log") |"
echo
echo "phases of up:"
grep -E '^  [0-9]+ ' "$work/up.log"
