# AWS rules 29 and 17 with BGP (scenarios/site-to-site-vpn-bgp.yaml plus two route tables):
# route-based IPsec tunnels with BGP sessions (bird2) over their inside addresses; the office's
# prefix propagates into the route tables that ask for it and no other; a table's own route
# beats a propagated one for the same prefix; on the internet only ESP in UDP; when the
# customer gateway's daemon for tunnel 1 stops, BGP moves the traffic to tunnel 2.
source "$(dirname "$0")/lib.sh"
command -v charon-systemd >/dev/null || { echo "SKIPPED: strongSwan (charon-systemd) is not installed"; exit 77; }
command -v bird >/dev/null || { echo "SKIPPED: bird2 is not installed"; exit 77; }
name=$(uname_for bgp)
f=$(scenario_text "$name" < <(python3 - "$SOURCE_DIR/scenarios/site-to-site-vpn-bgp.yaml" <<'PY'
import sys
s = open(sys.argv[1]).read()
# A subnet whose table does not propagate, and one whose own route pins the office's prefix.
s = s.replace("""      private-a: { cidr: 10.0.2.0/24, route_table: private }
""", """      private-a: { cidr: 10.0.2.0/24, route_table: private }
      isolated: { cidr: 10.0.3.0/24, route_table: isolated }
      pinned: { cidr: 10.0.4.0/24, route_table: pinned }
""")
s = s.replace("""        propagations: [vpn_gateway]
""", """        propagations: [vpn_gateway]
      isolated:
        routes: []
      pinned:
        propagations: [vpn_gateway]
        routes:
          - { destination: 192.168.0.0/16, target: blackhole }
""")
s = s.replace("""      app-1: { subnet: private-a, private_ip: 10.0.2.10, security_groups: [app] }
""", """      app-1: { subnet: private-a, private_ip: 10.0.2.10, security_groups: [app] }
      iso-1: { subnet: isolated, private_ip: 10.0.3.10, security_groups: [app] }
      pin-1: { subnet: pinned, private_ip: 10.0.4.10, security_groups: [app] }
""")
print(s, end="")
PY
))
t0=$(date +%s%N)
out=$(vpcemu up "$f" 2>&1) || fail "up failed: $out"
[[ $out == *"BGP converged"* ]] || fail "up did not wait for BGP: $out"
# up returns once BGP has converged: no waiting from here on.
# Route tables, Linux tables in name order: isolated 100 (no propagation), pinned 101 (its own
# route too), private 102 (propagates).
propagated() { in_ns "$name.vpc.prod" ip route show table "$1" proto bird; }
[[ $(propagated 102) == "192.168.0.0/16 via 169.254.3.2 dev vgw metric 200 "* ]] ||
  fail "the office's prefix did not propagate into the private table: $(propagated 102)"
pass "when up returns ($(( ($(date +%s%N) - t0) / 1000000 )) ms), BGP has learned 192.168.0.0/16 and propagated it into the private table"
sessions() { birdc -s "$RUN_DIR/$name/bgp/vgw.prod/bird.ctl" show protocols | awk '$2 == "BGP" {print $1 "=" $6}' | sort | tr '\n' ' '; }
all_up="p_office_vpn_1=Established p_office_vpn_2=Established vpc=Established "
[[ $(sessions) == "$all_up" ]] ||
  fail "the gateway's BGP sessions: $(sessions)"
pass "the gateway's bird: both tunnel sessions and the one to its VPC router established"
bgp_status() { vpcemu status "$name" --format json | python3 -c 'import json,sys; print(" ".join(t["name"] + "=" + t["bgp"]["session"] + ":" + ",".join(t["bgp"]["prefixes"]) for t in json.load(sys.stdin)["tunnels"]))'; }
both="office-vpn-1=Established:192.168.0.0/16 office-vpn-2=Established:192.168.0.0/16"
[[ $(bgp_status) == "$both" ]] || fail "status: $(bgp_status)"
pass "status shows each tunnel's BGP session and the prefix learned over it"

out=$(vpcemu check "$name") || fail "check: $out"
pass "$(tail -1 <<<"$out")"

[[ -z $(propagated 100) ]] || fail "a table without propagation got BGP routes: $(propagated 100)"
mustnt vpcemu exec desk-1 -- ping -c1 -W1 10.0.3.10
pass "a route table that does not ask for propagation gets nothing: iso-1 stays unreachable from the office"

[[ -n $(propagated 101) ]] || fail "the pinned table did not get the propagated route"
[[ $(in_ns "$name.vpc.prod" ip route show table 101 192.168.0.0/16) == *"blackhole 192.168.0.0/16"* ]] ||
  fail "the pinned table lost its own route"
mustnt vpcemu exec pin-1 -- ping -c1 -W1 192.168.1.10
must vpcemu exec app-1 -- ping -c1 -W1 192.168.1.10
pass "static beats BGP: the pinned table's own blackhole wins over the propagated 192.168.0.0/16"

# On the internet, only UDP between the outside addresses.
capture "$name.net.internet" any 100 3 ip -- must vpcemu exec desk-1 -- ping -c 5 -i 0.1 10.0.2.10
[[ -s $WORK/cap ]] || fail "nothing captured on the internet"
leak=$(grep -E '192\.168\.|10\.0\.|169\.254\.12[89]\.' "$WORK/cap" || true)
[[ -z $leak ]] || fail "inner or inside addresses visible on the internet: $(head -2 <<<"$leak")"
pass "the internet sees $(wc -l < "$WORK/cap") packets, none with an inner or inside address"

# The customer gateway's daemon for tunnel 1 stops: its TUN goes, BGP withdraws, tunnel 2
# carries the traffic.
stop_during_ping "$name" ipsec-office-vpn-1-cgw desk-1 10.0.2.10 100
route=$(in_ns "$name.onprem.office" ip route show 10.0.0.0/16)
[[ $route == *"via 169.254.128.5 dev ipsec"* ]] || fail "the office does not route through tunnel 2: $route"
pass "tunnel 1's customer daemon stopped: $received/100 pings answered, the last ones through tunnel 2 ($route)"
after=$(bgp_status)
[[ $after != "office-vpn-1=Established"* && $after == "office-vpn-1="*": office-vpn-2=Established:192.168.0.0/16" ]] ||
  fail "status after the stop: $after"
pass "status: tunnel 1's BGP session is down and learned nothing, tunnel 2's carries the prefix"

vpcemu down "$name" >/dev/null 2>&1
[[ -z $(scenario_pids "$name") ]] || fail "daemons survived down: $(scenario_pids "$name")"
[[ $(count_ns "$name") -eq 0 ]] || fail "namespaces survived down"
pass "down leaves no charon, no bird and no namespace"
