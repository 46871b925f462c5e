# trace against real packets (issue 14): a seeded sample of random scenarios (VPCs, subnets,
# route tables, internet and NAT gateways, peerings with group references, a transit gateway,
# blackholes, gateway endpoints, security groups, network ACLs with ordered allow and deny, IPv4
# and IPv6) and random probes; every probe's static verdict must be the packets'. The same
# comparison on ingress-routing finds its one difference, the firewall's own nftables, which
# trace names (so a disagreement is seen when there is one).
source "$(dirname "$0")/lib.sh"
py=/usr/bin/python3
out=$WORK/differential
rc=0
$py "$SOURCE_DIR/scripts/differential.py" --seed 20261203 --scenarios 10 --probes 30 \
  --vpcemu "$VPCEMU" --out "$out" >"$WORK/d.out" 2>&1 || rc=$?
[[ $rc -eq 0 ]] || fail "trace and the packets differ (exit $rc): $(tail -20 "$WORK/d.out")"
summary=$(tail -1 "$WORK/d.out")
[[ $summary == "10 scenarios, 300 probes"*"300 agree, 0 disagree"* ]] || fail "summary: $summary"
allowed=$(sed -E 's/.*allowed ([0-9]+) and denied ([0-9]+)/\1/' <<<"$summary")
[[ $allowed -ge 30 && $allowed -le 270 ]] || fail "a sample of one verdict only: $summary"
pass "seeded sample: $summary"

rc=0
$py "$SOURCE_DIR/scripts/differential.py" --file "$SOURCE_DIR/scenarios/ingress-routing.yaml" \
  --vpcemu "$VPCEMU" --out "$out" >"$WORK/f.out" 2>&1 || rc=$?
[[ $rc -eq 1 ]] || fail "ingress-routing: exit $rc: $(cat "$WORK/f.out")"
grep -q "DISAGREE .*line 59: client -> web-1 tcp 23: packets deny, trace allow (through fw-1)" "$WORK/f.out" ||
  fail "ingress-routing: $(cat "$WORK/f.out")"
pass "a difference is reported: ingress-routing's tcp/23, which fw-1's own nftables drop"
