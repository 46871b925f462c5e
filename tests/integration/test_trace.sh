# vpcemu trace (issue 14): static reachability that agrees with real packets. Its exit codes
# (0 allowed, 1 denied, 2 bad input) and JSON (the deciding rule's file and line); a running
# scenario traced by name; the catalogue of deny reasons (tests/integration/scenarios/
# trace-catalogue.yaml, whose explanations are golden in the unit tests) proved by real packets;
# `check --explain` prints trace's reason beside each real verdict and never disagrees.
source "$(dirname "$0")/lib.sh"
py=/usr/bin/python3
lab=$SOURCE_DIR/scenarios/sg-vs-nacl.yaml

# Exit codes: allowed 0, denied 1, bad input 2 (naming what is wrong), as check's.
rc=0; "$VPCEMU" trace "$lab" client web --port 80 >"$WORK/out" || rc=$?
[[ $rc -eq 0 ]] || fail "trace of an allowed path exits $rc: $(cat "$WORK/out")"
grep -q "^allow" "$WORK/out" || fail "no allow verdict: $(cat "$WORK/out")"
rc=0; "$VPCEMU" trace "$lab" client trapped --port 80 >"$WORK/out" || rc=$?
[[ $rc -eq 1 ]] || fail "trace of a denied path exits $rc"
grep -q "^deny (the reply)" "$WORK/out" || fail "the trap is not on the reply: $(cat "$WORK/out")"
grep -q "fix: add an outbound rule allowing tcp 32768-60999" "$WORK/out" || fail "no fix: $(cat "$WORK/out")"
rc=0; "$VPCEMU" trace "$lab" client nobody --port 80 >"$WORK/out" 2>"$WORK/err" || rc=$?
[[ $rc -eq 2 ]] && grep -q "nobody" "$WORK/err" || fail "an unknown name: exit $rc, $(cat "$WORK/err")"
rc=0; "$VPCEMU" trace "$lab" client web >"$WORK/out" 2>"$WORK/err" || rc=$?
[[ $rc -eq 2 ]] && grep -q "tcp needs --port" "$WORK/err" || fail "tcp without a port: exit $rc, $(cat "$WORK/err")"
pass "trace exits 0 allowed, 1 denied (the trap: on the reply, with its fix), 2 on bad input"

# JSON: the deciding rule's line is the line of the file that holds it.
rc=0; "$VPCEMU" trace "$lab" intruder api --port 22 --format json >"$WORK/t.json" || rc=$?
[[ $rc -eq 1 ]] || fail "json: exit $rc"
if $py -c 'import jsonschema' 2>/dev/null; then
  $py "$SOURCE_DIR/scripts/check-json-output.py" trace "$WORK/t.json" || fail "trace json does not conform"
fi
line=$($py -c 'import json,sys; j=json.load(open(sys.argv[1])); assert j["verdict"]=="deny" and j["code"]=="SUBNET_ACL_RESTRICTION", j; print(j["line"])' "$WORK/t.json")
sed -n "${line}p" "$lab" | grep -q "rule: 100, protocol: tcp, ports: 22, source: 10.0.5.66/32, action: deny" ||
  fail "json line $line is not the deny rule: $(sed -n "${line}p" "$lab")"
pass "trace --format json names SUBNET_ACL_RESTRICTION and line $line, the rule that denies"

# The catalogue, for real: every verdict trace explains holds for real packets; check
# --explain agrees with them everywhere (no 'please report'), by name of the running scenario.
name=$(uname_for trace-cat)
file=$(scenario_copy "$SOURCE_DIR/tests/integration/scenarios/trace-catalogue.yaml" "$name")
up "$file"
rc=0; vpcemu check "$name" --explain >"$WORK/check" || rc=$?
[[ $rc -eq 0 ]] || fail "the catalogue's expectations do not hold for real packets: $(cat "$WORK/check")"
grep -q "please report" "$WORK/check" && fail "trace and the packets differ: $(cat "$WORK/check")"
n=$(grep -c "        why:" "$WORK/check")
[[ $n -eq $(grep -c "^PASS" "$WORK/check") ]] || fail "not every verdict is explained: $(cat "$WORK/check")"
grep -q "why: instance router-1 drops 198.51.100.20: not its address" "$WORK/check" || fail "check --explain: $(cat "$WORK/check")"
pass "the catalogue of deny reasons holds for real packets; check --explain explains all $n"
rc=0; vpcemu trace "$name" edge-1 client --port 443 >"$WORK/out" || rc=$?
[[ $rc -eq 1 ]] && grep -q "set source_dest_check: false on instance router-1" "$WORK/out" ||
  fail "trace NAME of a running scenario: exit $rc, $(cat "$WORK/out")"
vpcemu check "$name" --explain --format json >"$WORK/c.json" || fail "check --explain --format json"
if $py -c 'import jsonschema' 2>/dev/null; then
  $py "$SOURCE_DIR/scripts/check-json-output.py" check "$WORK/c.json" || fail "check --explain json does not conform"
fi
pass "trace by the name of a running scenario; check --explain --format json carries trace"
