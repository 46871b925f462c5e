# vpcemu capture (issue 14): tcpdump at named AWS points of a running scenario. At a NAT gateway
# the source address is seen before and after translation; at the internet gateway, the NAT
# gateway's private address on the VPC side and its Elastic IP on the internet side; at an ENI
# only the instance's own; a VPN's outside is only UDP between the gateways' public addresses
# and its inside the private ones; a peering, a transit gateway attachment and a Direct Connect
# link by name; an unknown point exits 2 naming what would be right.
source "$(dirname "$0")/lib.sh"
command -v tcpdump >/dev/null || { echo "SKIPPED: tcpdump is not installed"; exit 77; }

# cap SCENARIO POINT COUNT [FILTER...]: capture in the background until COUNT packets (or 10 s);
# returns once tcpdump listens. `caught` waits for it and prints what it saw.
cap() {
  local s=$1 p=$2 c=$3; shift 3
  : > "$WORK/cap.out"
  timeout 10 "$VPCEMU" --run-dir "$RUN_DIR" capture "$s" "$p" -c "$c" -- "$@" > "$WORK/cap.out" 2>&1 &
  cap_pid=$!
  for _ in $(seq 100); do grep -q "listening on" "$WORK/cap.out" && return 0; sleep 0.05; done
  fail "capture at $p did not start: $(cat "$WORK/cap.out")"
}
caught() { wait "$cap_pid" || true; out=$(cat "$WORK/cap.out"); }  # not in $(...): wait needs the parent
# sees_ping SCENARIO POINT FROM DEST SOURCE: FROM pings DEST while POINT is captured; the echo
# request must be seen there from SOURCE (a grep pattern).
sees_ping() {
  cap "$1" "$2" 1 icmp
  vpcemu exec "$3" -- ping -c1 -W1 "$4" >/dev/null 2>&1 || true
  caught
  grep -q "IP $5 > $4: ICMP echo request" <<<"$out" || fail "$2: $out"
}
connect() { vpcemu exec "$1" -- python3 -c "import socket; socket.create_connection(('$2', $3), 2)" >/dev/null 2>&1 || true; }

name=$(uname_for cap-nat)
up "$(scenario_copy nat-gateway.yaml "$name")"
nat_ip=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print([g["private_ip"] for g in json.load(sys.stdin)["gateways"] if g["kind"] == "nat-gateway"][0])')
app=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print([e["private_ip"] for e in json.load(sys.stdin)["endpoints"] if e["name"] == "app-1"][0])')
cap "$name" nat/nat-a 2 tcp port 443 and 'tcp[tcpflags] & tcp-syn != 0' and 'tcp[tcpflags] & tcp-ack == 0'
connect app-1 198.51.100.20 443
caught
grep -q "IP $app\.[0-9]* > 198.51.100.20.443: Flags \[S\]" <<<"$out" || fail "nat: no SYN from app-1 ($app): $out"
grep -q "IP $nat_ip\.[0-9]* > 198.51.100.20.443: Flags \[S\]" <<<"$out" || fail "nat: no translated SYN from $nat_ip: $out"
pass "nat/nat-a: the SYN arrives from app-1 ($app) and leaves from the NAT gateway's own address ($nat_ip)"

cap "$name" igw/prod 2 tcp port 443 and 'tcp[tcpflags] & tcp-syn != 0' and 'tcp[tcpflags] & tcp-ack == 0'
connect app-1 198.51.100.20 443
caught
grep -q "$nat_ip\.[0-9]* > 198.51.100.20.443" <<<"$out" || fail "igw: no SYN from $nat_ip on the VPC side: $out"
grep -q "203.0.113.1\.[0-9]* > 198.51.100.20.443" <<<"$out" || fail "igw: no SYN from the Elastic IP: $out"
pass "igw/prod: the same SYN from $nat_ip on the VPC side, from the Elastic IP 203.0.113.1 on the internet"

sees_ping "$name" app-2 app-2 198.51.100.20 '10.0.2.[0-9]*'
pass "app-2 (its ENI): its own private address only"

rc=0; out=$(vpcemu capture "$name" igw/nope 2>&1) || rc=$?
[[ $rc == 2 && $out == *"no internet gateway of vpc nope"* ]] || fail "igw/nope: exit $rc: $out"
rc=0; out=$(vpcemu capture "$name" gateway/x 2>&1) || rc=$?
[[ $rc == 2 && $out == *"a capture point is an instance or host name, igw/<vpc>"* ]] || fail "gateway/x: exit $rc: $out"
pass "an unknown point exits 2 and lists what a capture point is"
vpcemu down "$name" >/dev/null 2>&1

vpn=$(uname_for cap-vpn)
up "$(scenario_copy site-to-site-vpn.yaml "$vpn")"
cap "$vpn" vpn/office-vpn/outside 4
vpcemu exec desk-1 -- ping -c2 -i 0.2 -W1 10.0.2.10 >/dev/null 2>&1 || true
caught
[[ $(grep -c "UDP\|udp\|NONESP\|ESP" <<<"$out") -ge 4 ]] || fail "vpn outside: $out"
grep -q "10.0.2.10\|192.168.1.10" <<<"$out" && fail "the outside of the tunnel shows inner addresses: $out"
sees_ping "$vpn" vpn/office-vpn desk-1 10.0.2.10 192.168.1.10
pass "vpn/office-vpn/outside: only UDP-encapsulated ESP; vpn/office-vpn: the office's ping in the clear"
vpcemu down "$vpn" >/dev/null 2>&1

pcx=$(uname_for cap-pcx)
up "$(scenario_copy peering.yaml "$pcx")"
point=$(vpcemu status "$pcx" --format json | python3 -c 'import json,sys; print("pcx/" + json.load(sys.stdin)["peerings"][0]["name"])')
rc=0; out=$(timeout 2 "$VPCEMU" --run-dir "$RUN_DIR" capture "$pcx" "$point" -c 1 2>&1) || rc=$?
[[ $out == *"peering "*"listening on p-"* ]] || fail "$point: $out"
vpcemu down "$pcx" >/dev/null 2>&1
tgw=$(uname_for cap-tgw)
up "$(scenario_copy transit-gateway.yaml "$tgw")"
sees_ping "$tgw" tgw/hub/prod prod-1 10.2.1.10 10.0.1.10
pass "$point listens on the peering's link; tgw/hub/prod sees prod-1's ping to shared-1 arrive at the hub"
vpcemu down "$tgw" >/dev/null 2>&1

dx=$(uname_for cap-dx)
up "$(scenario_copy direct-connect.yaml "$dx")"
app=$(vpcemu status "$dx" --format json | python3 -c 'import json,sys; print([e["private_ip"] for e in json.load(sys.stdin)["endpoints"] if e["name"] == "app-1"][0])')
sees_ping "$dx" dx/dx-1 desk-1 "$app" 192.168.1.10
pass "dx/dx-1: the office's ping crosses the Direct Connect link"
