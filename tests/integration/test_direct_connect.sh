# AWS rule 31 (and 17): Direct Connect is a private link with BGP, not encrypted, at the port's
# speed; its routes win over a BGP VPN's for the same prefix, and the VPN carries the traffic
# when the link fails (scenarios/direct-connect.yaml, at 100Mbps and with jumbo frames here).
source "$(dirname "$0")/lib.sh"
command -v charon-systemd >/dev/null || { echo "SKIPPED: strongSwan (charon-systemd) is not installed"; exit 77; }
command -v bird >/dev/null || { echo "SKIPPED: bird2 is not installed"; exit 77; }
name=$(uname_for dx)
f=$(scenario_copy direct-connect.yaml "$name")
sed -i -e 's/bandwidth: 1Gbps/bandwidth: 100Mbps, jumbo: true/' \
       -e 's/          - { protocol: tcp, ports: 22, source: 192.168.0.0\/16 }/          - { protocol: tcp, ports: 22, source: 192.168.0.0\/16 }\n          - { protocol: tcp, ports: 5201, source: 192.168.0.0\/16 }/' "$f"
out=$(vpcemu up "$f" 2>&1) || fail "up failed: $out"
dev=dx-dx-1
route_to() { in_ns "$1" ip -o route get "$2" 2>/dev/null; }
for _ in $(seq 100); do
  [[ $(route_to "$name.vgw.prod" 192.168.1.10) == *"dev $dev"* && $(route_to "$name.onprem.office" 10.0.2.10) == *"dev $dev"* ]] && break
  sleep 0.05
done
[[ $(route_to "$name.vgw.prod" 192.168.1.10) == *"dev $dev"* ]] || fail "the gateway does not route the office over Direct Connect: $(route_to "$name.vgw.prod" 192.168.1.10)"
[[ $(route_to "$name.onprem.office" 10.0.2.10) == *"dev $dev"* ]] || fail "the office does not route the VPC over Direct Connect: $(route_to "$name.onprem.office" 10.0.2.10)"
pass "both ends route over Direct Connect although the VPN's BGP sessions offer the same prefixes"
out=$(vpcemu check "$name") || fail "check: $out"
pass "$(tail -1 <<<"$out")"

dxs() { vpcemu status "$name" --format json | python3 -c 'import json,sys; g=[g for g in json.load(sys.stdin)["gateways"] if g["kind"] == "direct-connect"][0]; print(g["name"], g["bgp"]["session"], ",".join(g["bgp"]["prefixes"]))'; }
for _ in $(seq 40); do [[ $(dxs) == "dx-1 Established 192.168.0.0/16" ]] && break; sleep 0.05; done
[[ $(dxs) == "dx-1 Established 192.168.0.0/16" ]] || fail "status: $(dxs)"
pass "status: dx-1's BGP session established, 192.168.0.0/16 learned over it"

# Not encrypted, and not on the internet: the link itself shows the inner addresses.
capture "$name.onprem.office" "$dev" 4 3 icmp -- must vpcemu exec desk-1 -- ping -c 3 -i 0.1 10.0.2.10
grep -q '192.168.1.10 > 10.0.2.10: ICMP echo request' "$WORK/cap" ||
  fail "the Direct Connect link did not carry desk-1's pings in the clear: $(cat "$WORK/cap")"
pass "desk-1's pings cross the Direct Connect link unencrypted: $(head -1 "$WORK/cap" | cut -c1-80)"

# A jumbo private VIF: 9001-byte packets cross from the office's LAN to the instance whole.
must vpcemu exec desk-1 -- ping -c 1 -W 2 -M do -s 8973 10.0.2.10
pass "jumbo: true carries a 9001-byte packet with DF set from the office to the VPC"

# The port's speed: 100Mbps each way.
in_ns "$name.app-1" iperf3 -s -1 -D -p 5201
sleep 0.3
mbit=$(in_ns "$name.desk-1" iperf3 -c 10.0.2.10 -p 5201 -t 2 -J |
  python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))')
(( mbit >= 50 && mbit <= 110 )) || fail "a 100Mbps Direct Connect carried $mbit Mbit/s"
pass "a 100Mbps port carries $mbit Mbit/s (a bare veth carries gigabits)"

