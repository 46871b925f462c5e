# VPC Flow Logs (issue 14): records per ENI in AWS's format for what real packets did. An
# accepted UDP flow (packets and bytes as sent, within 10 %), a flow a security group rejects,
# the ephemeral-port trap (the request ACCEPT, the reply REJECT by the NACL), a subnet that
# turns them off, --eni and --format json (against its schema), the file per VPC with its
# header line, a custom format with flow-direction, --follow, and `up --flow-logs` on a lab that
# sets none. time_scale 0.05 makes the 60 s aggregation interval 3 s.
source "$(dirname "$0")/lib.sh"
py=/usr/bin/python3
name=$(uname_for flowlogs)
file=$(scenario_text "$name" <<'YAML'
name: x
time_scale: 0.05
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internet_gateway: true
    flow_logs: { aggregation_interval: 60 }
    subnets:
      public-a: { cidr: 10.0.1.0/24, route_table: public }
      trap:     { cidr: 10.0.3.0/24, route_table: public, network_acl: in80 }
      quiet:    { cidr: 10.0.2.0/24, flow_logs: false }
    route_tables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: internet_gateway }
    network_acls:
      in80:
        ingress:
          - { rule: 100, protocol: tcp, ports: 80, source: 0.0.0.0/0, action: allow }
        egress:
          - { rule: 100, protocol: tcp, ports: 80, destination: 0.0.0.0/0, action: allow }
    security_groups:
      web:
        ingress:
          - { protocol: tcp, ports: 80, source: 0.0.0.0/0 }
          - { protocol: udp, ports: 9999, source: 0.0.0.0/0 }
    instances:
      web-1:   { subnet: public-a, private_ip: 10.0.1.10, elastic_ip: 203.0.113.10, security_groups: [web] }
      trapped: { subnet: trap, private_ip: 10.0.3.10, elastic_ip: 203.0.113.20, security_groups: [web],
                 run: "python3 -m http.server 80 --bind 0.0.0.0" }
      hidden:  { subnet: quiet, private_ip: 10.0.2.10, security_groups: [web] }
internet:
  hosts:
    client: { ip: 198.51.100.20 }
YAML
)
up "$file"
log=$RUN_DIR/$name/flowlogs/prod.log
[[ $(head -1 "$log") == "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status" ]] ||
  fail "the file's header: $(head -1 "$log")"

# 50 datagrams of 1000 bytes to web-1 (28 bytes of IP and UDP header each); a SYN to port 22,
# which web's group drops; the trapped web server's reply, which its NACL drops; web-1 to hidden.
vpcemu exec client -- python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(50): s.sendto(b'x' * 1000, ('203.0.113.10', 9999))
t = socket.socket(); t.settimeout(1); t.connect_ex(('203.0.113.10', 22))
u = socket.socket(); u.settimeout(2); u.connect_ex(('203.0.113.20', 80))
"
vpcemu exec web-1 -- python3 -c "
import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'y' * 100, ('10.0.2.10', 9999))"
sleep 5  # the 3 s window ends, then it is written
vpcemu flowlogs "$name" --format json > "$WORK/all.json" || fail "flowlogs --format json"
if $py -c 'import jsonschema' 2>/dev/null; then
  $py "$SOURCE_DIR/scripts/check-json-output.py" flowlogs "$WORK/all.json" || fail "flowlogs json does not conform"
fi
web=$($py -c 'import json,sys; print([e["eni_id"] for e in json.load(open(sys.argv[1]))["enis"] if e["name"]=="web-1"][0])' "$RUN_DIR/$name/flowlogs/prod.json")
trapped=$($py -c 'import json,sys; print([e["eni_id"] for e in json.load(open(sys.argv[1]))["enis"] if e["name"]=="trapped"][0])' "$RUN_DIR/$name/flowlogs/prod.json")
$py - "$WORK/all.json" "$web" "$trapped" <<'PY' || fail "records: $(cat "$log")"
import json, sys
recs = json.load(open(sys.argv[1]))["records"]
web, trapped = sys.argv[2], sys.argv[3]
def one(**kw):
    m = [r for r in recs if all(r.get(k) == v for k, v in kw.items())]
    assert m, f"no record with {kw}"
    return m
udp = one(**{"interface-id": web, "srcaddr": "198.51.100.20", "dstaddr": "10.0.1.10",
             "dstport": 9999, "protocol": 17, "action": "ACCEPT"})
packets = sum(r["packets"] for r in udp); size = sum(r["bytes"] for r in udp)
assert packets == 50, packets
assert abs(size - 50 * 1028) <= 0.1 * 50 * 1028, size
one(**{"interface-id": web, "srcaddr": "198.51.100.20", "dstport": 22, "protocol": 6, "action": "REJECT"})
one(**{"interface-id": trapped, "srcaddr": "198.51.100.20", "dstaddr": "10.0.3.10", "dstport": 80, "action": "ACCEPT"})
reply = one(**{"interface-id": trapped, "srcaddr": "10.0.3.10", "srcport": 80, "dstaddr": "198.51.100.20", "action": "REJECT"})
assert all(32768 <= r["dstport"] <= 60999 for r in reply), reply
one(**{"interface-id": web, "srcaddr": "10.0.1.10", "dstaddr": "10.0.2.10", "dstport": 9999, "action": "ACCEPT"})
ids = {r["interface-id"] for r in recs}
assert ids <= {web, trapped}, f"a record of an ENI whose subnet turns flow logs off: {ids}"
for r in recs:
    assert r["version"] == 2 and r["account-id"] == "111122223333" and r["log-status"] == "OK" and r["vpc"] == "prod", r
    assert r["start"] <= r["end"], r
