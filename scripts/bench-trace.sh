#!/usr/bin/env bash
# vpcemu trace at scale, and trace against real packets: on scenarios of 1,000 and 10,000
# instances (scripts/gen-scenario.py, 10 VPCs) the in-process time of one trace (median of 21,
# build/tests/vpcemu-trace-bench) and of its inputs (parse and validate, addresses), and the
# whole `vpcemu trace` command beside `vpcemu validate` (farm-bench when it is there, else
# RUNS runs); then the differential run's probes per second (scripts/differential.py, needs
# root). Prints Markdown tables. Run from the project's root after building.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
vpcemu=$PWD/build/vpcemu
bench=$PWD/build/tests/vpcemu-trace-bench
work=$(mktemp -d /tmp/vpcemu-bench-trace.XXXXXX)
trap 'rm -rf "$work"' EXIT

ms() { local t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; echo $(( ($(date +%s%N) - t0) / 1000000 )); }
median_ms() {  # COMMAND...: median wall ms of RUNS runs after one warm-up
  local t=() i
  ms "$@" >/dev/null
  for i in $(seq "$RUNS"); do t+=("$(ms "$@")"); done
  printf '%s\n' "${t[@]}" | sort -n | sed -n "$(( RUNS / 2 + 1 ))p"
}

echo "| instances | probe | parse + validate (ms) | addresses (ms) | one trace, median (ms) | \`vpcemu trace\` (ms) | \`vpcemu validate\` (ms) |"
echo "|---|---|---|---|---|---|---|"
for n in 1000 10000; do
  /usr/bin/python3 scripts/gen-scenario.py "$n" 10 --name "t$n" > "$work/s$n.yaml"
  last=$((n - 1))
  # Within a subnet; and from the last instance (no public address) to an internet host.
  for probe in "i-0 i-1 icmp" "i-$last host-0 443"; do
    read -r from to port <<<"$probe"
    line=$("$bench" "$work/s$n.yaml" "$from" "$to" "$port" 21)
    parse=$(sed -E 's/.*parse\+validate ([0-9.]+) ms.*/\1/' <<<"$line")
    addr=$(sed -E 's/.*addresses ([0-9.]+) ms.*/\1/' <<<"$line")
    tr=$(sed -E 's/.*trace median ([0-9.]+) ms.*/\1/' <<<"$line")
    verdict=$(sed -E 's/.*verdict ([a-z]+).*/\1/' <<<"$line")
    args=("$from" "$to"); [[ $port == icmp ]] && args+=(--protocol icmp) || args+=(--port "$port")
    whole=$(median_ms "$vpcemu" trace "$work/s$n.yaml" "${args[@]}")
    val=$(median_ms "$vpcemu" validate "$work/s$n.yaml")
    echo "| $n | $from → $to ${port} ($verdict) | $parse | $addr | $tr | $whole | $val |"
  done
done

if [[ $(id -u) -eq 0 ]]; then
  echo
  echo "| differential run | scenarios | probes | seconds | probes/s | agree |"
  echo "|---|---|---|---|---|---|"
  out=$(/usr/bin/python3 scripts/differential.py --seed 1 --scenarios "${SCENARIOS:-20}" --probes 30 \
        --vpcemu "$vpcemu" --out "$work/d" | tail -1)
  # "N scenarios, P probes in S s (R probes/s): A agree, D disagree; ..."
  read -r sc p s r a <<<"$(sed -E 's/^([0-9]+) scenarios, ([0-9]+) probes in ([0-9.]+) s \(([0-9.]+) probes\/s\): ([0-9]+) agree.*/\1 \2 \3 \4 \5/' <<<"$out")"
  echo "| seed 1 | $sc | $p | $s | $r | $a of $p |"
fi
