# AWS rule 32 (scenarios/transit-gateway.yaml): a hub whose route tables decide who reaches
# whom. Each attachment is looked up only in the route table it is associated with; attachments
# propagate their VPC's CIDR into the tables that ask; static routes beat propagated ones for
# the same prefix; blackhole routes drop.
source "$(dirname "$0")/lib.sh"
name=$(uname_for tgw)
f=$(scenario_copy transit-gateway.yaml "$name")
out=$(vpcemu up "$f" 2>&1) || fail "up failed: $out"
out=$(vpcemu check "$name") || fail "check: $out"
pass "spokes reach shared and back, not each other; the blackhole drops: $(tail -1 <<<"$out")"

# The hub's tables, in name order: services 100, spokes 101.
spokes=$(in_ns "$name.tgw.hub" ip route show table 101)
[[ $spokes == *"blackhole 10.2.9.0/24"* && $spokes == *"10.2.0.0/16 via 169.254.32."*" metric 100"* ]] ||
  fail "spokes table: $spokes"
[[ $spokes != *"10.0.0.0/16"* && $spokes != *"10.1.0.0/16"* ]] || fail "spokes learned the spokes: $spokes"
services=$(in_ns "$name.tgw.hub" ip route show table 100)
[[ $services == *"10.0.0.0/16 via"*"10.1.0.0/16 via"* ]] || fail "services table: $services"
pass "propagation: shared's CIDR into spokes, prod's and dev's into services, nothing else"
atts=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print(" ".join(g["vpc"] + ":" + g["name"] for g in json.load(sys.stdin)["gateways"] if g["kind"] == "tgw-attachment"))')
[[ $atts == "dev:hub/dev prod:hub/prod shared:hub/shared" ]] || fail "status: attachments $atts"
pass "status lists the hub's attachments"

# Transitivity is the point of a hub: dev reaches shared through it while shared reaches prod.
must vpcemu exec dev-1 -- ping -c1 -W1 10.2.1.10
mustnt vpcemu exec dev-1 -- ping -c1 -W1 10.2.9.10
pass "dev-1 reaches shared-1 and not the quarantined old-1 (10.2.9.0/24 blackhole beats the propagated /16)"
vpcemu down "$name" >/dev/null 2>&1

# Static routes: one to each spoke's attachment joins prod and dev (both are associated with
# spokes, so the replies need theirs too); a blackhole for exactly shared's propagated CIDR
# beats the propagated route.
name=$(uname_for tgws)
f=$(scenario_copy transit-gateway.yaml "$name")
sed -i 's|          - { destination: 10.2.9.0/24, blackhole: true }|          - { destination: 10.2.0.0/16, blackhole: true }\n          - { destination: 10.1.0.0/16, attachment: dev }\n          - { destination: 10.0.0.0/16, attachment: prod }|' "$f"
out=$(vpcemu up "$f" 2>&1) || fail "up failed: $out"
spokes=$(in_ns "$name.tgw.hub" ip route show table 101)
[[ $spokes == *"blackhole 10.2.0.0/16"* && $spokes == *"10.2.0.0/16 via"*"metric 100"* ]] ||
  fail "spokes table should hold the static blackhole and the propagated route: $spokes"
mustnt vpcemu exec prod-1 -- ping -c1 -W1 10.2.1.10
pass "static beats propagated: the blackhole for 10.2.0.0/16 wins over shared's propagated 10.2.0.0/16"
must vpcemu exec prod-1 -- ping -c1 -W1 10.1.1.10
must vpcemu exec dev-1 -- ping -c1 -W1 10.0.1.10
pass "static routes to the spokes' attachments let prod and dev reach each other"
vpcemu down "$name" >/dev/null 2>&1

# Two hubs joined by a peering attachment: static routes carry traffic across; without the
# static route back, replies have no way home (propagation never crosses a peering).
name=$(uname_for tgwp)
f=$(scenario_copy transit-gateway-peering.yaml "$name")
out=$(vpcemu up "$f" 2>&1) || fail "up failed: $out"
out=$(vpcemu check "$name") || fail "check: $out"
east=$(in_ns "$name.tgw.hub-east" ip route show table 100)
[[ $east == *"10.9.0.0/16 via 169.254.32."*" dev p-to-west proto static onlink"* && $east != *"10.9.0.0/16"*"metric 100"* ]] ||
  fail "hub-east's table: $east"
pass "peered hubs: east-1 and west-1 reach each other over the static routes: $(tail -1 <<<"$out")"
vpcemu down "$name" >/dev/null 2>&1
sed -i '/destination: 10.0.0.0\/16, attachment: to-east/d' "$f"
out=$(vpcemu up "$f" 2>&1) || fail "up failed: $out"
mustnt vpcemu exec east-1 -- ping -c1 -W1 10.9.1.10
pass "without hub-west's static route back to east, nothing crosses the peering"