# The link fails: BGP withdraws at once (carrier lost), the VPN takes over; it returns: back.
vpcemu exec desk-1 -- ping -i 0.1 -c 40 -W 1 10.0.2.10 > "$WORK/ping" 2>&1 &
png=$!
sleep 1
in_ns "$name.onprem.office" ip link set "$dev" down
sleep 0.5
via=$(route_to "$name.onprem.office" 10.0.2.10)
wait $png || true
[[ $via == *"dev ipsec"* ]] || fail "with the link down the office routes $via"
received=$(grep -o '[0-9]* received' "$WORK/ping" | awk '{print $1}')
(( received >= 35 )) || fail "only $received/40 pings answered across the failover"
pass "link down: the VPN carries the traffic (${via%% src*}), $received/40 pings answered across the switch"
in_ns "$name.onprem.office" ip link set "$dev" up
for _ in $(seq 100); do [[ $(route_to "$name.onprem.office" 10.0.2.10) == *"dev $dev"* ]] && break; sleep 0.05; done
[[ $(route_to "$name.onprem.office" 10.0.2.10) == *"dev $dev"* ]] || fail "traffic did not return to Direct Connect"
must vpcemu exec desk-1 -- ping -c1 -W1 10.0.2.10
pass "link up: traffic returns to Direct Connect"
vpcemu down "$name" >/dev/null 2>&1

# A static VPN as the backup: at the gateway Direct Connect's BGP route (preference 150) beats
# the static VPN route (120) for the same prefix (AWS rule 17), and the static one takes over
# when the link fails.
name=$(uname_for dxs)
f=$(scenario_copy direct-connect.yaml "$name")
sed -i 's/    routing: bgp/    routing: static\n    static_routes: [192.168.0.0\/16]/' "$f"
out=$(vpcemu up "$f" 2>&1) || fail "up failed: $out"
for _ in $(seq 100); do
  [[ $(route_to "$name.vgw.prod" 192.168.1.10) == *"dev $dev"* ]] &&
    in_ns "$name.vgw.prod" ip route show table 221 | grep -q 192.168 && break
  sleep 0.05
done
[[ $(route_to "$name.vgw.prod" 192.168.1.10) == *"dev $dev"* ]] ||
  fail "with a static VPN beside it, the gateway routes $(route_to "$name.vgw.prod" 192.168.1.10)"
[[ -n $(in_ns "$name.vgw.prod" ip route show table 221 192.168.0.0/16) ]] || fail "the static tunnel is not up"
pass "Direct Connect beats the static VPN for 192.168.0.0/16 at the gateway"
in_ns "$name.onprem.office" ip link set "$dev" down
for _ in $(seq 100); do [[ $(route_to "$name.vgw.prod" 192.168.1.10) == *"dev ipsec"* ]] && break; sleep 0.05; done
[[ $(route_to "$name.vgw.prod" 192.168.1.10) == *"dev ipsec"* ]] ||
  fail "with the link down the gateway routes $(route_to "$name.vgw.prod" 192.168.1.10)"
must vpcemu exec desk-1 -- ping -c1 -W1 10.0.2.10
pass "link down: the static VPN route takes over ($(route_to "$name.vgw.prod" 192.168.1.10 | cut -d' ' -f1-5))"
vpcemu down "$name" >/dev/null 2>&1

# Direct Connect alone: a gateway with no tunnels has no place on the internet.
name=$(uname_for dxo)
f=$(scenario_copy direct-connect.yaml "$name")
python3 - "$f" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
s = re.sub(r"vpn_connections:\n(  .*\n|    .*\n)*", "", s)
open(sys.argv[1], "w").write(s)
PY
grep -q vpn_connections "$f" && fail "could not strip the VPN from the scenario"
out=$(vpcemu up "$f" 2>&1) || fail "up failed: $out"
[[ -z $(in_ns "$name.vgw.prod" ip -o link show eth0 2>/dev/null) ]] || fail "a Direct-Connect-only gateway has an internet link"
for _ in $(seq 60); do vpcemu exec desk-1 -- ping -c1 -W1 10.0.2.10 >/dev/null 2>&1 && break; sleep 0.05; done
out=$(vpcemu check "$name") || fail "check without the VPN: $out"
pass "Direct Connect alone: no internet link at the gateway; $(tail -1 <<<"$out")"
