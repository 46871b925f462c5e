# IPv6 and dual stack with real packets (scenarios/ipv6.yaml): the internet gateway routes
# IPv6 without NAT (both ends see each other's real addresses), the egress-only gateway lets
# connections out and nothing in, security groups tell ::/0 from 0.0.0.0/0, a NACL denies an
# IPv6 prefix while IPv4 goes on, and the host's own namespace never sees any of it.
source "$(dirname "$0")/lib.sh"
for d in tayga unbound; do
  command -v "$d" >/dev/null || { echo "SKIPPED: $d is not installed (scripts/setup.sh installs it)"; exit 77; }
done
name=$(uname_for v6)
f=$(scenario_copy ipv6.yaml "$name")
host_before=$(ip -6 route show table all | sort; ip -6 addr show | grep -c inet6)
up "$f"
out=$(vpcemu check "$name") || fail "check: $out"
pass "the dual-stack lab: $(tail -1 <<<"$out")"

# ipv6_of SCENARIO ENDPOINT: its IPv6 address, as `status` shows it.
ipv6_of() { vpcemu status "$1" --format json | python3 -c 'import json,sys; print({e["name"]: e for e in json.load(sys.stdin)["endpoints"]}[sys.argv[1]]["ipv6"])' "$2"; }
web=$(ipv6_of "$name" web-1)
app=$(ipv6_of "$name" app-1)
client=$(ipv6_of "$name" client)
[[ $web == 2600:1f18:4a3c:6e01::4 && $app == 2600:1f18:4a3c:6e02::10 ]] ||
  fail "IPv6 addresses: web-1 $web, app-1 $app"
# Captured first: `ip ... | grep -q` fails under pipefail when ip writes after grep has exited.
addrs=$(in_ns "$name.web-1" ip -6 addr show dev eth0)
[[ $addrs == *"inet6 $web/128"* ]] ||
  fail "web-1's eth0 does not hold $web/128"
pass "web-1 has $web (first free of its /64), app-1 the address it asked for"

serve() {  # serve INSTANCE PORT: accept one connection, print the peer's address
  vpcemu exec "$1" -- python3 -c '
import socket, sys; s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", int(sys.argv[1]))); s.listen(1); s.settimeout(5); c, a = s.accept(); print(a[0])' "$2"
}
# source_seen FROM TO ADDR PORT: FROM connects to ADDR:PORT, where TO listens; prints the source
# address TO saw (fails if the connection does not complete).
source_seen() {
  serve "$2" "$4" > "$WORK/seen" &
  local srv=$!
  sleep 0.3
  must vpcemu exec "$1" -- python3 -c "import socket; socket.create_connection(('$3', $4), 2)"
  wait $srv
  cat "$WORK/seen"
}

