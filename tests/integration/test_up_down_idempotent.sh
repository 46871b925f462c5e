# A second up of the unchanged scenario changes nothing and says so; down twice is harmless.
source "$(dirname "$0")/lib.sh"
name=$(uname_for idem)
f=$(scenario_copy basic-vpc.yaml "$name")
up "$f"
ino1=$(stat -c %i "/run/netns/$name.web-1")
pid1=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["processes"][0]["pid"])')
out=$(vpcemu up "$f" 2>&1)
[[ $out == *"unchanged; nothing to do"* ]] || fail "second up: $out"
ino2=$(stat -c %i "/run/netns/$name.web-1")
pid2=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["processes"][0]["pid"])')
[[ $ino1 == "$ino2" && $pid1 == "$pid2" ]] || fail "second up rebuilt something"
pass "second up is a no-op (same namespaces, same process)"

# A change that cannot be applied live (an instance's address) is refused, listing what it
# would have to remove, and nothing is touched.
cp "$f" "$WORK/orig.yaml"
sed -i 's/private_ip: 10.0.1.10/private_ip: 10.0.1.11/' "$f"
out=$(vpcemu up "$f" 2>&1 || true)
[[ $out == *"cannot be applied live"*"10.0.1.10"* ]] || fail "changed up: $out"
[[ $(stat -c %i "/run/netns/$name.web-1") == "$ino1" ]] || fail "changed up touched the scenario"
[[ $(in_ns "$name.web-1" ip -4 -o addr show dev eth0) == *"10.0.1.10/24"* ]] || fail "address changed"
cp "$WORK/orig.yaml" "$f"
pass "a change that cannot be applied live is refused with what it would remove"

vpcemu down "$name" 2>/dev/null
[[ $(count_ns "$name") -eq 0 ]] || fail "namespaces left after down"
[[ -d /proc/$pid1 && $(awk '{print $3}' /proc/$pid1/stat 2>/dev/null) != Z ]] && fail "process $pid1 survived down"
out=$(vpcemu down "$name" 2>&1)
[[ $out == *"nothing to remove"* ]] || fail "second down: $out"
[[ ! -d $RUN_DIR/$name ]] || fail "state directory left"
pass "down removes everything; a second down is harmless"
