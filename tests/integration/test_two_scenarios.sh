# Two scenarios with identical contents (names aside) are up at once without touching each
# other; taking one down leaves the other working.
source "$(dirname "$0")/lib.sh"
a=$(uname_for two-a)
b=$(uname_for two-b)
fa=$(scenario_copy basic-vpc.yaml "$a")
fb=$(scenario_copy basic-vpc.yaml "$b")
vpcemu up "$fa" 2>/dev/null
vpcemu up "$fb" 2>/dev/null
[[ $(count_ns "$a") -eq 9 && $(count_ns "$b") -eq 9 ]] || fail "expected 9 namespaces each"
must vpcemu check "$a"
must vpcemu check "$b"
pass "both scenarios pass their checks while up together"

# exec needs the scenario when the name exists twice.
out=$(vpcemu exec web-1 -- true 2>&1 || true)
[[ $out == *"exists in several scenarios"* ]] || fail "ambiguous exec: $out"
must vpcemu exec -s "$a" web-1 -- true
pass "exec asks which scenario when a name is ambiguous"

vpcemu down "$a" 2>/dev/null
[[ $(count_ns "$a") -eq 0 ]] || fail "namespaces of $a left"
[[ $(count_ns "$b") -eq 9 ]] || fail "down $a touched $b"
must vpcemu check "$b"
pass "down of one scenario leaves the other intact and working"
