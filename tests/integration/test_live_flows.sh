# AWS rule 8: removing a security-group rule does not cut a connection that is already tracked
# (new ones fail), while a NACL change cuts it. Real TCP connections held open across
# `vpcemu up` of a changed file.
source "$(dirname "$0")/lib.sh"
name=$(uname_for flows)
yaml=$(cat <<'YAML'
name: x
vpcs:
  v:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      pub: { cidr: 10.0.1.0/24, route_table: rt }
    route_tables:
      rt: { routes: [ { destination: 0.0.0.0/0, target: internet_gateway } ] }
    security_groups:
      echo:
        ingress:
          - { protocol: tcp, ports: 7000, source: 0.0.0.0/0 }
    instances:
      srv:
        subnet: pub
        public_ip: true
        security_groups: [echo]
        run:
          - python3
          - -c
          - |
            import socket, threading
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("0.0.0.0", 7000)); s.listen(16)
            def serve(c):
                while (d := c.recv(64)):
                    c.sendall(d)
            while True:
                c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
internet:
  hosts:
    client: { ip: 198.51.100.20 }
YAML
)
f=$(scenario_text "$name" <<<"$yaml")
up "$f"
pub=$(vpcemu status "$name" --format json |
      python3 -c 'import json,sys; print({e["name"]: e for e in json.load(sys.stdin)["endpoints"]}["srv"]["public_ip"])')

# A client that keeps one connection open and echoes a message each time a step file appears.
cat > "$WORK/client.py" <<PY
import os, socket, time, sys
s = socket.create_connection(("$pub", 7000), 3)
s.settimeout(2)
for step in ("0", "1", "2"):
    while not os.path.exists("$WORK/go" + step):
        time.sleep(0.02)
    try:
        s.sendall(b"ping" + step.encode())
        ok = s.recv(64) == b"ping" + step.encode()
    except OSError:
        ok = False
    open("$WORK/res" + step, "w").write("alive" if ok else "dead")
PY
vpcemu exec client -- python3 "$WORK/client.py" &
cli=$!
step() { touch "$WORK/go$1"; for _ in $(seq 100); do [[ -f $WORK/res$1 ]] && break; sleep 0.05; done; cat "$WORK/res$1"; }
[[ $(step 0) == alive ]] || fail "the connection does not work to begin with"

# Remove the only ingress rule: the tracked connection lives on, a new one fails.
sed -i 's/          - { protocol: tcp, ports: 7000, source: 0.0.0.0\/0 }/          - { protocol: tcp, ports: 7001, source: 0.0.0.0\/0 }/' "$f"
vpcemu up "$f" >/dev/null 2>&1 || fail "live SG change failed"
[[ $(step 1) == alive ]] || fail "removing the SG rule cut an established connection"
mustnt vpcemu exec client -- python3 -c "import socket; socket.create_connection(('$pub', 7000), 1.5)"
pass "rule 8: an SG rule removed, the established connection lives on, a new one is refused"

# A NACL that only allows new ports: the established connection's packets now die.
python3 - "$f" <<'PY'
import sys
f = sys.argv[1]
s = open(f).read()
s = s.replace("pub: { cidr: 10.0.1.0/24, route_table: rt }",
              "pub: { cidr: 10.0.1.0/24, route_table: rt, network_acl: strict }")
s = s.replace("    security_groups:\n", """    network_acls:
      strict:
        ingress:
          - { rule: 100, protocol: tcp, ports: 7001, source: 0.0.0.0/0, action: allow }
        egress:
          - { rule: 100, protocol: tcp, ports: 1024-65535, destination: 0.0.0.0/0, action: allow }
    security_groups:
""", 1)
open(f, "w").write(s)
PY
out=$(vpcemu up "$f" 2>&1) || fail "live NACL change failed: $out"
[[ $(step 2) == dead ]] || fail "the NACL change did not cut the established connection"
wait $cli || true
pass "rule 8: a NACL change cuts the established connection"

# Untracked flows: a group that allows all traffic in from 0.0.0.0/0 (and, by default, all out)
# has its flows untracked; removing the rule cuts an open connection at once, as AWS says.
name2=$(uname_for flows2)
f2=$(scenario_text "$name2" <<<"$(sed -e 's/          - { protocol: tcp, ports: 7000, source: 0.0.0.0\/0 }/          - { protocol: all, source: 0.0.0.0\/0 }/' \
                                      -e 's/client: { ip: 198.51.100.20 }/outsider: { ip: 198.51.100.21 }/' <<<"$yaml")")
up "$f2"
[[ $(in_ns "$name2.vpc.v" nft list set inet vpcemu untracked) == *'ipv4 . tcp . "e-srv"'* ]] ||
  fail "srv's TCP flows are not untracked: $(in_ns "$name2.vpc.v" nft list set inet vpcemu untracked)"
pub2=$(vpcemu status "$name2" --format json |
      python3 -c 'import json,sys; print({e["name"]: e for e in json.load(sys.stdin)["endpoints"]}["srv"]["public_ip"])')
rm -f "$WORK"/go* "$WORK"/res*
sed -e "s/\"$pub\"/\"$pub2\"/" "$WORK/client.py" > "$WORK/client2.py"
vpcemu exec outsider -- python3 "$WORK/client2.py" &
cli=$!
[[ $(step 0) == alive ]] || fail "the untracked connection does not work to begin with"
sed -i 's/          - { protocol: all, source: 0.0.0.0\/0 }/          - { protocol: tcp, ports: 7001, source: 0.0.0.0\/0 }/' "$f2"
vpcemu up "$f2" >/dev/null 2>&1 || fail "live SG change failed"
[[ $(step 1) == dead ]] || fail "removing the all-traffic rule did not cut the untracked connection"
touch "$WORK/go2"
wait $cli || true
pass "untracked: with all traffic allowed both ways the flow is untracked, and removing the rule cuts it at once (a tracked one lives on, above)"
