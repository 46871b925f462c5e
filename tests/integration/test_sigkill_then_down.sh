# `up` killed by SIGKILL at many points, then `down`, leaves zero namespaces, links and
# processes of the scenario (the journal is written before each object is created).
source "$(dirname "$0")/lib.sh"
name=$(uname_for kill)
marker="4242.$$"
python3 "$SOURCE_DIR/scripts/gen-scenario.py" 60 3 --name "$name" --public 5 --run "sleep $marker" \
  > "$WORK/$name.yaml"
register "$name"
links_before=$(ip -o link | wc -l)
procs() { pgrep -f "sleep $marker" | wc -l || true; }

for delay in 0.005 0.02 0.03 0.04 0.05 0.1 0.2 0.4 0.8 1.5; do
  "$VPCEMU" --run-dir "$RUN_DIR" up "$WORK/$name.yaml" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  made=$(count_ns "$name")
  vpcemu down "$name" >/dev/null 2>&1 || fail "down after kill at ${delay}s failed"
  [[ $(count_ns "$name") -eq 0 ]] || fail "namespaces left after kill at ${delay}s + down"
  [[ $(procs) -eq 0 ]] || fail "processes left after kill at ${delay}s + down"
  [[ $(ip -o link | wc -l) -eq $links_before ]] || fail "host links changed after kill at ${delay}s"
  [[ ! -d $RUN_DIR/$name ]] || fail "state left after kill at ${delay}s"
  pass "killed at ${delay}s ($made namespaces existed): down removed everything"
done

# An up killed half-way is cleaned by the next up too.
"$VPCEMU" --run-dir "$RUN_DIR" up "$WORK/$name.yaml" >/dev/null 2>&1 &
pid=$!
sleep 0.05
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
out=$(vpcemu up "$WORK/$name.yaml" 2>&1) || fail "up after a killed up: $out"
[[ $out == *"did not finish"* || $out == *"leftover"* ]] || fail "no word about leftovers: $out"
[[ $(procs) -eq 60 ]] || fail "expected 60 processes, found $(procs)"
vpcemu down "$name" >/dev/null 2>&1
[[ $(procs) -eq 0 && $(count_ns "$name") -eq 0 ]] || fail "leftovers after final down"
pass "an up after a killed up cleans the leftovers first"
