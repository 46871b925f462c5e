# 2,000 instances in 20 VPCs come up and pass check with vpcemu's open-files limit at 1,024
# (soft and hard: it cannot raise it): its descriptors do not grow with the namespace count.
source "$(dirname "$0")/lib.sh"
name=$(uname_for fdlimit)
python3 "$SOURCE_DIR/scripts/gen-scenario.py" 2000 20 --name "$name" --public 20 >"$WORK/$name.yaml"
register "$name"
out=$(prlimit --nofile=1024:1024 "$VPCEMU" --run-dir "$RUN_DIR" up "$WORK/$name.yaml" 2>&1) ||
  fail "up of 2,000 instances with 1,024 open files: $out"
[[ $(count_ns "$name") -ge 2000 ]] || fail "only $(count_ns "$name") namespaces"
out=$(prlimit --nofile=1024:1024 "$VPCEMU" --run-dir "$RUN_DIR" check "$name") || fail "check: $out"
[[ $(tail -1 <<<"$out") == "20 passed, 0 failed" ]] || fail "check: $out"
pass "2,000 instances up and checked (20 passed) with the open-files limit at 1,024"
out=$(prlimit --nofile=1024:1024 "$VPCEMU" --run-dir "$RUN_DIR" down "$name" 2>&1) || fail "down: $out"
[[ $(count_ns "$name") -eq 0 ]] || fail "namespaces left after down"
pass "down with the same limit removes all of them"
