# Rootless (issue 13): an ordinary user made by this test runs labs with `vpcemu --rootless`:
# up, check, exec, status and down of basic-vpc; `test` of every lab (and client VPN over
# WireGuard too), which runs every daemon vpcemu has; five identical scenarios up at once and checked in parallel. Nothing
# appears in the host's /run/netns, the host's links, routes and rules do not change, and no
# process of the user is left once its last scenario is down.
source "$(dirname "$0")/lib.sh"
command -v useradd >/dev/null || { echo "SKIPPED: no useradd"; exit 77; }
user=vpcrl$$
useradd -M -s /bin/bash "$user" || fail "useradd"
udir=$(mktemp -d /tmp/vpcemu-rootless.XXXXXX)
chmod 755 "$udir"
trap 'rc=$?; pkill_user; userdel "$user" 2>/dev/null; rm -rf "$udir" "/tmp/vpcemu-$uid"; (exit $rc); cleanup' EXIT
uid=$(id -u "$user")
pkill_user() {  # the test user's processes only, by pid
  local p; for p in $(ps -u "$user" -o pid= 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
}
if ! su "$user" -c "unshare --user --map-root-user --net true" 2>/dev/null; then
  echo "SKIPPED: an ordinary user cannot create user namespaces here"; exit 77
fi
cp "$VPCEMU" "$udir/vpcemu"
cp "$SOURCE_DIR"/scenarios/*.yaml "$udir/"
sed -e 's/    transport: openvpn/    transport: wireguard/' -e 's/^name: .*/name: client-vpn-wg/' \
  "$udir/client-vpn.yaml" > "$udir/client-vpn-wg.yaml"
chmod -R a+rX "$udir"
# Processes of the user that still run (an ended supervisor can stay a zombie until the host's
# init reaps it).
user_procs() { ps -u "$user" -o pid=,stat=,cmd= 2>/dev/null | awk '$2 !~ /^Z/' || true; }
as_user() { su "$user" -s /bin/bash -c "cd $udir && $*"; }
snapshot() { ip -o link | sed -E 's/ qlen [0-9]+//'; ip route show table all; ip rule; ls /run/netns 2>/dev/null || true; }
snapshot > "$WORK/before"

out=$(as_user ./vpcemu --rootless up basic-vpc.yaml 2>&1) || fail "rootless up: $out"
[[ $out == *"scenario basic-vpc is up"* ]] || fail "rootless up: $out"
out=$(as_user ./vpcemu --rootless check basic-vpc 2>&1) || fail "rootless check: $out"
[[ $(tail -1 <<<"$out") == "10 passed, 0 failed" ]] || fail "rootless check: $out"
page=$(as_user ./vpcemu --rootless exec client -- curl -s -m 3 http://203.0.113.1/) || fail "rootless exec"
[[ $page == *"Directory listing"* ]] || fail "the page: $page"
who=$(as_user ./vpcemu --rootless exec web-1 -- id -u) || fail "exec id"
[[ $who == 0 ]] || fail "inside, the user should be its sandbox's root: $who"
# capture runs while other verbs come and go in the same sandbox.
as_user "timeout 10 ./vpcemu --rootless capture basic-vpc web-1 -c 1 -- icmp" > "$WORK/rcap" 2>&1 &
cpid=$!
for _ in $(seq 100); do grep -q "listening on" "$WORK/rcap" && break; sleep 0.05; done
as_user ./vpcemu --rootless exec client -- ping -c1 -W1 203.0.113.1 >/dev/null 2>&1 || true
wait $cpid || true
grep -q "198.51.100.20 > 10.0.1.10: ICMP echo request" "$WORK/rcap" || fail "rootless capture: $(cat "$WORK/rcap")"
out=$(as_user ./vpcemu --rootless status basic-vpc 2>&1) || fail "rootless status: $out"
[[ $out == *"up (9/9 namespaces)"* ]] || fail "rootless status: $out"
[[ -z $(ls /run/netns 2>/dev/null | grep basic-vpc) ]] || fail "basic-vpc's namespaces appeared in the host's /run/netns"
pass "rootless: up, check (10 of 10), exec (curl to the public address; root inside), capture at web-1's ENI during another exec, status; nothing in /run/netns"
# Flow logs: the collector binds NFLOG in the sandbox's router namespace.
sed -e 's/^name: .*/name: flrl/' -e 's/^vpcs:/time_scale: 0.05\nvpcs:/' \
  -e 's/^    internet_gateway: true/    internet_gateway: true\n    flow_logs: { aggregation_interval: 60 }/' \
  "$udir/basic-vpc.yaml" > "$WORK/flrl.yaml"
cp "$WORK/flrl.yaml" "$udir/flrl.yml" && chmod a+r "$udir/flrl.yml"
out=$(as_user ./vpcemu --rootless up -q flrl.yml 2>&1) || fail "rootless up with flow logs: $out"
as_user ./vpcemu --rootless exec -s flrl client -- curl -s -o /dev/null -m 3 http://203.0.113.1/ || fail "rootless curl"
sleep 4.5
out=$(as_user ./vpcemu --rootless flowlogs flrl 2>&1) || fail "rootless flowlogs: $out"
grep -q " 198.51.100.20 10.0.1.10 [0-9]* 80 6 [0-9]* [0-9]* [0-9]* [0-9]* ACCEPT OK$" <<<"$out" || fail "rootless flow logs: $out"
as_user ./vpcemu --rootless down -q flrl >/dev/null 2>&1 || fail "rootless down flrl"
pass "rootless flow logs: the records of a request to web-1"
out=$(as_user ./vpcemu --rootless down basic-vpc 2>&1) || fail "rootless down: $out"
sleep 0.5
[[ -z $(user_procs) ]] || fail "processes of $user left after down: $(user_procs)"
pass "rootless down: no process of the user is left (the supervisor ended with the last scenario)"

t0=$(date +%s%N)
labs=$(cd "$udir" && ls *.yaml)
n=$(wc -w <<<"$labs")
out=$(as_user ./vpcemu --rootless test -q $labs 2>&1) || fail "rootless labs: $(grep -v '^  PASS' <<<"$out")"
[[ $out == *"$n scenarios: $n passed, 0 failed"* ]] || fail "rootless labs: $out"
pass "rootless test: all $n labs pass, with every daemon: dnsmasq, unbound and tayga (ipv6), charon and bird (site-to-site VPN, Direct Connect), OpenVPN and wireguard-go (client VPN), the gateway load balancer ($(( ($(date +%s%N) - t0) / 1000000 )) ms)"

# Five identical scenarios in one user's sandbox, up at once and checked in parallel.
for i in 1 2 3 4 5; do sed "s/^name: .*/name: par$i/" "$udir/basic-vpc.yaml" > "$udir/par$i.yaml"; done
chmod a+r "$udir"/par*.yaml
for i in 1 2 3 4 5; do (as_user ./vpcemu --rootless up -q par$i.yaml > "$WORK/up$i" 2>&1; echo $? > "$WORK/uprc$i") & done
wait
for i in 1 2 3 4 5; do [[ $(cat "$WORK/uprc$i") == 0 ]] || fail "rootless up par$i: $(cat "$WORK/up$i")"; done
for i in 1 2 3 4 5; do (as_user ./vpcemu --rootless check par$i > "$WORK/check$i" 2>&1; echo $? > "$WORK/rc$i") & done
wait
for i in 1 2 3 4 5; do
  [[ $(cat "$WORK/rc$i") == 0 && $(tail -1 "$WORK/check$i") == "10 passed, 0 failed" ]] || fail "rootless check par$i: $(cat "$WORK/check$i")"
done
for i in 1 2 3 4 5; do as_user ./vpcemu --rootless down -q par$i >/dev/null 2>&1 || fail "down par$i"; done
pass "rootless: five identical scenarios up at once, checked in parallel (5 x 10 pass), down"

# A user without subordinate ids: only root is mapped in the sandbox (no newuidmap), and the
# labs still pass (dnsmasq keeps its group instead of calling setgroups, which is refused there).
user2=vpcrm$$
useradd -M -s /bin/bash "$user2" || fail "useradd $user2"
sed -i "/^$user2:/d" /etc/subuid /etc/subgid
out=$(su "$user2" -s /bin/bash -c "cd $udir && ./vpcemu --rootless test -q basic-vpc.yaml site-to-site-vpn.yaml ipv6.yaml client-vpn.yaml" 2>&1) || {
  userdel "$user2"; fail "rootless without subordinate ids: $(grep -v '^  PASS' <<<"$out")"; }
uid2=$(id -u "$user2")
userdel "$user2"; rm -rf "/tmp/vpcemu-$uid2"
[[ $out == *"4 scenarios: 4 passed, 0 failed"* ]] || fail "rootless without subordinate ids: $out"
pass "a user without subordinate ids (root alone mapped): basic-vpc, site-to-site-vpn, ipv6 (unbound, tayga) and client-vpn pass"

sleep 0.5
[[ -z $(user_procs) ]] || fail "processes of $user left: $(user_procs)"
snapshot > "$WORK/after"
diff "$WORK/before" "$WORK/after" >&2 || fail "the host changed"
pass "the host's links, routes, rules and /run/netns are unchanged; nothing of the user runs"