PY
pass "UDP 50 packets / $((50 * 1028)) bytes ACCEPT, tcp/22 REJECT (group), the trap's reply REJECT (NACL), nothing from a subnet with flow_logs: false"

vpcemu flowlogs "$name" --eni web-1 > "$WORK/web.txt"
[[ $(head -1 "$WORK/web.txt") == version* ]] || fail "--eni: no header"
[[ $(tail -n +2 "$WORK/web.txt" | awk '{print $3}' | sort -u) == "$web" ]] || fail "--eni web-1: $(cat "$WORK/web.txt")"
rc=0; vpcemu flowlogs "$name" --eni hidden > /dev/null 2> "$WORK/err" || rc=$?
[[ $rc -eq 2 ]] && grep -q "no ENI 'hidden' has flow logs" "$WORK/err" || fail "--eni hidden: exit $rc $(cat "$WORK/err")"
diff <(tail -n +2 "$log" | sort) <(vpcemu flowlogs "$name" | tail -n +2 | sort) >/dev/null || fail "flowlogs is not the file"
pass "--eni selects one ENI's records (by name), a subnet with flow logs off has none, text is the file"

# --follow prints records as their windows end.
vpcemu flowlogs "$name" --follow > "$WORK/follow" 2>&1 &
follow=$!
sleep 0.5
vpcemu exec client -- python3 -c "
import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'z' * 300, ('203.0.113.10', 9999))"
sleep 5
kill "$follow"; wait "$follow" 2>/dev/null || true
grep -q " 198.51.100.20 10.0.1.10 [0-9]* 9999 17 1 328 " "$WORK/follow" || fail "--follow: $(tail -5 "$WORK/follow")"
pass "--follow prints a record once its window ends"
[[ -s $log ]] || fail "no file"

# A live change: an instance added to the running scenario logs at once.
sed -i 's/^      hidden:/      late-1:  { subnet: public-a, private_ip: 10.0.1.20, elastic_ip: 203.0.113.30, security_groups: [web] }\n      hidden:/' "$file"
out=$(vpcemu up "$file" 2>&1) || fail "live up: $out"
vpcemu exec client -- python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(3): s.sendto(b'l' * 100, ('203.0.113.30', 9999))"
sleep 5
vpcemu flowlogs "$name" --eni late-1 > "$WORK/late.txt"
grep -q " 198.51.100.20 10.0.1.20 [0-9]* 9999 17 3 384 " "$WORK/late.txt" || fail "a live-added ENI: $(cat "$WORK/late.txt")"
pass "an instance added live logs its first packets (3 datagrams, 384 bytes)"

# A custom format: version 5 with flow-direction; and up --flow-logs on a lab without any.
vpcemu down "$name" >/dev/null 2>&1
name2=$(uname_for flowlogs2)
file2=$(scenario_copy basic-vpc.yaml "$name2")
sed -i 's/^vpcs:/time_scale: 0.05\nvpcs:/' "$file2"
rc=0; out=$(vpcemu up --flow-logs "$file2" 2>&1) || fail "up --flow-logs: $out"
vpcemu exec client -- curl -s -o /dev/null http://203.0.113.1/ || fail "curl"
sleep 32  # 600 s scaled by 0.05: a 30 s window
vpcemu flowlogs "$name2" > "$WORK/b.txt"
grep -q " 198.51.100.20 10.0.1.10 [0-9]* 80 6 [0-9]* [0-9]* [0-9]* [0-9]* ACCEPT OK$" "$WORK/b.txt" ||
  fail "up --flow-logs: $(cat "$WORK/b.txt")"
pass "up --flow-logs: records of a lab that sets none (600 s scaled to 30 s)"
sed -i 's/^    internet_gateway: true/    internet_gateway: true\n    flow_logs: { aggregation_interval: 60, format: "${version} ${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${action} ${flow-direction}" }/' "$file2"
vpcemu down "$name2" >/dev/null 2>&1
up "$file2"
vpcemu exec client -- curl -s -o /dev/null http://203.0.113.1/ || fail "curl"
sleep 5
vpcemu flowlogs "$name2" > "$WORK/c.txt"
[[ $(head -1 "$WORK/c.txt") == "version interface-id srcaddr dstaddr dstport action flow-direction" ]] || fail "custom header: $(head -1 "$WORK/c.txt")"
grep -q "^5 eni-[0-9a-f]* 198.51.100.20 10.0.1.10 80 ACCEPT ingress$" "$WORK/c.txt" || fail "custom: $(cat "$WORK/c.txt")"
grep -q "^5 eni-[0-9a-f]* 10.0.1.10 198.51.100.20 [0-9]* ACCEPT egress$" "$WORK/c.txt" || fail "custom: $(cat "$WORK/c.txt")"
pass "a custom format: version 5 records with flow-direction, ingress and egress"
