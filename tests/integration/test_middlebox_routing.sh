# Appliances in the path (scenarios/ingress-routing.yaml): a gateway route table sends what
# enters from the internet gateway for the web subnet to a firewall instance, which sees it
# addressed to web-1's private address and whose own rules decide (it drops telnet that web's
# group admits); a route to the app subnet's CIDR, more specific than the local route, sends
# web ↔ app through the same firewall both ways. With the firewall's check back on, all of it
# stops: the traffic really passed through it.
source "$(dirname "$0")/lib.sh"
name=$(uname_for mbox)
f=$(scenario_copy ingress-routing.yaml "$name")
up "$f"
counter() { in_ns "$name.fw-1" nft list counter inet fw "$1" | grep -o 'packets [0-9]*' | awk '{print $2}'; }
inet0=$(counter from-internet)
web0=$(counter web-app)
out=$(vpcemu check "$name") || fail "check: $out"
pass "internet → web, web → internet and web → app through fw-1: $(tail -1 <<<"$out")"
inet1=$(counter from-internet)
web1=$(counter web-app)
(( inet1 > inet0 )) || fail "fw-1 did not count the internet's packets ($inet0 → $inet1)"
(( web1 > web0 )) || fail "fw-1 did not count web → app packets ($web0 → $web1)"
pass "fw-1 counted $((inet1 - inet0)) packets from the internet and $((web1 - web0)) from web to app"

# The firewall sees the internet's packets after the internet gateway's 1:1 NAT: addressed to
# web-1's private address, from the client's own.
pub=$(vpcemu status "$name" --format json | python3 -c '
import json, sys
print([e["public_ip"] for e in json.load(sys.stdin)["endpoints"] if e["name"] == "web-1"][0])')
capture "$name.fw-1" eth0 1 5 tcp dst port 80 -- \
  in_ns "$name.client" python3 -c "import socket; socket.create_connection(('$pub', 80), 2).close()" 2>/dev/null || true
grep -q "198.51.100.20.[0-9]* > 10.30.1.4.80:" "$WORK/cap" ||
  fail "fw-1 did not see client → web-1's private address: $(cat "$WORK/cap")"
pass "fw-1 sees 198.51.100.20 → 10.30.1.4:80, the internet gateway's translation already done"

# web ↔ app in both directions crosses fw-1: the app's answer (here a refusal, a RST through
# the same appliance: each pass through the router is a flow of its own) comes back through it.
capture "$name.fw-1" eth0 4 5 tcp port 5432 -- \
  vpcemu exec web-1 -- python3 -c "import socket; socket.create_connection(('10.30.2.4', 5432), 2).close()" 2>/dev/null || true
grep -q "10.30.2.4.5432 > 10.30.1.4" "$WORK/cap" || fail "app-1's answer did not pass fw-1: $(cat "$WORK/cap")"
out=$(vpcemu exec web-1 -- python3 -c "import socket; socket.create_connection(('10.30.2.4', 5432), 2)" 2>&1 || true)
[[ $out == *ConnectionRefused* ]] || fail "web-1 should see app-1's refusal through fw-1: $out"
pass "app-1's answers to web-1 return through fw-1 (symmetric middlebox routing)"

# The web ↔ app routes removed live (their routes and the rules that put them ahead of the local
# route): web → app goes straight again, fw-1 no longer sees it.
sed -i '/web → app via fw-1/d; /app → web via fw-1/d' "$f"
out=$(vpcemu up "$f" 2>&1) || fail "removing the middlebox routes live: $out"
[[ $out == *"rules removed"* ]] || fail "up did not remove the routes' rules: $out"
w0=$(counter web-app)
must vpcemu exec web-1 -- python3 -c "
import socket, subprocess
s = socket.socket(); s.settimeout(2)
try: s.connect(('10.30.2.4', 5432))
except ConnectionRefusedError: pass"
w1=$(counter web-app)
(( w1 == w0 )) || fail "fw-1 still saw web → app after its routes were removed ($w0 → $w1)"
rules=$(in_ns "$name.vpc.prod" ip rule)
[[ $rules != *"to 10.30.2.0/24"* ]] || fail "the middlebox rule is still there: $rules"
pass "middlebox routes removed live: web → app goes straight, fw-1 sees none of it"

# The firewall's check back on: EC2 drops what it forwards, so every path through it stops.
sed -i 's/source_dest_check: false/source_dest_check: true/' "$f"
out=$(vpcemu up "$f" 2>&1) || fail "turning fw-1's check on: $out"
mustnt in_ns "$name.client" python3 -c "import socket; socket.create_connection(('$pub', 80), 1.5)"
pass "with fw-1's check on, internet → web stops: it went through fw-1"
