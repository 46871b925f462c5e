# Gateway Load Balancer (scenarios/inspection-vpc.yaml): traffic to and from the internet
# passes an appliance; what the appliances receive is GENEVE on UDP 6081 from the load
# balancer's node with AWS's three options; each flow sticks to one appliance; a flow an
# appliance drops is dropped end to end; an appliance that fails its health check gets no new
# flows, and comes back when it passes again.
source "$(dirname "$0")/lib.sh"
name=$(uname_for gwlb)
f=$(scenario_copy inspection-vpc.yaml "$name")
# Health checks every 0.5 s instead of 5 s (time_scale scales every AWS timer).
sed -i 's/^name: .*/&\ntime_scale: 0.1/' "$f"
up "$f"
state=$RUN_DIR/$name/gwlb/inspect.state
log=$RUN_DIR/$name/logs/gwlb-inspect.log
passed() { in_ns "$name.$1" nft list counter inet fw passed | grep -o 'packets [0-9]*' | awk '{print $2}'; }
p1=$(passed fw-1); p2=$(passed fw-2)
out=$(vpcemu check "$name") || fail "check: $out"
pass "internet ↔ web-1 through the appliances; telnet dropped by them: $(tail -1 <<<"$out")"
q1=$(passed fw-1); q2=$(passed fw-2)
(( q1 + q2 > p1 + p2 )) || fail "the appliances' counters did not rise ($p1+$p2 → $q1+$q2)"
pass "the appliances passed $((q1 + q2 - p1 - p2)) packets"

