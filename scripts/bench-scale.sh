#!/usr/bin/env bash
# Scale: `vpcemu up` of N instances over M VPCs (scripts/gen-scenario.py) for each SIZE, its
# phases per instance, real packets in every VPC, the commands a user runs on it while it is up
# (status, plan, check of one expectation, an instance added live), `down`, vpcemu's peak RSS
# and the kernel memory the scenario costs; and the floor: the same namespaces, veth pairs,
# addresses and routes made by a minimal libmnl program (tests/bench/floor.cpp), with the ratio;
# and an `up` killed in its links phase, then the `down` that cleans it.
# Needs root. Usage: scripts/bench-scale.sh [N:M ...]   (default: 1000:10 5000:50 10000:100)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
vpcemu=${VPCEMU:-$here/build/vpcemu}
floor=${FLOOR:-$here/build/tests/vpcemu-floor}
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000:10 5000:50 10000:100)
work=$(mktemp -d)
run="$work/run"
cleanup() {
  "$vpcemu" --run-dir "$run" down bench-scale >/dev/null 2>&1 || true
  ls /run/netns 2>/dev/null | grep '^bench-floor\.' | sed 's/^/netns delete /' | ip -batch - 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mem() { awk -v k="$1:" '$1 == k {print $2}' /proc/meminfo; }  # kB
secs() { python3 -c 'import sys; print(f"{float(sys.argv[1]):.2f}")' "$1"; }
timed() {  # timed CMD...: the command's wall seconds on stdout, its output in $work/out
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; return 1; }
  t1=$(date +%s.%N)
  python3 -c 'import sys; print(f"{float(sys.argv[2]) - float(sys.argv[1]):.2f}")' "$t0" "$t1"
}
# The kernel frees a deleted namespace asynchronously (after `down` returns): give it time
# before the next measurement, which would otherwise share the RTNL with that cleanup.
settle() { sleep $(( $1 / 1000 * 3 + 5 )); }

