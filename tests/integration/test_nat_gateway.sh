# AWS rule 21: a NAT gateway in a public subnet lets private instances reach the internet,
# which sees the NAT gateway's Elastic IP and ports from 1024-65535; TCP, UDP and ICMP work;
# nothing on the internet can open a connection inward.
source "$(dirname "$0")/lib.sh"
name=$(uname_for nat)
f=$(scenario_copy nat-gateway.yaml "$name")
up "$f"
out=$(vpcemu check "$name") || fail "check: $out"
pass "TCP, UDP and ICMP out; nothing in: $(tail -1 <<<"$out")"
eip=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["gateways"][0]["public_ip"])')

# The internet sees the Elastic IP, and ports from AWS's NAT range, not Linux's 32768-60999.
in_ns "$name.api" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 9000)); s.listen(64); s.settimeout(10)
for _ in range(24):
    c, a = s.accept(); print(a[0], a[1]); c.close()' > "$WORK/seen" &
srv=$!
sleep 0.3
for i in $(seq 12); do
  for inst in app-1 app-2; do
    vpcemu exec "$inst" -- python3 -c 'import socket; socket.create_connection(("198.51.100.20", 9000), 3).close()'
  done
done
wait $srv
[[ $(cut -d' ' -f1 "$WORK/seen" | sort -u) == "$eip" ]] || fail "the internet saw $(cut -d' ' -f1 "$WORK/seen" | sort -u | tr '\n' ' '), not $eip"
low=$(awk '$2 < 32768' "$WORK/seen" | wc -l)
(( low > 0 )) || fail "24 connections, none with a source port below 32768: not AWS's 1024-65535"
pass "24 connections from two instances arrive from $eip, $low of them from ports below 32768"

# Inbound is impossible, even to the Elastic IP itself.
mustnt vpcemu exec api -- python3 -c "import socket; socket.create_connection(('$eip', 22), 1.5)"
mustnt in_ns "$name.api" ping -c1 -W1 "$eip"
pass "nothing on the internet reaches the NAT gateway or the instances behind it"

# The NAT gateway's ports meet NACLs as in AWS: the public subnet's NACL must admit replies on
# 1024-65535; admitting only Linux's range (32768-65535) loses the connections whose NAT port
# fell below it, about half of them.
nacl() {  # nacl LOW: the public subnet admits tcp replies on LOW-65535 (and all else out)
  python3 - "$f" "$1" <<'PY'
import re, sys
f, low = sys.argv[1], sys.argv[2]
s = open(f).read()
s = re.sub(r"\n    network_acls:.*?(?=\n    security_groups:)", "", s, flags=re.S)
s = s.replace("public-a:  { cidr: 10.0.1.0/24, route_table: public }",
              "public-a:  { cidr: 10.0.1.0/24, route_table: public, network_acl: public }")
s = s.replace("\n    security_groups:", f"""
    network_acls:
      public:
        ingress:
          - {{ rule: 100, protocol: tcp, ports: {low}-65535, source: 198.51.100.0/24, action: allow }}
          - {{ rule: 200, protocol: all, source: 10.0.0.0/16, action: allow }}
        egress:
          - {{ rule: 100, protocol: all, destination: 0.0.0.0/0, action: allow }}
    security_groups:""", 1)
open(f, "w").write(s)
PY
  vpcemu up "$f" >/dev/null 2>&1 || fail "NACL change failed"
}
connect_20() {  # how many of 20 connections from app-1 to api:9000 succeed
  in_ns "$name.api" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 9000)); s.listen(64); s.settimeout(12)
try:
    while True: s.accept()[0].close()
except OSError: pass' &
  local srv=$!
  sleep 0.3
  vpcemu exec app-1 -- python3 -c '
import socket
ok = 0
for _ in range(20):
    try: socket.create_connection(("198.51.100.20", 9000), 0.5).close(); ok += 1
    except OSError: pass
print(ok)'
  kill $srv 2>/dev/null; wait $srv 2>/dev/null || true
}
nacl 32768
ok=$(connect_20)
(( ok > 0 && ok < 20 )) || fail "with replies admitted on 32768-65535 only, $ok/20 connections through the NAT gateway worked (expected some, not all)"
pass "NACL admitting 32768-65535 only: $ok/20 connections through the NAT gateway survive"
nacl 1024
ok=$(connect_20)
[[ $ok -eq 20 ]] || fail "with replies admitted on 1024-65535, only $ok/20 connections worked"
pass "NACL admitting 1024-65535 (AWS's advice for NAT gateways): 20/20"
