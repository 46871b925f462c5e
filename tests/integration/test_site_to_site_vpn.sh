# AWS rule 29 with real strongSwan daemons (scenarios/site-to-site-vpn.yaml): two IKEv2 tunnels
# between the VPC's virtual private gateway and the office router, static routing; on the
# internet the traffic is only UDP-encapsulated ESP; either tunnel alone carries it.
source "$(dirname "$0")/lib.sh"
command -v charon-systemd >/dev/null || { echo "SKIPPED: strongSwan (charon-systemd) is not installed"; exit 77; }
name=$(uname_for s2s)
f=$(scenario_copy site-to-site-vpn.yaml "$name")
t0=$(date +%s%N)
up "$f"
tunnels_up() { [[ -n $(in_ns "$name.vgw.prod" ip route show table 221 2>/dev/null) && -n $(in_ns "$name.vgw.prod" ip route show table 222 2>/dev/null) ]]; }
tunnels_up || fail "'vpcemu up' returned before both tunnels' routes existed"
pass "both tunnels up when 'vpcemu up' returned, $(( ($(date +%s%N) - t0) / 1000000 )) ms after it started"
out=$(vpcemu check "$name") || fail "check: $out"
pass "$(tail -1 <<<"$out")"
tunnel_states() { vpcemu status "$name" --format json | python3 -c 'import json,sys; print(" ".join(t["name"] + "=" + t["state"] for t in json.load(sys.stdin)["tunnels"]))'; }
[[ $(tunnel_states) == "office-vpn-1=up office-vpn-2=up" ]] || fail "status: $(tunnel_states)"
pass "status shows both tunnels up"

# Route propagation: the 'propagated' table (Linux table 101, tables in name order) holds the
# connection's static route at metric 100, below any route of the table's own.
route=$(in_ns "$name.vpc.prod" ip route show table 101)
[[ $route == "192.168.0.0/16 via 169.254.3.2 dev vgw proto static metric 100 onlink"* ]] ||
  fail "the static VPN route did not propagate: $route"
must vpcemu exec app-2 -- ping -c1 -W1 192.168.1.10
pass "the static VPN route propagated into the table that asks for it: $route"

# On the internet, only UDP between the outside addresses: never the inner addresses.
office_traffic() {  # an ICMP echo exchange and a TCP connection from the office
  must vpcemu exec desk-1 -- ping -c 5 -i 0.1 10.0.2.10
  vpcemu exec desk-1 -- curl -s -m 2 telnet://10.0.2.10:22 </dev/null >/dev/null 2>&1 || true
}
capture "$name.net.internet" any 200 4 ip -- office_traffic
[[ -s $WORK/cap ]] || fail "nothing captured on the internet"
grep -qE '192\.168\.|10\.0\.2\.' "$WORK/cap" && fail "inner addresses visible on the internet: $(grep -E '192\.168\.|10\.0\.2\.' "$WORK/cap" | head -2)"
leak=$(grep -vE 'UDP|udp|NONESP-encap|ESP' "$WORK/cap" | grep -E ' > ' || true)
[[ -z $leak ]] || fail "non-UDP traffic on the internet: $(head -2 <<<"$leak")"
pass "the internet sees $(wc -l < "$WORK/cap") packets, all UDP-encapsulated between 198.51.100.50 and the tunnel endpoints"

# One tunnel's daemon stops: traffic keeps flowing through the other.
stop_during_ping "$name" ipsec-office-vpn-1-vgw desk-1 10.0.2.10 80
pid=$STOPPED_PID
pass "tunnel 1's VGW daemon stopped: $received/80 pings answered, the last ones through tunnel 2"
[[ -z $(in_ns "$name.vgw.prod" ip route show table 221) ]] || fail "tunnel 1's routes outlived its daemon"
status=$(vpcemu status "$name")
[[ $status == *"ipsec-office-vpn-1-vgw pid $pid not running"*"      | "* ]] || fail "status does not report the stopped daemon with its log: $status"
pass "status reports tunnel 1's daemon as not running, with the end of its log"
[[ $(tunnel_states) == "office-vpn-1=down office-vpn-2=up" ]] || fail "status after the stop: $(tunnel_states)"
bytes=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print([t for t in json.load(sys.stdin)["tunnels"] if t["name"] == "office-vpn-2"][0]["bytes_in"])')
(( bytes > 0 )) || fail "tunnel 2 carried no bytes"
pass "status: tunnel 1 down, tunnel 2 up and carrying traffic ($bytes bytes in)"

# down stops every daemon (by pid, SIGTERM then SIGKILL) before the namespaces go.
[[ -n $(scenario_pids "$name") ]] || fail "no daemon of the scenario found before down"
vpcemu down "$name" >/dev/null 2>&1
[[ -z $(scenario_pids "$name") ]] || fail "daemons survived down: $(scenario_pids "$name")"
[[ $(count_ns "$name") -eq 0 ]] || fail "namespaces survived down"
pass "down leaves no strongSwan daemon and no namespace"
