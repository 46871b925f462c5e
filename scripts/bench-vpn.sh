#!/usr/bin/env bash
# VPNs with real daemons: time from `vpcemu up` to every tunnel passing traffic in a scenario
# with one site-to-site connection (two IPsec tunnels) and one client VPN client, and iperf3 TCP
# throughput through each kind of tunnel (IPsec with kernel-libipsec, OpenVPN, WireGuard)
# beside a bare veth pair, in one run (medians of 3). Needs root, strongSwan, OpenVPN and
# wireguard-go; then the same for a BGP connection (bird2). Usage: scripts/bench-vpn.sh [seconds]
set -euo pipefail
secs=${1:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
vpcemu=$here/build/vpcemu
work=$(mktemp -d)
run="$work/run"
bare_a=bench-vpn-a-$$
bare_b=bench-vpn-b-$$
cleanup() {
  "$vpcemu" --run-dir "$run" down bench-vpn >/dev/null 2>&1 || true
  "$vpcemu" --run-dir "$run" down bench-wg >/dev/null 2>&1 || true
  "$vpcemu" --run-dir "$run" down bench-bgp >/dev/null 2>&1 || true
  ip netns del "$bare_a" 2>/dev/null || true
  ip netns del "$bare_b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
source "$here/scripts/bench-lib.sh"
sed -e 's/^name: .*/name: bench-vpn/' \
    -e 's/          - { protocol: tcp, ports: 22, source: 192.168.0.0\/16 }/          - { protocol: all, source: 192.168.0.0\/16 }/' \
    "$here/scenarios/site-to-site-vpn.yaml" > "$work/s.yaml"
# ... plus a client VPN endpoint with one client, in the same VPC.
python3 - "$work/s.yaml" <<'PY'
import sys
f = sys.argv[1]
s = open(f).read().replace("      private-a: { cidr: 10.0.2.0/24, route_table: private }",
                           "      private-a: { cidr: 10.0.2.0/24, route_table: private }\n      vpn-a: { cidr: 10.0.9.0/24 }")
s = s.replace("          - { protocol: icmp, source: 192.168.0.0/16 }",
              "          - { protocol: icmp, source: 192.168.0.0/16 }\n          - { protocol: all, source: 10.0.0.0/16 }")
s += """client_vpn_endpoints:
  remote:
    vpc: prod
    subnets: [vpn-a]
    client_cidr: 10.100.0.0/22
    transport: openvpn
    authorization: [ { destination: 10.0.2.0/24 } ]
    clients: { laptop: {} }
"""
open(f, "w").write(s)
PY

t0=$(date +%s%N)
"$vpcemu" --run-dir "$run" up "$work/s.yaml" >/dev/null 2>&1
up_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
for _ in $(seq 500); do
  [[ -n $(ip -n bench-vpn.vgw.prod route show table 221 2>/dev/null) &&
     -n $(ip -n bench-vpn.vgw.prod route show table 222 2>/dev/null) ]] &&
    ip netns exec bench-vpn.desk-1 ping -c1 -W1 10.0.2.10 >/dev/null 2>&1 &&
    ip netns exec bench-vpn.laptop ping -c1 -W1 10.0.2.10 >/dev/null 2>&1 && break
  sleep 0.01
done
tunnels_ms=$(( ($(date +%s%N) - t0) / 1000000 ))

bare_veth "$bare_a" "$bare_b"
bare=$(gbps "$bare_b" "$bare_a" 192.0.2.2)
vpn=$(gbps bench-vpn.app-1 bench-vpn.desk-1 10.0.2.10)
ovpn=$(gbps bench-vpn.app-1 bench-vpn.laptop 10.0.2.10)
sed -e 's/^name: .*/name: bench-wg/' -e 's/    transport: openvpn/    transport: wireguard/' \
    -e 's/          - { protocol: tcp, ports: 22, source: 10.0.0.0\/16 }/          - { protocol: all, source: 10.0.0.0\/16 }/' \
    "$here/scenarios/client-vpn.yaml" > "$work/wg.yaml"
"$vpcemu" --run-dir "$run" up "$work/wg.yaml" >/dev/null 2>&1
for _ in $(seq 200); do ip netns exec bench-wg.laptop ping -c1 -W1 10.0.2.10 >/dev/null 2>&1 && break; sleep 0.01; done
wg=$(gbps bench-wg.app-1 bench-wg.laptop 10.0.2.10)
"$vpcemu" --run-dir "$run" down bench-wg >/dev/null 2>&1

# BGP: route-based tunnels; traffic flows once bird has learned and installed the routes.
sed -e 's/^name: .*/name: bench-bgp/' \
    -e 's/          - { protocol: tcp, ports: 22, source: 192.168.0.0\/16 }/          - { protocol: all, source: 192.168.0.0\/16 }/' \
    "$here/scenarios/site-to-site-vpn-bgp.yaml" > "$work/bgp.yaml"
t0=$(date +%s%N)
"$vpcemu" --run-dir "$run" up "$work/bgp.yaml" >/dev/null 2>&1
for _ in $(seq 1000); do
  ip netns exec bench-bgp.desk-1 ping -c1 -W1 10.0.2.10 >/dev/null 2>&1 && break
  sleep 0.01
done
bgp_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
bgp=$(gbps bench-bgp.app-1 bench-bgp.desk-1 10.0.2.10)

echo "| measure | value |"
echo "|---|---|"
mbit() { python3 -c "print('%.0f Mbit/s' % ($1 * 1000))"; }
echo "| \`vpcemu up\` (one connection, one client VPN client) | ${up_ms} ms |"
echo "| from \`up\` starting to both IPsec tunnels and the client passing a packet | ${tunnels_ms} ms |"
echo "| iperf3 TCP, bare veth pair | ${bare} Gbit/s |"
echo "| iperf3 TCP, office host → VPC instance through IPsec (kernel-libipsec) | $(mbit "$vpn") |"
echo "| iperf3 TCP, laptop → VPC instance through OpenVPN | $(mbit "$ovpn") |"
echo "| iperf3 TCP, laptop → VPC instance through WireGuard (wireguard-go) | $(mbit "$wg") |"
echo "| BGP connection: from \`up\` starting to the first packet over the learned routes | ${bgp_ms} ms |"
echo "| iperf3 TCP, office host → VPC instance through a route-based (BGP) IPsec tunnel | $(mbit "$bgp") |"
