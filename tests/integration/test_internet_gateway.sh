# AWS rule 20: the internet gateway maps a public address 1:1 to a private one; the instance only
# sees its private address; an instance without a public address is invisible from the internet
# and cannot reach it.
source "$(dirname "$0")/lib.sh"
name=$(uname_for igw)
f=$(scenario_copy basic-vpc.yaml "$name")
up "$f"
pub=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; e={x["name"]:x for x in json.load(sys.stdin)["endpoints"]}; print(e["web-1"]["public_ip"])')
[[ $pub == 203.0.113.* ]] || fail "web-1 has no public address: $pub"

# The client reaches the web server (a real python http.server) at the public address.
body=$(vpcemu exec client -- curl -s -m 3 "http://$pub/") || fail "client cannot fetch http://$pub/"
[[ $body == *"Directory listing"* ]] || fail "unexpected answer from web-1: $body"
pass "client fetches http://$pub/ from web-1"

# ... and the server saw the client's real address (the IGW translates only the VPC side).
grep -q '198.51.100.20' "$RUN_DIR/$name/logs/web-1.log" || fail "web-1 did not log the client's address"
pass "web-1 saw the client's own address 198.51.100.20"

# Only there: the private address is not reachable from the internet.
mustnt vpcemu exec client -- curl -s -m 2 http://10.0.1.10/
pass "client cannot reach 10.0.1.10 (private addresses are not on the internet)"

# The instance never sees its public address.
addrs=$(in_ns "$name.web-1" ip -4 -o addr show)
[[ $addrs != *"$pub"* ]] || fail "web-1 sees its public address: $addrs"
[[ $addrs == *"10.0.1.10/24"* ]] || fail "web-1 lacks its private address: $addrs"
pass "web-1 sees only 10.0.1.10/24"

# Outbound from web-1 leaves with its public address as the source.
in_ns "$name.client" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 9000)); s.listen(1); s.settimeout(5)
c, a = s.accept(); c.sendall(a[0].encode()); c.close()' > "$WORK/seen" &
srv=$!
sleep 0.3
seen=$(vpcemu exec web-1 -- python3 -c '
import socket; s = socket.create_connection(("198.51.100.20", 9000), 3); print(s.recv(64).decode())')
wait $srv || true
[[ $seen == "$pub" ]] || fail "the internet saw web-1 as '$seen', expected $pub"
pass "the internet sees web-1 as $pub"

# The private instance (no public address) cannot reach the internet nor be reached.
mustnt vpcemu exec app-1 -- curl -s -m 2 http://198.51.100.20:9000/
mustnt in_ns "$name.client" ping -c1 -W1 10.0.2.4
pass "app-1 is isolated from the internet"

out=$(vpcemu check "$f") || fail "check failed: $out"
[[ $out == *"10 passed, 0 failed"* ]] || fail "check: $out"
pass "vpcemu check: all expectations hold"
