#!/usr/bin/env bash
# Throughput through a Gateway Load Balancer (scenarios/inspection-vpc.yaml: the internet
# client → web-1 through the endpoint, GENEVE to a `vpcemu appliance`, its nftables, and back)
# beside the same path without it (the same file with the app subnet and the internet gateway
# routed directly: no gateway route table, no endpoint, no load balancer). iperf3 TCP, median
# of 3 runs of SECS seconds each; prints both and the ratio. Needs root.
# Usage: scripts/bench-gwlb.sh [secs] [path/to/vpcemu]
set -euo pipefail
secs=${1:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
vpcemu=${2:-$here/build/vpcemu}
source "$here/scripts/bench-lib.sh"
work=$(mktemp -d)
run="$work/run"
cleanup() {
  for s in bench-gwlb bench-direct; do "$vpcemu" --run-dir "$run" down "$s" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
python3 - "$here/scenarios/inspection-vpc.yaml" "$work" <<'PY'
import sys, yaml
sc = yaml.safe_load(open(sys.argv[1]))
sc["name"] = "bench-gwlb"
web = sc["vpcs"]["prod"]["security_groups"]["web"]
web["ingress"].append({"protocol": "tcp", "ports": 5201, "source": "0.0.0.0/0"})  # iperf3
yaml.safe_dump(sc, open(sys.argv[2] + "/gwlb.yaml", "w"), sort_keys=False)
prod = sc["vpcs"]["prod"]
del prod["route_tables"]["ingress"]
prod["route_tables"]["app"]["routes"] = [{"destination": "0.0.0.0/0", "target": "internet_gateway"}]
del prod["endpoints"]
del sc["gateway_load_balancers"]
sc["name"] = "bench-direct"
yaml.safe_dump(sc, open(sys.argv[2] + "/direct.yaml", "w"), sort_keys=False)
PY
result() {  # result NAME FILE → Gbit/s from the internet client to web-1's public address
  "$vpcemu" --run-dir "$run" up "$2" >/dev/null 2>&1
  local pub
  pub=$("$vpcemu" --run-dir "$run" status "$1" --format json | python3 -c '
import json, sys
print([e["public_ip"] for e in json.load(sys.stdin)["endpoints"] if e["name"] == "web-1"][0])')
  gbps "$1.web-1" "$1.client" "$pub"
  "$vpcemu" --run-dir "$run" down "$1" >/dev/null 2>&1
}
direct=$(result bench-direct "$work/direct.yaml")
gwlb=$(result bench-gwlb "$work/gwlb.yaml")
echo "| path | Gbit/s |"
echo "|---|---|"
echo "| internet → web-1 directly | $direct |"
echo "| internet → web-1 through the gateway load balancer and vpcemu appliance | $gwlb |"
python3 -c "print(f'ratio (through / directly): {$gwlb / $direct:.3f}')"
