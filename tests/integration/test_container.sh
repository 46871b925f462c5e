# The container image (issue 13): containers/build.sh builds it with the engine this machine
# has; `vpcemu test` runs two labs inside it --privileged and with the smallest set of
# capabilities that works, a failing scenario from a mounted directory exits 1 with its JUnit
# failure, a long-lived `vpcemu serve` lab is entered with exec and taken down by `stop`; and
# the host's interfaces, addresses, routes, rules, nft ruleset, sysctls and /run/netns are the
# same before and after. SKIP_CONTAINER_BUILD=1 uses an image already built.
source "$(dirname "$0")/lib.sh"
source "$SOURCE_DIR/containers/engine.sh"
[[ -n $engine ]] || { echo "SKIPPED: no container engine (apt-get install podman runc)"; exit 77; }

snapshot() {
  ip -o link | sed -E 's/ qlen [0-9]+//'; ip -o addr; ip route show table all; ip -6 route show table all
  ip rule; ip -6 rule; nft list ruleset
  sysctl net.ipv4.ip_forward net.ipv6.conf.all.forwarding net.ipv6.conf.all.disable_ipv6 \
    net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter net.ipv4.conf.all.proxy_arp \
    net.ipv4.conf.all.send_redirects net.ipv4.ip_nonlocal_bind net.ipv4.ping_group_range
  ls /run/netns 2>/dev/null || true
}
snapshot > "$WORK/before"

tag=vpcemu-it
if [[ -z ${SKIP_CONTAINER_BUILD:-} ]]; then
  t0=$(date +%s)
  TAG=$tag "$SOURCE_DIR/containers/build.sh" > "$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; fail "containers/build.sh"; }
  pass "containers/build.sh built the image with $engine in $(( $(date +%s) - t0 )) s"
else
  tag=${TAG:-vpcemu}
fi
run=("$engine" "${engine_flags[@]}" run --rm --network none "${limits[@]}")
minimal=(--cap-add NET_ADMIN,SYS_ADMIN,NET_RAW,SYS_PTRACE --device /dev/net/tun)
labs=(/usr/share/vpcemu/scenarios/basic-vpc.yaml /usr/share/vpcemu/scenarios/site-to-site-vpn.yaml)

out=$("${run[@]}" --privileged "$tag" test -q "${labs[@]}" 2>&1) || fail "--privileged: $out"
[[ $out == *"2 scenarios: 2 passed, 0 failed"* ]] || fail "--privileged: $out"
pass "--privileged: vpcemu test passes basic-vpc and site-to-site-vpn ($(grep -c '^  PASS' <<<"$out") expectations)"

out=$("${run[@]}" "${minimal[@]}" "$tag" test -q "${labs[@]}" 2>&1) || fail "minimal capabilities: $out"
[[ $out == *"2 scenarios: 2 passed, 0 failed"* ]] || fail "minimal capabilities: $out"
pass "with only ${minimal[*]}: the same two labs pass"

# Without NET_RAW the probes' pings cannot be sent: that capability is needed, and named.
rc=0; out=$("${run[@]}" --cap-add NET_ADMIN,SYS_ADMIN,SYS_PTRACE --device /dev/net/tun "$tag" test -q "${labs[0]}" 2>&1) || rc=$?
[[ $rc == 1 && $out == *"raw socket: Operation not permitted"* ]] || fail "without NET_RAW: exit $rc: $out"
pass "without NET_RAW the ICMP probes fail and say why (exit 1)"

# A failing scenario from the user's directory, with a JUnit report written back there.
mkdir -p "$WORK/mine" && chmod 777 "$WORK/mine"
sed -e 's/ports: 80, source/ports: 8080, source/' -e 's/^name: .*/name: my-bug/' \
  "$SOURCE_DIR/scenarios/basic-vpc.yaml" > "$WORK/mine/my-bug.yaml"
rc=0; out=$("${run[@]}" --privileged -v "$WORK/mine:/scenarios" "$tag" test --junit /scenarios/report.xml /scenarios/my-bug.yaml 2>&1) || rc=$?
[[ $rc == 1 ]] || fail "a failing scenario: exit $rc, not 1: $out"
grep -q '<failure type="expectation" message="expected allow, observed deny' "$WORK/mine/report.xml" ||
  fail "no JUnit failure: $(cat "$WORK/mine/report.xml" 2>/dev/null)"
pass "a failing scenario in a mounted directory: exit 1, its JUnit report (with the failure) written there"

# A long-lived lab: serve, exec into it, stop takes every scenario down.
name=vpcemu-it-lab-$$
"$engine" "${engine_flags[@]}" run -d --name "$name" --network none "${limits[@]}" --privileged "$tag" serve >/dev/null ||
  fail "serve did not start"
trap 'rc=$?; "$engine" "${engine_flags[@]}" rm -f "$name" >/dev/null 2>&1; (exit $rc); cleanup' EXIT
x() { "$engine" "${engine_flags[@]}" exec "$name" "$@"; }
out=$(x vpcemu up -q "${labs[0]}" 2>&1) || fail "exec up: $out"
page=$(x vpcemu exec client -- curl -s -m 3 http://203.0.113.1/) || fail "curl in the lab"
[[ $page == *"Directory listing"* ]] || fail "the web page: $page"
"$engine" "${engine_flags[@]}" stop -t 20 "$name" >/dev/null
logs=$("$engine" "${engine_flags[@]}" logs "$name" 2>&1)
"$engine" "${engine_flags[@]}" rm -f "$name" >/dev/null
[[ $logs == *"taking every scenario down"* && $logs == *"scenario basic-vpc is down"* ]] || fail "stop: $logs"
pass "serve: up and exec from outside the container, 'stop' takes basic-vpc down"

snapshot > "$WORK/after"
diff "$WORK/before" "$WORK/after" >&2 || fail "the host changed"
pass "the host's interfaces, addresses, routes, rules, nft ruleset, sysctls and /run/netns are unchanged"