summary=() phases=() floors=() live=()
for size in "${sizes[@]}"; do
  n=${size%%:*} m=${size##*:}
  python3 "$here/scripts/gen-scenario.py" "$n" "$m" --name bench-scale --public 20 >"$work/s.yaml"
  settle "$n"
  avail0=$(mem MemAvailable) slab0=$(mem Slab)
  /usr/bin/time -f "%e %M" -o "$work/up.time" "$vpcemu" --run-dir "$run" up "$work/s.yaml" \
    2>"$work/up.log" >/dev/null || { cat "$work/up.log"; exit 1; }
  avail1=$(mem MemAvailable) slab1=$(mem Slab)
  read -r up_s up_kb <"$work/up.time"
  ns=$(grep -o -m1 '[0-9]* namespaces' "$work/up.log" | cut -d' ' -f1)
  "$vpcemu" --run-dir "$run" check bench-scale >"$work/check.log" || { cat "$work/check.log"; exit 1; }

  # What a user does with it while it is up.
  status_s=$(timed "$vpcemu" --run-dir "$run" status bench-scale)
  plan_s=$(timed "$vpcemu" --run-dir "$run" plan "$work/s.yaml")
  python3 - "$work/s.yaml" "$work/one.yaml" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("\n")
at = lines.index("expect:")
open(sys.argv[2], "w").write("\n".join(lines[:at + 2]) + "\n")
PY
  check1_s=$(timed "$vpcemu" --run-dir "$run" check "$work/one.yaml")
  sed 's/^    instances:$/    instances:\n      zz-added: { subnet: private-0 }/' "$work/s.yaml" | awk '/zz-added/ && seen++ {next} {print}' >"$work/add.yaml"
  add_s=$(timed "$vpcemu" --run-dir "$run" up "$work/add.yaml")
  grep -q "is up (changed" "$work/out" || { echo "adding an instance was not a live change:"; cat "$work/out"; exit 1; }
  down_s=$(timed "$vpcemu" --run-dir "$run" down bench-scale)

  # The floor: the same objects (namespaces renamed), by tests/bench/floor.cpp.
  "$vpcemu" --run-dir "$run" plan --format json "$work/s.yaml" 2>/dev/null | python3 -c '
import json, sys
p = json.load(sys.stdin)
r = lambda ns: ns.replace("bench-scale.", "bench-floor.", 1)
for n in p["namespaces"]: print("ns", r(n["name"]))
for v in p["veths"]: print("veth", r(v["a"]["ns"]), v["a"]["ifname"], r(v["b"]["ns"]), v["b"]["ifname"], v["mtu"])
for a in p["addresses"]:
    if ":" not in a["address"]: print("addr", r(a["ns"]), a["dev"], a["address"])
for x in p["routes"]:
    if ":" in x["destination"]: continue
    print("route", r(x["ns"]), x["table"], x["destination"], x.get("type", "unicast"),
          x.get("via", "-"), x.get("dev", "-"), int(x.get("onlink", False)))
' >"$work/floor.in"
  settle "$n"
  "$floor" <"$work/floor.in" >"$work/floor.out"
  floor_ms=$(awk '{s += $(NF-1)} END {print s}' "$work/floor.out")
  ls /run/netns | grep '^bench-floor\.' | sed 's/^/netns delete /' | ip -batch -

  # An interrupted up: SIGKILL in its links phase, then down cleans what it made.
  settle "$n"
  "$vpcemu" --run-dir "$run" up "$work/s.yaml" >/dev/null 2>"$work/killed.log" &
  up_pid=$!
  until grep -q " sysctls (" "$work/killed.log" 2>/dev/null; do
    kill -0 "$up_pid" 2>/dev/null || { cat "$work/killed.log"; exit 1; }
    sleep 0.05
  done
  kill -KILL "$up_pid"
  wait "$up_pid" 2>/dev/null || true
  made=$(ls /run/netns | grep -c '^bench-scale\.' || true)
  killed_down_s=$(timed "$vpcemu" --run-dir "$run" down bench-scale)
  left=$(ls /run/netns | grep -c '^bench-scale\.' || true)
  [[ $left -eq 0 ]] || { echo "down after an interrupted up left $left namespaces"; exit 1; }

  kernel_ms=$(awk '/ namespaces \(|links \(|addresses, neighbours/ {gsub(/[()]/, ""); s += $(NF-1)} END {print s}' "$work/up.log")
  ratio=$(python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$kernel_ms" "$floor_ms")
  summary+=("| $n | $m | $ns | $(secs "$up_s") | $((up_kb / 1024)) | $down_s | $(( (avail0 - avail1) / 1024 )) | $(( (slab1 - slab0) / 1024 )) | $(tail -1 "$work/check.log") |")
  row="| $n |"
  for phase in "namespaces" "sysctls" "links" "addresses, neighbours, routes and rules" "nftables tables" "processes started"; do
    ms=$(grep -E "^  [0-9]+ $phase \(" "$work/up.log" | sed -E 's/.*\(([0-9]+) ms.*/\1/' || true)
    row+=" $(python3 -c 'import sys; print(f"{float(sys.argv[1] or 0) * 1000 / int(sys.argv[2]):.0f}")' "${ms:-0}" "$n") |"
  done
  phases+=("$row")
  floors+=("| $n | $(awk '{printf "%s %s ms, ", $1, $(NF-1)}' "$work/floor.out" | sed 's/, $//') | $floor_ms | $kernel_ms | $ratio |")
  live+=("| $n | $status_s | $plan_s | $check1_s | $add_s | $made | $killed_down_s |")
done

echo "| instances | VPCs | namespaces | up (s) | vpcemu peak RSS (MiB) | down (s) | kernel memory: MemAvailable drop (MiB) | of it slab (MiB) | check |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${summary[@]}"
echo
echo "Phases of up, µs per instance:"
echo
echo "| instances | namespaces | sysctls | links | addresses, neighbours, routes, rules | nftables | processes |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${phases[@]}"
echo
echo "The floor (namespaces, veth pairs, addresses and routes by tests/bench/floor.cpp) beside the same phases of up:"
echo
echo "| instances | floor's steps | floor (ms) | up's namespaces + links + addresses (ms) | ratio |"
echo "|---|---|---|---|---|"
printf '%s\n' "${floors[@]}"
echo
echo "While it is up (seconds): status, plan of the unchanged file, check of one expectation, up adding one instance; then an up killed (SIGKILL) in its links phase, the namespaces it had made, and the down that removed them:"
echo
echo "| instances | status | plan | check (1) | add an instance | namespaces made when killed | down after the kill (s) |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${live[@]}"
