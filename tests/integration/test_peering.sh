# AWS rules 22-25 with real packets (scenarios/peering.yaml): traffic only where both route
# tables route it, not transitive, no edge-to-edge routing, groups of the peered VPC in rules
# (and following membership changes in the peer VPC, live).
source "$(dirname "$0")/lib.sh"
name=$(uname_for peer)
f=$(scenario_copy peering.yaml "$name")
up "$f"
out=$(vpcemu check "$name") || fail "check: $out"
pass "rules 22-25: $(tail -1 <<<"$out")"

# One route table is not enough: c's packet reaches the hub, the hub has no route back.
in_ns "$name.hub-1" python3 -c '
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 9999))
s.settimeout(4); d, a = s.recvfrom(64); print(a[0]); s.sendto(b"back", a)' > "$WORK/got" &
srv=$!
sleep 0.3
reply=$(vpcemu exec c-1 -- python3 -c '
import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
s.sendto(b"hello", ("10.0.1.10", 9999))
try: print(s.recv(16).decode())
except OSError: print("no reply")')
wait $srv || true
[[ $(cat "$WORK/got") == 10.3.1.10 ]] || fail "c-1's datagram did not reach hub-1"
[[ $reply == "no reply" ]] || fail "the hub answered c-1 although its table has no route to c"
pass "c's route delivers to the hub; without the hub's route back there is no reply"

# Not transitive even at the hub's router: a's packet for b arrives and is dropped there.
out=$(in_ns "$name.vpc.hub" ip route get 10.2.1.10 from 10.1.1.10 iif p-hub-a 2>&1 || true)
# (No table of the hub's routes it, so the lookup ends at the silent-drop rule, for which
# `ip route get` answers EINVAL.)
[[ $out == *"Invalid argument"* || $out == *"unreachable"* || $out == *"No route"* ]] ||
  fail "the hub would forward a's packet to b: $out"
pass "the hub's router has no route for a's traffic to b (not transitive)"

# A peer's group membership changes: a-2 joins app and reaches db-1 in the hub, live.
sed -i 's/      a-2: { subnet: main, private_ip: 10.1.1.20, security_groups: \[open\] }/      a-2: { subnet: main, private_ip: 10.1.1.20, security_groups: [open, app] }/' "$f"
out=$(vpcemu up "$f" 2>&1) || fail "live change: $out"
[[ $out == *"change in force in $name.vpc.hub"* ]] || fail "the hub's router was not updated: $out"
vpcemu exec db-1 -- python3 -c '
import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5432)); s.listen(1); s.settimeout(4); c, a = s.accept(); print(a[0])' > "$WORK/db" &
srv=$!
sleep 0.3
must vpcemu exec a-2 -- python3 -c "import socket; socket.create_connection(('10.0.1.20', 5432), 2)"
wait $srv
[[ $(cat "$WORK/db") == 10.1.1.20 ]] || fail "db-1 did not see a-2"
pass "a-2 joins vpc/a/sg/app and reaches db-1 in the hub without a restart"
