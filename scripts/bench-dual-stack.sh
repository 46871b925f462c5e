#!/usr/bin/env bash
# `up` and `down` of the dual-stack lab (scenarios/ipv6.yaml) beside its IPv4 twin (the same
# file with every IPv6 key and IPv6 expectation removed), each run in turn, RUNS times; prints
# the medians in ms and the ratio. Needs root.
# Usage: scripts/bench-dual-stack.sh [runs] [path/to/vpcemu]
set -euo pipefail
runs=${1:-7}
here=$(cd "$(dirname "$0")/.." && pwd)
vpcemu=${2:-$here/build/vpcemu}
work=$(mktemp -d)
run="$work/run"
cleanup() {
  for s in bench-dual bench-v4; do "$vpcemu" --run-dir "$run" down "$s" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
sed 's/^name: .*/name: bench-dual/' "$here/scenarios/ipv6.yaml" > "$work/dual.yaml"
python3 - "$work/dual.yaml" "$work/v4.yaml" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
out = []
for l in lines:
    if re.match(r"^\s*(ipv6_cidr|egress_only_internet_gateway|ipv6|ipv6_address):", l): continue
    if "::" in l and l.strip().startswith("- {"): continue   # IPv6 routes, rules
    if "ip_version: 6" in l: continue
    l = re.sub(r",\s*(ipv6_cidr|ipv6|ipv6_address): [^,}]+", "", l)
    l = l.replace("name: bench-dual", "name: bench-v4").replace('"::"', '"0.0.0.0"')
    out.append(l)
open(sys.argv[2], "w").write("\n".join(out) + "\n")
PY
"$vpcemu" validate "$work/v4.yaml" >/dev/null
! grep -q '::\|ipv6' "$work/v4.yaml" || { echo "the IPv4 twin still has IPv6 in it" >&2; exit 1; }
ms() { python3 -c 'import time; print(int(time.monotonic() * 1000))'; }
for _ in $(seq "$runs"); do
  for f in dual v4; do
    t0=$(ms); "$vpcemu" --run-dir "$run" up "$work/$f.yaml" 2>/dev/null >/dev/null; t1=$(ms)
    name=$([[ $f == dual ]] && echo bench-dual || echo bench-v4)
    "$vpcemu" --run-dir "$run" down "$name" >/dev/null 2>&1; t2=$(ms)
    echo "$f $((t1 - t0)) $((t2 - t1))"
  done
done > "$work/times"
python3 - "$work/times" <<'PY'
import statistics, sys
t = {"dual": ([], []), "v4": ([], [])}
for line in open(sys.argv[1]):
    f, up, down = line.split()
    t[f][0].append(int(up)); t[f][1].append(int(down))
m = {f: (statistics.median(u), statistics.median(d)) for f, (u, d) in t.items()}
print("| scenario | up (median ms) | down (median ms) |")
print("|---|---|---|")
print(f"| scenarios/ipv6.yaml, dual stack | {m['dual'][0]:.0f} | {m['dual'][1]:.0f} |")
print(f"| its IPv4 twin | {m['v4'][0]:.0f} | {m['v4'][1]:.0f} |")
print(f"| dual stack / IPv4 | {m['dual'][0] / m['v4'][0]:.2f} | {m['dual'][1] / m['v4'][1]:.2f} |")
PY
