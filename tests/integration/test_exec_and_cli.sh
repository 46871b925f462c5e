# exec passes stdin, stdout, stderr and the exit status through; validate prints every problem
# as FILE:LINE:COL and exits 2; check reports FAIL and exits 1 when an expectation is wrong;
# status --format json lists instances with private and public addresses.
source "$(dirname "$0")/lib.sh"
name=$(uname_for cli)
f=$(scenario_copy basic-vpc.yaml "$name")
up "$f"

[[ $(echo hello | vpcemu exec web-1 -- cat) == hello ]] || fail "stdin/stdout not passed through"
set +e
vpcemu exec web-1 -- sh -c 'echo oops >&2; exit 7' 2>"$WORK/err"
rc=$?
set -e
[[ $rc -eq 7 ]] || fail "exit status $rc, expected 7"
[[ $(cat "$WORK/err") == oops ]] || fail "stderr not passed through"
[[ $(vpcemu exec app-1 -- hostname -I | tr -d ' ') == 10.0.2.4 ]] || fail "exec ran in the wrong namespace"
pass "exec passes stdin/stdout/stderr/exit status and runs inside the instance"

set +e
vpcemu exec nosuch -- true 2>/dev/null; rc=$?
set -e
[[ $rc -ne 0 ]] || fail "exec into an unknown instance succeeded"

cat > "$WORK/bad.yaml" <<'YAML'
name: bad
vpcs:
  prod:
    cidr: 10.0.0.0/12
    subnets:
      a: { cidr: 10.1.0.0/24, route_tabel: x }
YAML
set +e
out=$(vpcemu validate "$WORK/bad.yaml" 2>&1); rc=$?
set -e
[[ $rc -eq 2 ]] || fail "validate exit $rc, expected 2"
[[ $out == *"bad.yaml:4:11: error: VPC CIDR 10.0.0.0/12 is a /12"* ]] || fail "validate: $out"
[[ $out == *"bad.yaml:6:31: error: unknown key 'route_tabel'"*"did you mean 'route_table'?"* ]] || fail "validate: $out"
pass "validate lists every problem as file:line:col and exits 2"
set +e
json=$(vpcemu validate --format json "$WORK/bad.yaml" 2>/dev/null); rc=$?
set -e
[[ $rc -eq 2 ]] || fail "validate --format json exit $rc, expected 2"
python3 - "$json" <<'PY' || fail "validate --format json: $json"
import json, sys
j = json.loads(sys.argv[1])
assert j["valid"] is False and j["errors"] == 2, j
d = {(x["line"], x["column"]): x for x in j["diagnostics"]}
assert d[(4, 11)]["severity"] == "error" and "is a /12" in d[(4, 11)]["message"], d
assert "route_tabel" in d[(6, 31)]["message"], d
PY
pass "validate --format json: the same diagnostics with file, line, column and severity, exit 2"

# plan needs no root and changes nothing (run it as nobody).
n_before=$(ip netns list | wc -l)
setpriv --reuid=nobody --regid=nogroup --clear-groups "$VPCEMU" plan "$SOURCE_DIR/scenarios/basic-vpc.yaml" >/dev/null ||
  fail "plan as an unprivileged user failed"
[[ $(ip netns list | wc -l) -eq $n_before ]] || fail "plan changed something"
pass "plan runs without root and changes nothing"

# A wrong expectation is reported as FAIL with exit status 1.
sed -i 's/{ from: client, to: app-1, protocol: tcp, port: 22, result: deny }/{ from: client, to: app-1, protocol: tcp, port: 22, result: allow }/' "$f"
set +e
out=$(vpcemu check "$f" 2>/dev/null); rc=$?
set -e
[[ $rc -eq 1 ]] || fail "check exit $rc, expected 1"
[[ $out == *"FAIL  client"*"app-1"*"expected allow observed deny"* ]] || fail "check: $out"
[[ $out == *"9 passed, 1 failed"* ]] || fail "check summary: $out"
json=$(vpcemu check "$f" --format json 2>/dev/null || true)
python3 - "$json" <<'PY' || fail "check --format json"
import json, sys
r = json.loads(sys.argv[1])
assert r["failed"] == 1 and r["passed"] == 9, r
bad = [x for x in r["results"] if not x["pass"]][0]
assert bad["from"] == "client" and bad["observed"] == "deny", bad
PY
pass "check reports a wrong expectation as FAIL, exit 1, in text and JSON"

python3 - "$(vpcemu status "$name" --format json)" <<'PY' || fail "status --format json"
import json, sys
s = json.loads(sys.argv[1])
e = {x["name"]: x for x in s["endpoints"]}
assert s["state"] == "up", s
assert e["web-1"]["private_ip"] == "10.0.1.10" and e["web-1"]["public_ip"].startswith("203.0.113."), e
assert e["app-1"]["public_ip"] is None
assert s["processes"][0]["running"]
PY
pass "status --format json lists instances, addresses and processes"

# The command line as people type it: exec without '--' and with options of the command,
# --version, help, a mistyped command answered with the one meant; down leaves no lock file.
[[ $(vpcemu exec web-1 ip -br -4 addr show eth0 | awk '{print $3}') == 10.0.1.10/24 ]] ||
  fail "exec without '--' did not pass the command's own options"
[[ $(vpcemu --version) == "vpcemu "[0-9]* ]] || fail "--version: $(vpcemu --version 2>&1)"
[[ $(vpcemu help) == *"validate"*"exec"* ]] || fail "help does not list the commands"
set +e
out=$(vpcemu valdate x.yaml 2>&1); rc=$?
set -e
[[ $rc -eq 2 && $out == *"'valdate' is not a command; did you mean 'validate'?"* ]] ||
  fail "a mistyped command: exit $rc, $out"
vpcemu down "$name" >/dev/null 2>&1
[[ ! -e $RUN_DIR/.$name.lock ]] || fail "down left $RUN_DIR/.$name.lock"
pass "exec web-1 ip -br ...; --version; help; 'valdate' suggests validate (exit 2); down leaves no lock file"
