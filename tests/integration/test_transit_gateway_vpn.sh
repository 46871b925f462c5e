# AWS rule 32 with a VPN attachment (scenarios/transit-gateway-vpn.yaml): the office's BGP VPN
# ends at the hub; the hub announces the VPC routes of the attachment's associated table; what
# it learns propagates only into the tables that ask; either tunnel alone keeps it flowing.
# Then the same with static routing.
source "$(dirname "$0")/lib.sh"
command -v charon-systemd >/dev/null || { echo "SKIPPED: strongSwan (charon-systemd) is not installed"; exit 77; }
command -v bird >/dev/null || { echo "SKIPPED: bird2 is not installed"; exit 77; }
name=$(uname_for tgwv)
f=$(scenario_copy transit-gateway-vpn.yaml "$name")
out=$(vpcemu up "$f" 2>&1) || fail "up failed: $out"
[[ $out == *"BGP converged"* ]] || fail "up did not wait for BGP: $out"
out=$(vpcemu check "$name") || fail "check: $out"
pass "the office reaches prod and shared through the hub, never dev: $(tail -1 <<<"$out")"

learned=$(in_ns "$name.onprem.office" ip route show proto bird | awk '{print $1}' | sort | tr '\n' ' ')
[[ $learned == "10.0.0.0/16 10.2.0.0/16 " ]] || fail "the office learned: $learned"
pass "over BGP the hub announces exactly its onprem table's VPCs: $learned"

# Hub tables in name order: development 100, onprem 101, production 102, services 103.
for t in 102 103; do
  [[ $(in_ns "$name.tgw.hub" ip route show table $t proto bird) == "192.168.0.0/16 via 169.254.128."*" metric 100 "* ]] ||
    fail "table $t lacks the office's propagated prefix: $(in_ns "$name.tgw.hub" ip route show table $t)"
done
[[ -z $(in_ns "$name.tgw.hub" ip route show table 100 proto bird) ]] || fail "development got the office's prefix"
rules=$(in_ns "$name.tgw.hub" ip rule show | grep -c 'iif ipsec[0-9] lookup 101' || true)
[[ $rules -eq 2 ]] || fail "the VPN attachment's association: $(in_ns "$name.tgw.hub" ip rule show)"
pass "192.168.0.0/16 propagated into production and services only; both tunnels associated with onprem"

# The hub's daemon for tunnel 1 stops: tunnel 2 carries the traffic.
stop_during_ping "$name" ipsec-office-vpn-1-vgw desk-1 10.0.1.10 80
pass "the hub's tunnel 1 daemon stopped: $received/80 pings answered, the last ones through tunnel 2"
vpcemu down "$name" >/dev/null 2>&1

# The same attachment with static routing: the hub's bird learns its charons' tables and puts
# the office's static prefix into the tables the attachment propagates into.
name=$(uname_for tgwvs)
f=$(scenario_copy transit-gateway-vpn.yaml "$name")
sed -i 's/    routing: bgp/    routing: static\n    static_routes: [192.168.0.0\/16]/' "$f"
out=$(vpcemu up "$f" 2>&1) || fail "up failed: $out"
for _ in $(seq 100); do [[ -n $(in_ns "$name.tgw.hub" ip route show table 102 proto bird) ]] && break; sleep 0.05; done
out=$(vpcemu check "$name") || fail "check with static routing: $out"
for t in 102 103; do
  [[ $(in_ns "$name.tgw.hub" ip route show table $t proto bird) == "192.168.0.0/16 dev ipsec"*" metric 100 "* ]] ||
    fail "static: table $t: $(in_ns "$name.tgw.hub" ip route show table $t)"
done
[[ -z $(in_ns "$name.tgw.hub" ip route show table 100 proto bird) ]] || fail "static: development got the office's prefix"
pass "static routing: the office's static prefix propagated into production and services only; $(tail -1 <<<"$out")"
stop_during_ping "$name" ipsec-office-vpn-1-vgw desk-1 10.0.1.10 60
pass "static routing: the hub's tunnel 1 daemon stopped, $received/60 pings answered, the last ones through tunnel 2"
vpcemu down "$name" >/dev/null 2>&1

# Static routes with a VPN attachment (BGP again): development gets a static route to the
# office (and the office's table dev's CIDR, so replies return); production a blackhole for
# exactly the prefix the office propagates there, which beats it.
name=$(uname_for tgwvr)
f=$(scenario_copy transit-gateway-vpn.yaml "$name")
python3 - "$f" <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace("""      production:
        associations: [prod]
        propagations: [shared, office]
""", """      production:
        associations: [prod]
        propagations: [shared, office]
        routes:
          - { destination: 192.168.0.0/16, blackhole: true }
""")
s = s.replace("""      development:
        associations: [dev]
        propagations: [shared]
""", """      development:
        associations: [dev]
        propagations: [shared]
        routes:
          - { destination: 192.168.0.0/16, attachment: office }
""")
s = s.replace("""      onprem:
        associations: [office]
        propagations: [prod, shared]""", """      onprem:
        associations: [office]
        propagations: [prod, shared, dev]""")
open(sys.argv[1], "w").write(s)
PY
out=$(vpcemu up "$f" 2>&1) || fail "up failed: $out"
[[ $(in_ns "$name.tgw.hub" ip route show table 100 192.168.0.0/16) == *"via 169.254.128."*"proto bird metric 1"* ]] ||
  fail "development's static route to the office: $(in_ns "$name.tgw.hub" ip route show table 100)"
must vpcemu exec dev-1 -- ping -c1 -W1 192.168.1.10
must vpcemu exec desk-1 -- ping -c1 -W1 10.1.1.10
pass "a static route to the VPN attachment joins dev and the office"
prod=$(in_ns "$name.tgw.hub" ip route show table 102 192.168.0.0/16)
[[ $prod == *"blackhole 192.168.0.0/16"* && $prod == *"metric 100"* ]] || fail "production: $prod"
mustnt vpcemu exec prod-1 -- ping -c1 -W1 192.168.1.10
pass "static beats propagated: production's blackhole wins over the office's propagated 192.168.0.0/16"
