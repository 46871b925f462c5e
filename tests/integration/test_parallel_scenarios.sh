# Five scenarios with identical addresses (basic-vpc under five names) brought up at the same
# time and checked in parallel, every check passing (issue 13;
# the rootless form is in test_rootless.sh).
source "$(dirname "$0")/lib.sh"
names=()
for i in 1 2 3 4 5; do names+=("$(uname_for "par$i")"); scenario_copy basic-vpc.yaml "${names[-1]}" >/dev/null; done
t0=$(date +%s%N)
for n in "${names[@]}"; do (vpcemu up -q "$WORK/$n.yaml" > "$WORK/$n.up" 2>&1; echo $? > "$WORK/$n.uprc") & done
wait
for n in "${names[@]}"; do [[ $(cat "$WORK/$n.uprc") == 0 ]] || fail "up $n: $(cat "$WORK/$n.up")"; done
pass "five identical scenarios up at once in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
for n in "${names[@]}"; do (vpcemu check "$n" > "$WORK/$n.check" 2>&1; echo $? > "$WORK/$n.rc") & done
wait
for n in "${names[@]}"; do
  [[ $(cat "$WORK/$n.rc") == 0 ]] || fail "check $n: $(grep -v PASS "$WORK/$n.check")"
  [[ $(tail -1 "$WORK/$n.check") == "10 passed, 0 failed" ]] || fail "check $n: $(tail -1 "$WORK/$n.check")"
done
pass "checked in parallel: 5 x 10 expectations pass, each scenario's packets its own"