# On an appliance's ENI: GENEVE, UDP 6081, from the node, with class 0x0108 types 1, 2, 3.
node=$(python3 -c "import json; print(json.load(open('$RUN_DIR/$name/gwlb/inspect.json'))['address'])")
pub=$(vpcemu status "$name" --format json | python3 -c '
import json, sys
print([e["public_ip"] for e in json.load(sys.stdin)["endpoints"] if e["name"] == "web-1"][0])')
for fw in fw-1 fw-2; do
  in_ns "$name.$fw" timeout 6 tcpdump -nni eth0 -c 1 -w "$WORK/$fw.pcap" udp dst port 6081 2>/dev/null &
done
sleep 0.5
for i in $(seq 8); do
  in_ns "$name.client" curl -s -o /dev/null -m 2 "http://$pub/" || true
done
wait
python3 - "$node" "$WORK"/fw-*.pcap <<'PY' || fail "GENEVE on the appliances' ENIs is not AWS's"
import struct, sys
node = sys.argv[1]
seen = 0
for path in sys.argv[2:]:
    data = open(path, "rb").read()
    if len(data) <= 24:
        continue
    pkt = data[24 + 16:]
    ip = pkt[14:]
    src = ".".join(str(b) for b in ip[12:16])
    ihl = (ip[0] & 15) * 4
    udp = ip[ihl:]
    assert struct.unpack("!H", udp[2:4])[0] == 6081, "not to port 6081"
    assert src == node, f"from {src}, not the load balancer's node {node}"
    g = udp[8:]
    assert g[0] >> 6 == 0 and struct.unpack("!H", g[2:4])[0] == 0x0800, "not GENEVE over IPv4"
    opts, at, types = g[8:8 + (g[0] & 63) * 4], 0, set()
    while at + 4 <= len(opts):
        cls, typ, words = struct.unpack("!HBB", opts[at:at + 4])
        if cls == 0x0108:
            types.add(typ)
        at += 4 + (words & 31) * 4
    assert types == {1, 2, 3}, f"AWS options {types}"
    seen += 1
assert seen >= 1, "no GENEVE captured"
print(f"ok: {seen} GENEVE packets from {node} with AWS's options 1, 2, 3")
PY
pass "the appliances receive GENEVE from the node $node with the endpoint, attachment and cookie options"

# Flows stick: every flow is in exactly one appliance's log, and both appliances get some.
for i in $(seq 20); do
  in_ns "$name.client" curl -s -o /dev/null -m 2 "http://$pub/" || fail "request $i through the load balancer failed"
done
python3 - "$RUN_DIR/$name/logs/fw-1.log" "$RUN_DIR/$name/logs/fw-2.log" <<'PY' || fail "flows did not stick to one appliance"
import re, sys
flows = [set(re.findall(r"^flow (\S+ \S+ <-> \S+)", open(p).read(), re.M)) for p in sys.argv[1:]]
both = flows[0] & flows[1]
assert not both, f"flows seen by both appliances: {both}"
assert flows[0] and flows[1], f"one appliance got every flow: {len(flows[0])} / {len(flows[1])}"
print(f"flows: fw-1 {len(flows[0])}, fw-2 {len(flows[1])}, none on both")
PY
pass "20 requests: each flow on one appliance, both appliances used"

# An appliance fails its health check (its port 80 closed by its own firewall): after the
# unhealthy threshold it gets no new flows; open again, it is healthy again.
health() { python3 -c "import json; print({t['name']: t['health'] for t in json.load(open('$state'))['targets']}['$1'])"; }
in_ns "$name.fw-1" nft add chain inet fw input '{ type filter hook input priority filter; policy accept; }'
in_ns "$name.fw-1" nft add rule inet fw input tcp dport 80 drop
for _ in $(seq 60); do [[ $(health fw-1) == unhealthy ]] && break; sleep 0.1; done
[[ $(health fw-1) == unhealthy ]] || fail "fw-1 still $(health fw-1) with its health port closed"
grep -q "target fw-1 .*: unhealthy" "$log" || fail "the load balancer's log does not say fw-1 is unhealthy"
st=$(vpcemu status "$name")
[[ $st == *"targets: fw-1 unhealthy"*"fw-2 healthy"* ]] || fail "status does not show fw-1 unhealthy: $st"
before=$(grep -c "→ target fw-1" "$log" || true)
for i in $(seq 12); do
  in_ns "$name.client" curl -s -o /dev/null -m 2 "http://$pub/" || fail "request $i with fw-1 unhealthy failed"
done
after=$(grep -c "→ target fw-1" "$log" || true)
(( after == before )) || fail "fw-1 got $((after - before)) new flows while unhealthy"
pass "fw-1 unhealthy: 12 new flows all went to fw-2"
in_ns "$name.fw-1" nft flush chain inet fw input
for _ in $(seq 60); do [[ $(health fw-1) == healthy ]] && break; sleep 0.1; done
[[ $(health fw-1) == healthy ]] || fail "fw-1 did not recover: $(health fw-1)"
pass "fw-1 healthy again after its health checks pass"

# Between two VPCs (tests/integration/scenarios/gwlb-east-west.yaml): the hub sends spoke
# traffic to an inspection VPC, whose endpoint hands it to the appliance and back to the hub.
ew=$(uname_for gwew)
g=$(scenario_copy "$SOURCE_DIR/tests/integration/scenarios/gwlb-east-west.yaml" "$ew")
up "$g"
before=$(in_ns "$ew.fw-1" nft list counter inet fw passed | grep -o 'packets [0-9]*' | awk '{print $2}')
out=$(vpcemu check "$ew") || fail "east-west check: $out"
after=$(in_ns "$ew.fw-1" nft list counter inet fw passed | grep -o 'packets [0-9]*' | awk '{print $2}')
(( after > before )) || fail "the appliance passed nothing between the VPCs ($before → $after)"
grep -q "flow tcp 10.1.1.4:[0-9]* <-> 10.2.1.4:5432 from gwlbe" "$RUN_DIR/$ew/logs/gwlb-inspect.log" ||
  fail "the load balancer did not carry a → b: $(cat "$RUN_DIR/$ew/logs/gwlb-inspect.log")"
pass "VPC a ↔ VPC b through the hub and the inspection VPC's appliance: $(tail -1 <<<"$out")"
