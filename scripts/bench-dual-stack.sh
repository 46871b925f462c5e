#!/usr/bin/env bash
# `up` and `down` of the dual-stack lab (scenarios/ipv6.yaml) beside its IPv4 twin (the same
# file without IPv6: no IPv6 keys, IPv6-only subnet, IPv6 routes, rules or expectations), each run in turn, RUNS times; prints
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
# The IPv4 twin: every IPv6 key, IPv6-only subnet and its instances, IPv6 route, rule and
# expectation removed; a server bound to "::" binds 0.0.0.0.
import sys, yaml
sc = yaml.safe_load(open(sys.argv[1]))
sc["name"] = "bench-v4"
v6 = lambda x: ":" in str(x)
for vpc in sc["vpcs"].values():
    for k in ("ipv6_cidr", "egress_only_internet_gateway"):
        vpc.pop(k, None)
    gone = {n for n, s in vpc.get("subnets", {}).items() if s.get("ipv6_native")}
    vpc["subnets"] = {n: {k: v for k, v in s.items() if k not in ("ipv6_cidr", "dns64")}
                      for n, s in vpc["subnets"].items() if n not in gone}
    for rt in vpc.get("route_tables", {}).values():
        rt["routes"] = [r for r in rt.get("routes") or [] if not v6(r["destination"])]
    for g in vpc.get("security_groups", {}).values():
        for d in ("ingress", "egress"):
            if d in g:
                g[d] = [r for r in g[d] if not v6(r.get("source", r.get("destination")))]
    vpc["instances"] = {n: {k: (["0.0.0.0" if a == "::" else a for a in v] if k == "run" else v)
                            for k, v in i.items() if k not in ("ipv6", "ipv6_address")}
                        for n, i in vpc["instances"].items() if i["subnet"] not in gone}
names = {n for vpc in sc["vpcs"].values() for n in vpc["instances"]} | set(sc["internet"]["hosts"])
for h in sc["internet"]["hosts"].values():
    h.pop("ipv6", None)
sc["expect"] = [e for e in sc["expect"]
                if e.get("ip_version", 4) == 4 and not v6(e["to"]) and e["from"] in names]
yaml.safe_dump(sc, open(sys.argv[2], "w"), sort_keys=False)
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
