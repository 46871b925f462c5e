# MTU as AWS sets it, with real packets: instances' interfaces are 9001 bytes and a 9001-byte
# packet crosses the VPC unfragmented; a packet over 1500 bytes with DF set towards the
# internet gets "fragmentation needed" (mtu 1500) from the VPC router; a 1 MB TCP transfer
# through a transit gateway (8500) works by path MTU discovery when groups and NACLs allow
# ICMP type 3 code 4, and stalls (the classic PMTUD black hole) when a group or a NACL drops it.
source "$(dirname "$0")/lib.sh"
name=$(uname_for pmtu)
f=$(scenario_text "$name" <<'YAML'
name: x
vpcs:
  a:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      pub: { cidr: 10.0.1.0/24, route_table: out }
      quiet: { cidr: 10.0.2.0/24, route_table: out }
    route_tables:
      out:
        routes:
          - { destination: 0.0.0.0/0, target: internet_gateway }
          - { destination: 10.1.0.0/16, target: transit_gateway/hub }
    security_groups:
      pmtud:
        ingress:
          - { protocol: icmp, icmp_type: 3, icmp_code: 4, source: 0.0.0.0/0 }
          - { protocol: icmp, icmp_type: 8, source: 10.0.0.0/16 }
      no-icmp:
        ingress: []
    instances:
      sender: { subnet: pub, private_ip: 10.0.1.10, public_ip: true, security_groups: [pmtud] }
      near: { subnet: pub, private_ip: 10.0.1.11, security_groups: [pmtud] }
      deaf: { subnet: pub, private_ip: 10.0.1.12, security_groups: [no-icmp] }
      walled: { subnet: quiet, private_ip: 10.0.2.10, security_groups: [pmtud] }
  b:
    cidr: 10.1.0.0/16
    subnets:
      s: { cidr: 10.1.1.0/24, route_table: back }
    route_tables:
      back:
        routes:
          - { destination: 10.0.0.0/16, target: transit_gateway/hub }
    security_groups:
      sink:
        ingress:
          - { protocol: tcp, ports: 5001, source: 10.0.0.0/16 }
    instances:
      receiver: { subnet: s, private_ip: 10.1.1.10, security_groups: [sink] }
transit_gateways:
  hub:
    attachments:
      a: { vpc: a, subnets: [pub] }
      b: { vpc: b, subnets: [s] }
    route_tables:
      all:
        associations: [a, b]
        propagations: [a, b]
internet:
  hosts:
    web: { ip: 198.51.100.10 }
YAML
)
up "$f"

[[ $(vpcemu exec sender -- cat /sys/class/net/eth0/mtu) == 9001 ]] || fail "an instance's eth0 is not 9001 bytes"
must vpcemu exec sender -- ping -c 1 -W 2 -M do -s 8973 10.0.1.11
pass "a 9001-byte packet with DF set crosses the VPC (eth0 mtu 9001)"

out=$(vpcemu exec sender -- ping -c 2 -W 2 -M do -s 1473 198.51.100.10 2>&1) && fail "1501 bytes with DF reached the internet"
[[ $out == *"mtu = 1500"* || $out == *"mtu=1500"* ]] || fail "no fragmentation needed (mtu 1500) towards the internet: $out"
must vpcemu exec sender -- ping -c 1 -W 2 -M do -s 1472 198.51.100.10
pass "towards the internet: 1500 bytes pass, 1501 with DF get fragmentation needed, mtu 1500"

# transfer FROM: 1 MB from FROM to the receiver over the transit gateway; prints the bytes that
# arrived within 6 s.
transfer() {
  vpcemu exec receiver -- timeout 8 python3 -c '
import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5001)); s.listen(1); s.settimeout(7); c, _ = s.accept(); c.settimeout(6); n = 0
try:
    while n < 1 << 20:
        d = c.recv(65536)
        if not d: break
        n += len(d)
except socket.timeout: pass
print(n)' > "$WORK/got" &
  local srv=$!
  sleep 0.5
  vpcemu exec "$1" -- timeout 7 python3 -c '
import socket; s = socket.create_connection(("10.1.1.10", 5001), timeout=3); s.settimeout(6)
try: s.sendall(b"x" * (1 << 20))
except OSError: pass' || true
  wait $srv || true
  cat "$WORK/got"
}
[[ $(transfer sender) == 1048576 ]] || fail "1 MB over the transit gateway did not arrive by path MTU discovery"
pmtu=$(vpcemu exec sender -- ip route get 10.1.1.10 | grep -o 'mtu [0-9]*')
[[ $pmtu == "mtu 8500" ]] || fail "the sender did not learn the transit gateway's 8500: '$pmtu'"
pass "1 MB through the transit gateway: the sender learned mtu 8500 and the transfer completed"

got=$(transfer deaf)
[[ $got != 1048576 ]] || fail "the transfer completed although the group drops ICMP 3/4"
pass "a group without ICMP 3/4 inbound: the transfer stalls ($got of 1048576 bytes), the PMTUD black hole"

python3 - "$f" <<'PY'
import sys
f = sys.argv[1]
s = open(f).read()
s = s.replace("      quiet: { cidr: 10.0.2.0/24, route_table: out }",
              "      quiet: { cidr: 10.0.2.0/24, route_table: out, network_acl: strict }")
s = s.replace("    security_groups:\n      pmtud:", """    network_acls:
      strict:
        ingress:
          - { rule: 90, protocol: icmp, icmp_type: 3, icmp_code: 4, source: 0.0.0.0/0, action: deny }
          - { rule: 100, protocol: all, source: 0.0.0.0/0, action: allow }
        egress:
          - { rule: 100, protocol: all, destination: 0.0.0.0/0, action: allow }
    security_groups:
      pmtud:""", 1)
open(f, "w").write(s)
PY
out=$(vpcemu up "$f" 2>&1) || fail "live NACL change: $out"
got=$(transfer walled)
[[ $got != 1048576 ]] || fail "the transfer completed although the NACL denies ICMP 3/4"
pass "a NACL that denies ICMP 3/4: the transfer stalls ($got of 1048576 bytes)"
