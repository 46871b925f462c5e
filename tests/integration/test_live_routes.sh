# Live changes AWS makes live, with real packets: ReplaceRoute moves a private subnet's default
# route from one NAT gateway to another (the internet sees the other Elastic IP) while an
# unrelated TCP connection inside the VPC keeps flowing; an Elastic IP moves to a standby
# instance while a client on the internet keeps connecting to it; a route is removed
# (DeleteRoute) and a subnet moves to another route table, each by `up` on the running scenario.
source "$(dirname "$0")/lib.sh"
name=$(uname_for liveroute)
serve() { echo "[python3, -c, \"import socket; s = socket.create_server(('', 80)); [(c.sendall(b'$1'), c.close()) for c, _ in iter(s.accept, None)]\"]"; }
f=$(scenario_text "$name" <<YAML
name: x
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      public-a:  { cidr: 10.0.1.0/24, route_table: public }
      private-a: { cidr: 10.0.2.0/24, route_table: private }
    route_tables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: internet_gateway }
      private:
        routes:
          - { destination: 0.0.0.0/0, target: nat_gateway/nat-a }
    nat_gateways:
      nat-a: { subnet: public-a, elastic_ip: 198.51.100.61 }
      nat-b: { subnet: public-a, elastic_ip: 198.51.100.62 }
    security_groups:
      web:
        ingress:
          - { protocol: tcp, ports: 80, source: 0.0.0.0/0 }
          - { protocol: tcp, ports: 7000, source: 10.0.0.0/16 }
    instances:
      app-1: { subnet: private-a, private_ip: 10.0.2.10 }
      web-1: { subnet: public-a, private_ip: 10.0.1.10, elastic_ip: 198.51.100.50, security_groups: [web], run: $(serve web-1) }
      web-2: { subnet: public-a, private_ip: 10.0.1.11, security_groups: [web], run: $(serve web-2) }
internet:
  hosts:
    api: { ip: 198.51.100.20 }
YAML
)
up "$f"

# source_at_api: the address api sees a connection from app-1 come from.
source_at_api() {
  vpcemu exec api -- timeout 5 python3 -c '
import socket; s = socket.create_server(("", 443)); s.settimeout(4); c, a = s.accept(); print(a[0])' > "$WORK/src" 2>/dev/null &
  local srv=$!
  sleep 0.3
  vpcemu exec app-1 -- python3 -c 'import socket; socket.create_connection(("198.51.100.20", 443), 3).close()' 2>/dev/null || true
  wait $srv || true
  cat "$WORK/src"
}
[[ $(source_at_api) == 198.51.100.61 ]] || fail "app-1 does not leave as nat-a's Elastic IP"

# An unrelated connection: app-1 ↔ web-1 inside the VPC, a message every 0.1 s for 4 s.
vpcemu exec web-1 -- timeout 8 python3 -c '
import socket; s = socket.create_server(("", 7000)); c, _ = s.accept(); n = 0
while True:
    d = c.recv(100)
    if not d: break
    n += 1; c.sendall(d)
print(n)' > "$WORK/echoed" &
echo_srv=$!
sleep 0.3
vpcemu exec app-1 -- timeout 8 python3 -c '
import socket, time; c = socket.create_connection(("10.0.1.10", 7000), 2); c.settimeout(2)
for i in range(40):
    c.sendall(b"x"); assert c.recv(100) == b"x"; time.sleep(0.1)
print("kept")' > "$WORK/kept" 2>&1 &
client=$!
sleep 1
sed -i 's|target: nat_gateway/nat-a|target: nat_gateway/nat-b|' "$f"
out=$(vpcemu plan --kernel "$f" 2>&1)
[[ $out == *"~ route prod/private 0.0.0.0/0 → nat_gateway/nat-b (was nat_gateway/nat-a)"* ]] ||
  fail "plan does not show the changed route in AWS's terms: $out"
[[ $out == *"routes to replace in place"*"0.0.0.0/0 via"*"nat_gateway/nat-b"* ]] || fail "plan does not show the replaced route: $out"
up "$f"
[[ $(source_at_api) == 198.51.100.62 ]] || fail "after ReplaceRoute app-1 does not leave as nat-b's Elastic IP"
wait $client || fail "the unrelated connection broke: $(cat "$WORK/kept")"
wait $echo_srv || true
[[ $(cat "$WORK/kept") == kept && $(cat "$WORK/echoed") == 40 ]] || fail "the unrelated connection: $(cat "$WORK/kept") / $(cat "$WORK/echoed")"
pass "ReplaceRoute: app-1 now leaves as nat-b (198.51.100.62); an unrelated connection kept all 40 round trips"

# The Elastic IP moves from web-1 to web-2 while api connects to it every 0.1 s.
vpcemu exec api -- timeout 12 python3 -c '
import socket, time
for i in range(60):
    try:
        c = socket.create_connection(("198.51.100.50", 80), 0.5); c.settimeout(0.5); print(c.recv(10).decode(), flush=True); c.close()
    except OSError: print("-", flush=True)
    time.sleep(0.1)' > "$WORK/answers" &
poller=$!
sleep 1.5
python3 - "$f" <<'PY'
import sys
f = sys.argv[1]
s = open(f).read()
s = s.replace("elastic_ip: 198.51.100.50, security_groups: [web], run", "security_groups: [web], run", 1)
s = s.replace("web-2: { subnet: public-a, private_ip: 10.0.1.11,", "web-2: { subnet: public-a, private_ip: 10.0.1.11, elastic_ip: 198.51.100.50,")
open(f, "w").write(s)
PY
up "$f"
wait $poller || true
first=$(head -1 "$WORK/answers"); last=$(tail -1 "$WORK/answers")
lost=$(grep -c '^-$' "$WORK/answers" || true)
[[ $first == web-1 && $last == web-2 ]] || fail "the Elastic IP did not move: first '$first', last '$last'"
(( lost <= 2 )) || fail "$lost of 60 connections failed while the Elastic IP moved"
pass "Elastic IP 198.51.100.50 moved from web-1 to web-2 while api kept connecting ($(grep -c web-1 "$WORK/answers") answers from web-1, then $(grep -c web-2 "$WORK/answers") from web-2, $lost failed)"

# DeleteRoute, and a subnet moved to another route table.
sed -i 's|          - { destination: 0.0.0.0/0, target: nat_gateway/nat-b }|          - { destination: 10.9.0.0/16, target: blackhole }|' "$f"
up "$f"
[[ -z $(source_at_api) ]] || fail "app-1 still reaches the internet after its default route was deleted"
sed -i 's|      private-a: { cidr: 10.0.2.0/24, route_table: private }|      private-a: { cidr: 10.0.2.0/24, route_table: public }|' "$f"
up "$f"
[[ $(vpcemu exec app-1 -- python3 -c 'import socket; print(socket.create_connection(("10.0.1.10", 80), 2).recv(10).decode())') == web-1 ]] ||
  fail "app-1 lost the VPC's local route after moving to the public table"
[[ -z $(source_at_api) ]] || fail "app-1 (no public address) reached the internet through the internet gateway"
pass "DeleteRoute: app-1 is offline; moved to the public table it still is (no public address), live"
