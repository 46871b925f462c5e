# AWS rules 16-19: the local route, longest prefix wins, main route table for unassociated
# subnets, blackhole drops. Observed with real packets and with the router's own counters.
source "$(dirname "$0")/lib.sh"
name=$(uname_for rt)
f=$(scenario_copy routing.yaml "$name")
# Output captured first: `up ... | grep -q` would fail under pipefail when grep exits early
# and up, still writing, gets SIGPIPE.
out=$(vpcemu up "$f" 2>&1) || fail "up failed: $out"
[[ $out == *"is up"* ]] || fail "up did not report the scenario up: $out"

# Longest prefix: /32 to the gateway beats the /24 blackhole, which beats the /0.
must vpcemu exec web -- ping -c1 -W1 198.51.100.20
mustnt vpcemu exec web -- ping -c1 -W1 198.51.100.21
must vpcemu exec web -- ping -c1 -W1 192.0.2.50
pass "longest prefix decides: /32 > /24 blackhole > /0"

# The blackhole really is the router dropping (no ICMP error, the packet just vanishes).
out=$(vpcemu exec web -- ping -c1 -W1 198.51.100.21 2>&1 || true)
[[ $out == *"100% packet loss"* ]] || fail "blackhole should drop silently: $out"
[[ $out != *"Unreachable"* ]] || fail "blackhole sent an ICMP error: $out"
pass "blackhole drops silently"

# The local route carries the VPC's own traffic whatever else the table holds.
must vpcemu exec web -- ping -c1 -W1 10.10.2.10
pass "the local route carries traffic to another subnet"

# Main route table: db's subnet has no association and uses 'main', which routes 192.0.2.0/24
# to the gateway; the gateway drops it because db has no public address (rule 20).
table=$(in_ns "$name.vpc.lab" ip route show table 101)
[[ $table == *"192.0.2.0/24 via 169.254.0.2 dev igw"* ]] || fail "main table: $table"
before=$(in_ns "$name.igw.lab" nft list chain inet vpcemu forward | grep -o 'packets [0-9]*' | tail -1 | awk '{print $2}')
mustnt vpcemu exec db -- ping -c1 -W1 192.0.2.50
after=$(in_ns "$name.igw.lab" nft list chain inet vpcemu forward | grep -o 'packets [0-9]*' | tail -1 | awk '{print $2}')
(( after > before )) || fail "the internet gateway did not see (and drop) db's packet ($before → $after)"
pass "main route table applies; the gateway drops a private instance's packet"

# No route at all (db's table has none for 198.51.100.0/24): AWS drops silently and the sender
# waits for its own timeout; no ICMP error comes back (the capture on db's ENI sees none).
capture "$name.db" eth0 5 3 icmp -- bash -c "
  out=\$(ip netns exec $name.db python3 -c '
import socket, time; s = socket.socket(); s.settimeout(1.5); t = time.monotonic()
try: s.connect((\"198.51.100.20\", 443)); print(\"connected\")
except socket.timeout: print(\"timeout %.1f\" % (time.monotonic() - t))
except OSError as e: print(\"error\", e)' 2>&1)
  echo \"\$out\" > $WORK/noroute"
[[ $(cat "$WORK/noroute") == "timeout 1."* ]] || fail "with no route the connect should wait out its timeout: $(cat "$WORK/noroute")"
[[ -z $(tr -d '[:space:]' < "$WORK/cap") ]] || fail "an ICMP error came back for a packet with no route: $(cat "$WORK/cap")"
pass "no route: the connect waits out its 1.5 s timeout and no ICMP comes back"

out=$(vpcemu check "$name") || fail "check failed: $out"
pass "vpcemu check: $(tail -1 <<<"$out")"