# No NAT: the server sees the client's own address, the client sees the server's.
serve web-1 443 > "$WORK/seen" &
srv=$!
sleep 0.3
peer=$(vpcemu exec client -- python3 -c '
import socket, sys; c = socket.create_connection((sys.argv[1], 443), 3); print(c.getpeername()[0])' "$web")
wait $srv
[[ $(cat "$WORK/seen") == "$client" ]] || fail "web-1 saw $(cat "$WORK/seen"), not the client's $client"
[[ $peer == "$web" ]] || fail "the client reached $peer, not web-1's own $web"
pass "no NAT for IPv6: web-1 sees $client, the client talks to $web"

# Security groups: web allows 443 from ::/0 only; the same port over IPv4 is dropped.
pub=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print({e["name"]: e for e in json.load(sys.stdin)["endpoints"]}["web-1"]["public_ip"])')
serve web-1 443 > /dev/null &
srv=$!
sleep 0.3
mustnt vpcemu exec client -- python3 -c "import socket; socket.create_connection(('$pub', 443), 1)"
must vpcemu exec client -- python3 -c "import socket; socket.create_connection(('$web', 443), 2)"
wait $srv || true
pass "sg: tcp/443 from ::/0 lets IPv6 in; IPv4 to the same port is dropped"

# Egress-only gateway: app-1 reaches the internet; the internet does not reach app-1, although
# app's group allows 22 from ::/0 and the internet gateway delivers the SYN: the SYN-ACK leaves
# by the egress-only gateway, which has seen no connection start.
seen=$(source_seen app-1 client "$client" 443)
[[ $seen == "$app" ]] || fail "the client saw $seen, not app-1's $app"
pass "egress-only: app-1 connects out from its own address $app"
vpcemu exec app-1 -- python3 -c '
import socket, time; s = socket.socket(socket.AF_INET6); s.bind(("::", 22)); s.listen(8); time.sleep(4)' &
srv=$!
sleep 0.3
mustnt vpcemu exec client -- python3 -c "import socket; socket.create_connection(('$app', 22), 2)"
synrecv=$(in_ns "$name.app-1" ss -Htn state syn-recv sport = :22 | wc -l)
wait $srv || true
(( synrecv >= 1 )) || fail "the SYN should reach app-1 through the internet gateway (saw $synrecv)"
dropped=$(in_ns "$name.eigw.prod" nft list chain inet vpcemu forward | grep -o 'packets [0-9]*' | tail -1 | awk '{print $2}')
(( dropped >= 1 )) || fail "the egress-only gateway dropped nothing"
pass "egress-only: nothing starts from outside (the SYN-ACK died at the gateway: $dropped packets)"

# An IPv6-only subnet: tiny-1 has no IPv4 at all, asks the VPC's resolver at fd00:ec2::253 for
# web-1 (an AAAA record) and reaches it over IPv6.
[[ -z $(in_ns "$name.tiny-1" ip -4 -o addr show dev eth0) ]] || fail "tiny-1 has an IPv4 address"
grep -q "nameserver fd00:ec2::253" <(vpcemu exec tiny-1 -- cat /etc/resolv.conf) ||
  fail "tiny-1's resolver is not fd00:ec2::253"
# web-1's private DNS name (AWS publishes no bare instance names): ip-a-b-c-d.ec2.internal.
web4=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print([e for e in json.load(sys.stdin)["endpoints"] if e["name"] == "web-1"][0]["private_ip"])')
wname=ip-${web4//./-}.ec2.internal
got=$(vpcemu exec tiny-1 -- getent ahostsv6 "$wname" | awk 'NR == 1 {print $1}')
[[ $got == "$web" ]] || fail "$wname resolved to '$got' in tiny-1, not $web"
must vpcemu exec tiny-1 -- curl -s -m 2 -o /dev/null "http://$wname/"
[[ -z $(vpcemu exec tiny-1 -- getent ahostsv6 web-1 || true) ]] || fail "the bare name web-1 resolves"
pass "IPv6-only: tiny-1 has no IPv4, resolves $wname to $web at fd00:ec2::253 and fetches over IPv6"

# DNS64 + NAT64: tiny-1 (IPv6 only) asks for SQS by name, gets an AAAA record in 64:ff9b::/96
# made up from its A record, and reaches the IPv4-only service through the NAT gateway, which
# the service sees as its Elastic IP.
sqs6=$(vpcemu exec tiny-1 -- getent ahostsv6 sqs.us-east-1.amazonaws.com | awk 'NR == 1 {print $1}')
[[ $sqs6 == 64:ff9b::3ec:a90a ]] || fail "DNS64 gave '$sqs6' for sqs (3.236.169.10), not 64:ff9b::3ec:a90a"
eip=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print([g["public_ip"] for g in json.load(sys.stdin)["gateways"] if g["kind"] == "nat-gateway"][0])')
seen=$(vpcemu exec tiny-1 -- curl -s -m 3 http://sqs.us-east-1.amazonaws.com/ | python3 -c 'import json,sys; print(json.load(sys.stdin)["source"])')
[[ $seen == "$eip" ]] || fail "sqs saw '$seen', not the NAT gateway's Elastic IP $eip"
# Without dns64 a subnet gets no made-up records: app-1's subnet asks the same resolver.
[[ -z $(vpcemu exec app-1 -- getent ahostsv6 sqs.us-east-1.amazonaws.com | grep 64:ff9b || true) ]] ||
  fail "app-1's subnet has no dns64, yet got a 64:ff9b:: answer"
pass "DNS64 + NAT64: tiny-1 resolves sqs to $sqs6 and reaches it as the NAT gateway's $eip"

# A NACL that denies the client's IPv6 prefix, applied live: IPv6 stops, IPv4 goes on.
python3 - "$f" <<'PY'
import sys
f = sys.argv[1]
s = open(f).read()
s = s.replace("      public-a:  { cidr: 10.0.1.0/24, ipv6_cidr: 2600:1f18:4a3c:6e01::/64, route_table: public }",
              "      public-a:  { cidr: 10.0.1.0/24, ipv6_cidr: 2600:1f18:4a3c:6e01::/64, route_table: public, network_acl: edge }")
s = s.replace("    security_groups:\n      web:", """    network_acls:
      edge:
        ingress:
          - { rule: 100, protocol: all, source: "2001:db8::/32", action: deny }
          - { rule: 110, protocol: all, source: "::/0", action: allow }
          - { rule: 120, protocol: all, source: 0.0.0.0/0, action: allow }
        egress:
          - { rule: 100, protocol: all, destination: "::/0", action: allow }
          - { rule: 110, protocol: all, destination: 0.0.0.0/0, action: allow }
    security_groups:
      web:""")
open(f, "w").write(s)
PY
out=$(vpcemu up "$f" 2>&1) || fail "live NACL change: $out"
mustnt vpcemu exec client -- curl -s -m 2 -o /dev/null "http://[$web]/"
must vpcemu exec client -- curl -s -m 2 -o /dev/null "http://$pub/"
must vpcemu exec app-1 -- curl -s -m 2 -o /dev/null "http://[$web]/"
pass "nacl: rule 100 denies 2001:db8::/32 (the client) while IPv4 and other IPv6 sources pass"

# Peering carries IPv6 between two dual-stack VPCs, both ends seeing the real addresses, and
# nothing transits: c's /56 routed from a through b still never arrives (AWS rules 23, 24).
pname=$(uname_for v6p)
pf=$(scenario_text "$pname" <<'EOF'
name: x
vpcs:
  a:
    cidr: 10.1.0.0/16
    ipv6_cidr: auto
    subnets: { s: { cidr: 10.1.1.0/24, ipv6_cidr: auto, route_table: r } }
    route_tables:
      r:
        routes:
          - { destination: "2600:1f18:4a3c:100::/56", target: peering/ab }
          - { destination: "2600:1f18:4a3c:200::/56", target: peering/ab }
    security_groups: { open: { ingress: [ { protocol: all, source: "::/0" } ] } }
    instances: { a-1: { subnet: s, ipv6: true, security_groups: [open] } }
  b:
    cidr: 10.2.0.0/16
    ipv6_cidr: auto
    subnets: { s: { cidr: 10.2.1.0/24, ipv6_cidr: auto, route_table: r } }
    route_tables:
      r:
        routes:
          - { destination: "2600:1f18:4a3c::/56", target: peering/ab }
          - { destination: "2600:1f18:4a3c:200::/56", target: peering/bc }
    security_groups: { open: { ingress: [ { protocol: all, source: "::/0" } ] } }
    instances: { b-1: { subnet: s, ipv6: true, security_groups: [open] } }
  c:
    cidr: 10.3.0.0/16
    ipv6_cidr: auto
    subnets: { s: { cidr: 10.3.1.0/24, ipv6_cidr: auto, route_table: r } }
    route_tables:
      r:
        routes:
          - { destination: "::/0", target: peering/bc }
    security_groups: { open: { ingress: [ { protocol: all, source: "::/0" } ] } }
    instances: { c-1: { subnet: s, ipv6: true, security_groups: [open] } }
peerings:
  ab: { requester: a, accepter: b }
  bc: { requester: b, accepter: c }
expect:
  - { from: a-1, to: b-1, protocol: tcp, port: 80, ip_version: 6, result: allow }
  - { from: b-1, to: c-1, protocol: icmp, ip_version: 6, result: allow }
  - { from: a-1, to: c-1, protocol: tcp, port: 80, ip_version: 6, result: deny }
EOF
)
out=$(vpcemu up "$pf" 2>&1) || fail "up (peering): $out"
out=$(vpcemu check "$pname") || fail "check (peering): $out"
a1=$(ipv6_of "$pname" a-1)
b1=$(ipv6_of "$pname" b-1)
seen=$(source_seen a-1 b-1 "$b1" 8080)
[[ $seen == "$a1" ]] || fail "b-1 saw $seen, not a-1's $a1"
pass "peering carries IPv6 (b-1 sees a-1's $a1); not transitive: $(tail -1 <<<"$out")"

# A transit gateway carries IPv6 between dual-stack VPCs: each VPC's /56 is propagated beside
# its IPv4 CIDR, and the route tables still isolate: spokes reach the shared VPC, not each other.
tname=$(uname_for v6t)
tf=$(scenario_text "$tname" <<'EOF'
name: x
vpcs:
  prod:
    cidr: 10.1.0.0/16
    ipv6_cidr: auto
    subnets: { app: { cidr: 10.1.1.0/24, ipv6_cidr: auto, route_table: r } }
    route_tables: { r: { routes: [ { destination: "::/0", target: transit_gateway/hub } ] } }
    security_groups: { open: { ingress: [ { protocol: all, source: "::/0" } ] } }
    instances: { prod-1: { subnet: app, ipv6: true, security_groups: [open] } }
  dev:
    cidr: 10.2.0.0/16
    ipv6_cidr: auto
    subnets: { app: { cidr: 10.2.1.0/24, ipv6_cidr: auto, route_table: r } }
    route_tables: { r: { routes: [ { destination: "::/0", target: transit_gateway/hub } ] } }
    security_groups: { open: { ingress: [ { protocol: all, source: "::/0" } ] } }
    instances: { dev-1: { subnet: app, ipv6: true, security_groups: [open] } }
  shared:
    cidr: 10.3.0.0/16
    ipv6_cidr: auto
    subnets: { svc: { cidr: 10.3.1.0/24, ipv6_cidr: auto, route_table: r } }
    route_tables: { r: { routes: [ { destination: "::/0", target: transit_gateway/hub } ] } }
    security_groups: { open: { ingress: [ { protocol: all, source: "::/0" } ] } }
    instances: { shared-1: { subnet: svc, ipv6: true, security_groups: [open] } }
transit_gateways:
  hub:
    attachments:
      prod: { vpc: prod, subnets: [app] }
      dev: { vpc: dev, subnets: [app] }
      shared: { vpc: shared, subnets: [svc] }
    route_tables:
      spokes: { associations: [prod, dev], propagations: [shared] }
      services: { associations: [shared], propagations: [prod, dev] }
expect:
  - { from: prod-1, to: shared-1, protocol: tcp, port: 443, ip_version: 6, result: allow }
  - { from: shared-1, to: dev-1, protocol: icmp, ip_version: 6, result: allow }
  - { from: prod-1, to: dev-1, protocol: tcp, port: 22, ip_version: 6, result: deny }
EOF
)
out=$(vpcemu up "$tf" 2>&1) || fail "up (transit gateway): $out"
out=$(vpcemu check "$tname") || fail "check (transit gateway): $out"
p1=$(ipv6_of "$tname" prod-1)
s1=$(ipv6_of "$tname" shared-1)
seen=$(source_seen prod-1 shared-1 "$s1" 8443)
[[ $seen == "$p1" ]] || fail "shared-1 saw $seen, not prod-1's $p1"
pass "transit gateway carries IPv6 (shared-1 sees prod-1's $p1); spokes stay apart: $(tail -1 <<<"$out")"

host_after=$(ip -6 route show table all | sort; ip -6 addr show | grep -c inet6)
[[ $host_before == "$host_after" ]] || fail "the host's own IPv6 routes or addresses changed"
pass "the host's namespace has the same IPv6 routes and addresses as before"
