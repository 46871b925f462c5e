# An on-premises network: a router with a public address on the emulated internet and LAN hosts
# behind it (`vpcemu exec desk-1` works); LAN traffic leaves as the router's public address.
source "$(dirname "$0")/lib.sh"
name=$(uname_for onprem)
f=$(scenario_copy "$SOURCE_DIR/tests/integration/scenarios/onprem-internet.yaml" "$name")
up "$f"
out=$(vpcemu check "$name") || fail "check: $out"
pass "$(tail -1 <<<"$out")"

[[ $(vpcemu exec desk-1 -- ip -4 -o addr show dev eth0) == *"192.168.1.10/32"* ]] || fail "desk-1's address"
seen=$(vpcemu exec desk-2 -- curl -s -m 3 http://52.216.0.10/ | python3 -c 'import json,sys; print(json.load(sys.stdin)["source"])')
[[ $seen == 198.51.100.50 ]] || fail "S3 saw $seen, not the office router's public address"
pass "desk-2's requests leave as the office router's public address ($seen)"
mustnt vpcemu exec web-1 -- ping -c1 -W1 192.168.1.10
pass "nothing on the internet reaches into the office LAN"
