# A NAT instance (scenarios/nat-instance.yaml): with EC2's source/destination check off, an
# instance routed to by 0.0.0.0/0 carries the private subnet's traffic to the internet, which
# sees the NAT instance's public address; turned back on live, EC2 drops what it forwards
# (the router's destination check counts it) and the private subnet is offline; off again, it
# works again.
source "$(dirname "$0")/lib.sh"
name=$(uname_for nati)
f=$(scenario_copy nat-instance.yaml "$name")
up "$f"
out=$(vpcemu check "$name") || fail "check: $out"
pass "a private subnet reaches the internet through a NAT instance: $(tail -1 <<<"$out")"

pub=$(vpcemu status "$name" --format json | python3 -c '
import json, sys
print([e["public_ip"] for e in json.load(sys.stdin)["endpoints"] if e["name"] == "nat-1"][0])')
seen() {  # the source address api sees for a TCP connection from app-1
  in_ns "$name.api" python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 9000)); s.listen(1); s.settimeout(4)
try: c, a = s.accept(); print(a[0])
except OSError: print("nothing")' > "$WORK/seen" &
  local srv=$!
  sleep 0.3
  vpcemu exec app-1 -- python3 -c '
import socket; socket.create_connection(("198.51.100.20", 9000), 2).close()' >/dev/null 2>&1 || true
  wait $srv || true
  cat "$WORK/seen"
}
got=$(seen)
[[ $got == "$pub" ]] || fail "the internet saw $got, not the NAT instance's public address $pub"
pass "the internet sees the NAT instance's public address $pub"

# The check back on, live: the router drops what the instance forwards, both ways.
drops() {
  in_ns "$name.vpc.lab" nft list chain inet vpcemu destination-check |
    grep -o 'packets [0-9]*' | awk '{s += $2} END {print s + 0}'
}
sed -i 's/source_dest_check: false/source_dest_check: true/' "$f"
out=$(vpcemu up "$f" 2>&1) || fail "turning the check on live: $out"
before=$(drops)
got=$(seen)
[[ $got == nothing ]] || fail "with the check on, api still saw a connection from $got"
mustnt vpcemu exec app-1 -- ping -c1 -W1 198.51.100.20
after=$(drops)
(( after > before )) || fail "the destination check did not count app-1's packets ($before → $after)"
pass "with the check on the private subnet is offline; the router dropped $((after - before)) packets"

sed -i 's/source_dest_check: true/source_dest_check: false/' "$f"
out=$(vpcemu up "$f" 2>&1) || fail "turning the check off again: $out"
got=$(seen)
[[ $got == "$pub" ]] || fail "with the check off again the internet saw $got, not $pub"
pass "turned off again, the NAT instance carries traffic again"
