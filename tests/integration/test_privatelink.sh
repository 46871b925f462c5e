# AWS rule 28 (scenarios/privatelink.yaml): an endpoint service reaches the provider's load
# balancer from consumers' interface endpoints, one way only, with overlapping CIDRs; the load
# balancer spreads connections over its targets, which see its address, not the consumer's.
source "$(dirname "$0")/lib.sh"
name=$(uname_for plink)
f=$(scenario_copy privatelink.yaml "$name")
up "$f"
out=$(vpcemu check "$name") || fail "check: $out"
pass "rule 28 for three customers, two of them with the provider's own CIDR: $(tail -1 <<<"$out")"

# Each target answers with its name and the address it saw.
for t in api-1 api-2; do
  vpcemu exec "$t" -- python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 443)); s.listen(16); s.settimeout(8)
while True:
    c, a = s.accept(); c.sendall((sys.argv[1] + " " + a[0]).encode()); c.close()' "$t" &
done
sleep 0.4
ep_a=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print([g["private_ip"] for g in json.load(sys.stdin)["gateways"] if g["kind"] == "interface-endpoint" and g["vpc"] == "customer-a"][0])')
for i in $(seq 8); do
  vpcemu exec a-1 -- python3 -c "import socket; s = socket.create_connection(('$ep_a', 443), 2); print(s.recv(64).decode())"
done > "$WORK/answers"
kill $(jobs -p) 2>/dev/null || true
[[ $(cut -d' ' -f1 "$WORK/answers" | sort -u | tr '\n' ' ') == "api-1 api-2 " ]] ||
  fail "connections were not spread over both targets: $(sort "$WORK/answers" | uniq -c)"
[[ $(cut -d' ' -f2 "$WORK/answers" | sort -u) == 10.0.1.4 ]] ||
  fail "targets saw $(cut -d' ' -f2 "$WORK/answers" | sort -u | tr '\n' ' '), not the load balancer 10.0.1.4"
pass "8 connections from a-1 (10.0.2.11, the same address as api-1) spread over api-1 and api-2, which see only the load balancer"

# One way: the provider side cannot start anything towards a consumer's endpoint link.
# awk reads everything: an early exit (head, grep -m) would SIGPIPE ip and fail under pipefail.
link=$(in_ns "$name.nlb.billing.lb-a" ip -4 -o route show table all |
  awk '{for (i = 1; i < NF; i++) if ($i == "via" && $(i+1) ~ /^169\.254\.(6[4-9]|[7-9][0-9]|1[01][0-9]|12[0-7])\./ && !f) f = $(i+1)} END {print f}')
[[ -n $link ]] || fail "no consumer link found in the load balancer"
mustnt in_ns "$name.nlb.billing.lb-a" ping -c1 -W1 "$link"
mustnt vpcemu exec api-1 -- python3 -c "import socket; socket.create_connection(('$link', 22), 1.5)"
pass "nothing on the provider side reaches a consumer"
