# AWS rule 21: a NAT gateway in a public subnet lets private instances reach the internet,
# which sees the NAT gateway's Elastic IP and ports from 1024-65535; TCP, UDP and ICMP work;
# nothing on the internet can open a connection inward.
source "$(dirname "$0")/lib.sh"
name=$(uname_for nat)
f=$(scenario_copy nat-gateway.yaml "$name")
vpcemu up "$f" 2>/dev/null
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
