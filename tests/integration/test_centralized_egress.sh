# Centralized egress (scenarios/centralized-egress.yaml): two spokes without an internet or NAT
# gateway of their own reach the internet through the hub and one NAT gateway in the egress
# VPC, which translates their addresses (AWS rule 21: any source routed to it); the internet
# sees its Elastic IP for both. The hub's default route table associates and propagates every
# attachment.
source "$(dirname "$0")/lib.sh"
name=$(uname_for cegr)
f=$(scenario_copy centralized-egress.yaml "$name")
up "$f"
out=$(vpcemu check "$name") || fail "check: $out"
pass "two spokes out through one NAT gateway, spoke to spoke through the hub: $(tail -1 <<<"$out")"

# The default route table: all three attachments associated (a rule each) and propagated.
rules=$(in_ns "$name.tgw.hub" ip rule)
for a in a b egress; do
  grep -q "iif a-$a lookup 100" <<<"$rules" || fail "attachment $a is not associated with main: $rules"
done
routes=$(in_ns "$name.tgw.hub" ip route show table 100)
for c in 10.1.0.0/16 10.2.0.0/16 10.9.0.0/16 default; do
  grep -q "^$c " <<<"$routes" || fail "main has no route $c: $routes"
done
pass "default_route_table: a, b and egress associated with main, their CIDRs propagated into it"

eip=$(vpcemu status "$name" --format json | python3 -c '
import json, sys
print([g["public_ip"] for g in json.load(sys.stdin)["gateways"] if g["kind"] == "nat-gateway"][0])')
in_ns "$name.api" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 9000)); s.listen(8); s.settimeout(6)
for _ in range(2):
    c, a = s.accept(); print(a[0]); c.close()' > "$WORK/seen" &
srv=$!
sleep 0.3
for inst in app-a app-b; do
  vpcemu exec "$inst" -- python3 -c 'import socket; socket.create_connection(("198.51.100.20", 9000), 3).close()' ||
    fail "$inst could not connect to the internet through the hub"
done
wait $srv
[[ $(sort -u "$WORK/seen") == "$eip" ]] || fail "the internet saw $(sort -u "$WORK/seen" | tr '\n' ' '), not the NAT gateway's $eip"
pass "the internet sees both spokes as the NAT gateway's Elastic IP $eip"
