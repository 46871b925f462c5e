# AWS rules 4-7, 9, 10 with real packets (scenarios/security-groups.yaml), then rule 9 live:
# a group reference follows membership changes, both of an existing instance and of a new
# instance added to the running scenario, without restarting anything.
source "$(dirname "$0")/lib.sh"
name=$(uname_for sg)
f=$(scenario_copy security-groups.yaml "$name")
up "$f"
out=$(vpcemu check "$name") || fail "check: $out"
pass "rules 4, 5, 6, 7, 9, 10: $(tail -1 <<<"$out")"

# Rule 7 seen directly: db-1 may start nothing (egress: []) yet its replies flow.
mustnt vpcemu exec db-1 -- ping -c1 -W1 10.0.1.4
vpcemu exec db-1 -- python3 -c '
import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5432)); s.listen(1); s.settimeout(5); c, _ = s.accept(); c.sendall(c.recv(64)[::-1])' &
srv=$!
sleep 0.3
reply=$(vpcemu exec web-1 -- python3 -c '
import socket; s = socket.create_connection(("'"$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print({e["name"]: e for e in json.load(sys.stdin)["endpoints"]}["db-1"]["private_ip"])')"'", 5432), 3)
s.sendall(b"stateful"); print(s.recv(64).decode())')
wait $srv
[[ $reply == lufetats ]] || fail "db-1's reply did not come back: '$reply'"
pass "rule 7: db-1 starts nothing, yet its replies to web-1 pass (stateful)"

status=$(vpcemu status "$name" --format json)
python3 - "$status" <<'PY' || fail "status does not show the ENIs' groups"
import json, sys
s = json.loads(sys.argv[1])
e = {x["name"]: x for x in s["endpoints"]}
assert e["multi"]["security_groups"] == ["web", "ssh"], e["multi"]
assert e["d-1"]["security_groups"] == ["default"], e["d-1"]
assert {n["name"]: n["network_acl"] for n in s["subnets"]}["front"] == "default"
PY
pass "status --format json shows each ENI's groups and each subnet's NACL"

router_ino=$(stat -c %i "/run/netns/$name.vpc.lab")
db_ino=$(stat -c %i "/run/netns/$name.db-1")
probe() {  # probe FROM TO PORT → allow|deny
  python3 - "$1" "$2" "$3" "$f" > "$WORK/p.yaml" <<'PY'
import sys
src, dst, port, f = sys.argv[1:]
text = open(f).read().split("expect:")[0]
print(text + f"expect:\n  - {{ from: {src}, to: {dst}, protocol: tcp, port: {port}, result: allow }}")
PY
  if vpcemu check "$WORK/p.yaml" >/dev/null 2>&1; then echo allow; else echo deny; fi
}
[[ $(probe d-1 db-1 5432) == deny ]] || fail "d-1 reaches db-1 before joining web"

# An existing instance joins the referenced group; `plan` on the running scenario shows the
# difference `up` will apply, and changes nothing.
sed -i 's/      d-1:      { subnet: front }.*/      d-1:      { subnet: front, security_groups: [default, web] }/' "$f"
plan=$(vpcemu plan --kernel "$f")
[[ $plan == *"is up; 'up' would change, live"*"~ instance d-1"*"groups default,web"* ]] ||
  fail "plan does not say d-1 changes in AWS's terms: $plan"
[[ $plan == *"Plan: 0 to add, 1 to change, 0 to destroy."*"add element inet vpcemu members-web"* ]] ||
  fail "plan: $plan"
[[ $(probe d-1 db-1 5432) == deny ]] || fail "plan changed something"
pass "plan on a running scenario shows the difference (d-1 joins members-web) and applies nothing"
out=$(vpcemu up "$f" 2>&1) || fail "live change: $out"
[[ $out == *"change in force"* ]] || fail "no nft change reported: $out"
[[ $(probe d-1 db-1 5432) == allow ]] || fail "d-1 joined web but cannot reach db-1"
pass "an instance that joins sg/web reaches db-1 at once"

# A new instance is launched into the group while everything runs.
sed -i 's/^      stats: .*/&\n      web-2:    { subnet: back, security_groups: [web] }/' "$f"
out=$(vpcemu up "$f" 2>&1) || fail "adding web-2: $out"
[[ $(probe web-2 db-1 5432) == allow ]] || fail "new instance web-2 in sg/web cannot reach db-1"
[[ $(stat -c %i "/run/netns/$name.vpc.lab") == "$router_ino" ]] || fail "the router was rebuilt"
[[ $(stat -c %i "/run/netns/$name.db-1") == "$db_ino" ]] || fail "db-1 was rebuilt"
pass "a new instance in sg/web reaches db-1 without restarting anything"

# Leaving the group works the same way.
sed -i 's/      d-1:      { subnet: front, security_groups: \[default, web\] }/      d-1:      { subnet: front }/' "$f"
vpcemu up "$f" >/dev/null 2>&1 || fail "leaving web"
[[ $(probe d-1 db-1 5432) == deny ]] || fail "d-1 left web but still reaches db-1"
out=$(vpcemu check "$f") || fail "check after the changes: $out"
pass "an instance that leaves sg/web loses access; every expectation holds again"
