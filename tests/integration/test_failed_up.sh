# A failed up reports which object failed and why, and removes what it made.
source "$(dirname "$0")/lib.sh"
name=$(uname_for fail)
# a-good starts first (processes start in name order), then bad fails: the cleanup must stop
# a-good's sleep, whose argument is unique to this run.
naptime=300.$$
f=$(scenario_text "$name" <<YAML
name: x
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets:
      a: { cidr: 10.0.1.0/24 }
    instances:
      a-good: { subnet: a, run: "sleep $naptime" }
      bad: { subnet: a, run: "/nonexistent/server --port 80" }
YAML
)
out=$(vpcemu up "$f" 2>&1) && fail "up should have failed"
[[ $out == *"execvp"*"/nonexistent/server"*"(bad in "*"No such file or directory"* ]] ||
  fail "the error does not name the object and the cause: $out"
pass "the error names the failing object: $(grep 'failed:' <<<"$out")"
[[ $(count_ns "$name") -eq 0 ]] || fail "namespaces left after a failed up"
! pgrep -f "^sleep $naptime\$" >/dev/null || fail "a-good's sleep left running after the failed up"
[[ ! -d $RUN_DIR/$name ]] || fail "state left after a failed up"
pass "a failed up removes everything it created"

# A process that exits with an error right away also fails the up, with the end of its log.
f2=$(scenario_text "$name-2" <<'YAML'
name: x
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets:
      a: { cidr: 10.0.1.0/24 }
    instances:
      crashy: { subnet: a, run: ["sh", "-c", "echo cannot bind >&2; exit 3"] }
YAML
)
out=$(vpcemu up "$f2" 2>&1) && fail "up should have failed"
[[ $out == *"exited with status 3"*"cannot bind"* ]] || fail "exit status and log missing: $out"
[[ $(count_ns "$name-2") -eq 0 ]] || fail "namespaces left"
pass "a run: command that exits with an error fails the up and shows its log"

# A run: command that never listens is not a failure; up names it among those not listening.
f3=$(scenario_text "$name-3" <<'YAML'
name: x
vpcs:
  v:
    cidr: 10.0.0.0/16
    subnets:
      a: { cidr: 10.0.1.0/24 }
    instances:
      sleeper: { subnet: a, run: "sleep 30" }
YAML
)
out=$(vpcemu up --quiet --ready-timeout 300 "$f3" 2>&1) || fail "up: $out"
[[ $out == *"1 not ready when their time ran out (300 ms"*"sleeper (not listening yet)"* ]] || fail "up does not name what is not listening: $out"
out=$(vpcemu status "$name-3")
[[ $out == *"process sleeper pid "*"running, not listening on any port"* ]] ||
  fail "status does not name the run: command that does not listen: $out"
pass "up (even --quiet) and status name a run: command that is not listening (sleeper)"
