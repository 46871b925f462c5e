# Every verb's --format json on a running lab against its schema in docs/json/, and plan on a
# running lab for a live change (add, modify, remove) with its exit codes.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c 'import jsonschema' 2>/dev/null || { echo "SKIPPED: no python3-jsonschema"; exit 77; }
conforms() {  # VERB FILE
  $PY "$SOURCE_DIR/scripts/check-json-output.py" "$1" "$2" || fail "$1 --format json: $(head -c 400 "$2")"
}
field() { $PY -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"; }
name=$(uname_for json)
f=$(scenario_copy basic-vpc.yaml "$name")

vpcemu up --format json "$f" >"$WORK/up.json" 2>/dev/null || fail "up: $(cat "$WORK/up.json")"
conforms up "$WORK/up.json"
[[ $(field "$WORK/up.json" 'j["result"], len([i for i in j["instances"] if i["kind"] == "instance"])') == "created 2" ]] || fail "up: $(cat "$WORK/up.json")"
out=$(vpcemu plan "$f") || fail "plan of the unchanged running lab exits $?"
[[ $out == *"is up and unchanged"* ]] || fail "plan unchanged: $out"
vpcemu plan --detailed-exitcode "$f" >/dev/null || fail "plan --detailed-exitcode without a change exits $?"
pass "up --format json conforms; plan of the unchanged lab exits 0 (also --detailed-exitcode)"

# A live change: an instance added, one changed (another group), a rule removed.
sed -i -e 's/        security_groups: \[app\]/        security_groups: [app, web]/' \
       -e '/- { protocol: icmp, source: 10.0.0.0\/16 }/d' \
       -e 's/^internet:/      app-2: { subnet: private-a, security_groups: [app] }\ninternet:/' "$f"
out=$(vpcemu plan "$f") || fail "plan of a live change exits $?: $out"
for want in "+ instance app-2 (vpc prod, subnet private-a" "~ instance app-1 (vpc prod, subnet private-a, 10.0.2.4, groups app,web) (was " \
            "- security_group_rule prod/app ingress icmp from 10.0.0.0/16" "Plan: 1 to add, 1 to change, 1 to destroy."; do
  [[ $out == *"$want"* ]] || fail "plan lacks '$want': $out"
done
[[ $out != *"forces rebuild"* ]] || fail "a live change is marked as forcing a rebuild: $out"
vpcemu plan --detailed-exitcode "$f" >/dev/null && fail "plan --detailed-exitcode with a change exits 0"
[[ $? -eq 2 ]] || fail "plan --detailed-exitcode with a change does not exit 2"
vpcemu plan --format json "$f" >"$WORK/plan.json" || fail "plan --format json"
conforms plan "$WORK/plan.json"
[[ $(field "$WORK/plan.json" 'j["running"], j["live"], len(j["resources"])') == "True True 3" ]] ||
  fail "plan --format json of a live change: $(head -c 400 "$WORK/plan.json")"
pass "plan of a live change: + ~ - in AWS's terms, exit 0 (2 with --detailed-exitcode), JSON conforms"

vpcemu up --format json "$f" >"$WORK/up.json" 2>/dev/null || fail "up of the change: $(cat "$WORK/up.json")"
conforms up "$WORK/up.json"
[[ $(field "$WORK/up.json" 'j["result"], len(j["changes"])') == "changed 3" ]] || fail "up changed: $(cat "$WORK/up.json")"
vpcemu check --format json "$f" >"$WORK/check.json" || fail "check after the live change: $(cat "$WORK/check.json")"
conforms check "$WORK/check.json"
[[ $(field "$WORK/check.json" 'j["passed"], j["failed"], j["schema_version"]') == "10 0 1" ]] || fail "check: $(cat "$WORK/check.json")"
pass "up of the change is 'changed' with 3 changes; check --format json conforms (10 passed)"

vpcemu status --format json "$name" >"$WORK/status.json"
conforms status "$WORK/status.json"
vpcemu status --format json >"$WORK/all.json"
conforms status "$WORK/all.json"
[[ $(field "$WORK/status.json" '[r["target"] + " " + r["state"] for t in j["route_tables"] if t["name"] == "public" for r in t["routes"]]') == "['local active', 'internet_gateway active']" ]] ||
  fail "status route tables: $(cat "$WORK/status.json")"
out=$(vpcemu status "$name" --routes)
[[ $out == *"route table prod/public (subnets public-a)"*"0.0.0.0/0"*"internet_gateway"*"active"* ]] || fail "status --routes: $out"
pass "status --format json conforms (one and all); --routes lists the route tables"

vpcemu down --format json "$name" >"$WORK/down.json" 2>/dev/null || fail "down"
conforms down "$WORK/down.json"
[[ $(field "$WORK/down.json" 'j["was_up"], j["namespaces_removed"] > 0, j["errors"]') == "True True []" ]] || fail "down: $(cat "$WORK/down.json")"
vpcemu down --format json "$name" >"$WORK/down.json" 2>/dev/null || fail "second down"
conforms down "$WORK/down.json"
[[ $(field "$WORK/down.json" 'j["was_up"]') == "False" ]] || fail "second down: $(cat "$WORK/down.json")"
pass "down --format json conforms (up, then not up)"
