# A second up of the unchanged scenario changes nothing and says so; down twice is harmless.
source "$(dirname "$0")/lib.sh"
name=$(uname_for idem)
f=$(scenario_copy basic-vpc.yaml "$name")
up "$f"
ino1=$(stat -c %i "/run/netns/$name.web-1")
pid1=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["processes"][0]["pid"])')
out=$(vpcemu up "$f" 2>"$WORK/err")
[[ $out == "scenario $name is up and unchanged" ]] || fail "second up: $out"
[[ ! -s $WORK/err ]] || fail "second up wrote to stderr: $(cat "$WORK/err")"
ino2=$(stat -c %i "/run/netns/$name.web-1")
pid2=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["processes"][0]["pid"])')
[[ $ino1 == "$ino2" && $pid1 == "$pid2" ]] || fail "second up rebuilt something"
pass "second up is a no-op (same namespaces, same process)"

# A change that cannot be applied live (an instance's address) is refused, naming the AWS
# resource it changes (and nothing on stdout), and nothing is touched; plan exits 2 for it.
cp "$f" "$WORK/orig.yaml"
sed -i 's/private_ip: 10.0.1.10/private_ip: 10.0.1.11/' "$f"
out=$(vpcemu plan "$f") && fail "plan of a change that cannot be applied live exits 0"
[[ $? -eq 2 && $out == *"~ instance web-1 "*"10.0.1.11"*"(was "*"10.0.1.10"*"# forces rebuild"* ]] ||
  fail "plan of the changed address: $out"
vpcemu up "$f" >"$WORK/out" 2>"$WORK/err" && fail "up of a change that cannot be applied live exits 0"
err=$(cat "$WORK/err")
[[ $err == *"cannot be applied live"*"~ instance web-1"*"was "*"10.0.1.10"*"up --recreate"* ]] ||
  fail "refusal: $err"
[[ $err != *sysctl* ]] || fail "the refusal names kernel objects: $err"
[[ ! -s $WORK/out ]] || fail "a refused up printed a result: $(cat "$WORK/out")"
[[ $(stat -c %i "/run/netns/$name.web-1") == "$ino1" ]] || fail "changed up touched the scenario"
[[ $(in_ns "$name.web-1" ip -4 -o addr show dev eth0) == *"10.0.1.10/24"* ]] || fail "address changed"
pass "a change that cannot be applied live is refused, in AWS's terms; plan exits 2"

# --recreate rebuilds it, saying why first; the result (JSON) names the new address.
vpcemu up --recreate --format json "$f" >"$WORK/out" 2>"$WORK/err" || fail "up --recreate: $(cat "$WORK/err")"
[[ $(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["result"], [i["private_ip"] for i in j["instances"] if i["name"] == "web-1"][0])' "$WORK/out") == "recreated 10.0.1.11" ]] ||
  fail "up --recreate result: $(cat "$WORK/out")"
[[ $(cat "$WORK/err") == *"recreating $name"*"~ instance web-1"* ]] || fail "up --recreate did not say why: $(cat "$WORK/err")"
[[ $(in_ns "$name.web-1" ip -4 -o addr show dev eth0) == *"10.0.1.11/24"* ]] || fail "recreated without the new address"
pid1=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["processes"][0]["pid"])')
cp "$WORK/orig.yaml" "$f"
pass "up --recreate rebuilds what cannot change live, and says so first"

out=$(vpcemu down --quiet "$name" 2>"$WORK/err")
[[ $out == "scenario $name is down ("*" namespaces removed, "*" processes ended)" ]] || fail "down: $out"
[[ ! -s $WORK/err ]] || fail "down --quiet wrote to stderr: $(cat "$WORK/err")"
[[ $(count_ns "$name") -eq 0 ]] || fail "namespaces left after down"
[[ -d /proc/$pid1 && $(awk '{print $3}' /proc/$pid1/stat 2>/dev/null) != Z ]] && fail "process $pid1 survived down"
out=$(vpcemu down "$name" 2>&1)
[[ $out == *"nothing to remove"* ]] || fail "second down: $out"
[[ ! -d $RUN_DIR/$name ]] || fail "state directory left"
pass "down removes everything; a second down is harmless"
