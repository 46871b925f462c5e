#!/usr/bin/env bash
# Time from `vpcemu test` starting to its verdict for the basic lab, on the host, rootless (an
# ordinary user made for the run) and in the container (`podman run`, its start included):
# RUNS runs of each (5), after one warm-up; prints a Markdown table of min / median / max.
# Run as root from the project's root after scripts/setup.sh and containers/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
vpcemu=$PWD/build/vpcemu
lab=scenarios/basic-vpc.yaml
work=$(mktemp -d /tmp/vpcemu-bench.XXXXXX)
chmod 755 "$work"
user=vpcbench$$
cleanup() { userdel "$user" 2>/dev/null || true; rm -rf "$work" "/tmp/vpcemu-$uid"; }
uid=none
trap cleanup EXIT
cp "$vpcemu" "$lab" "$work/" && chmod -R a+rX "$work"
useradd -M -s /bin/bash "$user"
uid=$(id -u "$user")
source containers/engine.sh

ms() { local t0=$(date +%s%N); "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }; echo $(( ($(date +%s%N) - t0) / 1000000 )); }
row() {  # LABEL COMMAND...: one warm-up, RUNS timed runs; "| label | min | median | max |"
  local label=$1; shift
  ms "$@" >/dev/null
  local t=() i
  for i in $(seq "$RUNS"); do t+=("$(ms "$@")"); done
  mapfile -t t < <(printf '%s\n' "${t[@]}" | sort -n)
  printf '| %s | %s | %s | %s |\n' "$label" "${t[0]}" "${t[$(( RUNS / 2 ))]}" "${t[$(( RUNS - 1 ))]}"
}
echo "vpcemu test basic-vpc (10 expectations), ms from start to verdict, $RUNS runs each ($(nproc) cores, $(uname -r)):"
echo
echo "| where | min | median | max |"
echo "|---|---|---|---|"
row "host (root)" "$vpcemu" --run-dir "$work/run" test -q "$lab"
row "rootless (an ordinary user)" su "$user" -s /bin/bash -c "cd $work && ./vpcemu --rootless test -q basic-vpc.yaml"
if [[ -n $engine ]] && "$engine" "${engine_flags[@]}" image exists vpcemu 2>/dev/null; then
  row "container ($engine run --privileged, start included)" \
    "$engine" "${engine_flags[@]}" run --rm --network none "${limits[@]}" --privileged vpcemu test -q /usr/share/vpcemu/scenarios/basic-vpc.yaml
  row "container, minimal capabilities" \
    "$engine" "${engine_flags[@]}" run --rm --network none "${limits[@]}" --cap-add NET_ADMIN,SYS_ADMIN,NET_RAW,SYS_PTRACE --device /dev/net/tun vpcemu test -q /usr/share/vpcemu/scenarios/basic-vpc.yaml
else
  echo "| container | (no image: containers/build.sh) | | |"
fi
