# IP protocols by number in security groups and NACLs, with real packets: a group that allows
# protocol 47 (GRE) lets raw GRE packets in and drops protocol 50 (ESP), which no rule names; a
# NACL rule that denies 47 before an allow-all stops GRE at the subnet boundary, live. ICMP by
# type: a group that allows echo requests (type 8) answers ping; one that allows only
# timestamp requests (type 13) does not.
source "$(dirname "$0")/lib.sh"
name=$(uname_for proto)
f=$(scenario_text "$name" <<'EOF'
name: x
vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      a: { cidr: 10.0.1.0/24 }
      b: { cidr: 10.0.2.0/24 }
    security_groups:
      tunnel:
        ingress:
          - { protocol: 47, source: 10.0.0.0/16 }
      echo:
        ingress:
          - { protocol: icmp, icmp_type: 8, icmp_code: 0, source: 10.0.0.0/16 }
      timestamp:
        ingress:
          - { protocol: icmp, icmp_type: 13, source: 10.0.0.0/16 }
    instances:
      sender: { subnet: a, private_ip: 10.0.1.10 }
      receiver: { subnet: b, private_ip: 10.0.2.10, security_groups: [tunnel] }
      pingable: { subnet: b, private_ip: 10.0.2.11, security_groups: [echo] }
      stamped: { subnet: b, private_ip: 10.0.2.12, security_groups: [timestamp] }
EOF
)
up "$f"

must vpcemu exec sender -- ping -c 1 -W 2 10.0.2.11
mustnt vpcemu exec sender -- ping -c 1 -W 1 10.0.2.12
pass "sg: icmp_type 8 code 0 lets ping in; icmp_type 13 alone does not"

# send_raw PROTO: a raw IP packet of that protocol from sender; prints what receiver got.
send_raw() {
  vpcemu exec receiver -- python3 -c '
import socket, sys; s = socket.socket(socket.AF_INET, socket.SOCK_RAW, int(sys.argv[1])); s.settimeout(2)
try: d, a = s.recvfrom(2048); print(a[0])
except socket.timeout: print("nothing")' "$1" > "$WORK/got" &
  local srv=$!
  sleep 0.3
  vpcemu exec sender -- python3 -c '
import socket, sys, time; s = socket.socket(socket.AF_INET, socket.SOCK_RAW, int(sys.argv[1]))
for _ in range(3): s.sendto(b"\0" * 16, ("10.0.2.10", 0)); time.sleep(0.1)' "$1"
  wait $srv || true
  cat "$WORK/got"
}
[[ $(send_raw 47) == 10.0.1.10 ]] || fail "GRE (47) should pass the group that allows 47"
[[ $(send_raw 50) == nothing ]] || fail "ESP (50) passed a group whose only rule is for 47"
pass "sg: protocol 47 in, protocol 50 dropped"

python3 - "$f" <<'PY'
import sys
f = sys.argv[1]
s = open(f).read()
s = s.replace("      b: { cidr: 10.0.2.0/24 }", "      b: { cidr: 10.0.2.0/24, network_acl: no-gre }")
s = s.replace("    security_groups:", """    network_acls:
      no-gre:
        ingress:
          - { rule: 100, protocol: 47, source: 0.0.0.0/0, action: deny }
          - { rule: 200, protocol: all, source: 0.0.0.0/0, action: allow }
        egress:
          - { rule: 100, protocol: all, destination: 0.0.0.0/0, action: allow }
    security_groups:""", 1)
open(f, "w").write(s)
PY
out=$(vpcemu up "$f" 2>&1) || fail "live NACL change: $out"
[[ $(send_raw 47) == nothing ]] || fail "GRE passed a NACL whose rule 100 denies 47"
pass "nacl: rule 100 denies protocol 47 before rule 200 allows all"
