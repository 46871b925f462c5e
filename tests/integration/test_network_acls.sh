# AWS rules 11-15 with real packets (scenarios/sg-vs-nacl.yaml): stateless, ordered by rule
# number with a final deny, default allows / custom denies, only at subnet boundaries, and the
# ephemeral-port trap, then its fix applied to the running scenario.
source "$(dirname "$0")/lib.sh"
name=$(uname_for nacl)
f=$(scenario_copy sg-vs-nacl.yaml "$name")
up "$f"
out=$(vpcemu check "$name") || fail "check: $out"
pass "rules 11-15: $(tail -1 <<<"$out")"
pub=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print({e["name"]: e for e in json.load(sys.stdin)["endpoints"]}["trapped"]["public_ip"])')

# The trap, seen from both ends: the SYN gets in (the server's listener sees a half-open
# connection), the SYN-ACK to the client's ephemeral port never gets out.
vpcemu exec trapped -- python3 -c '
import socket, time; s = socket.socket(); s.bind(("0.0.0.0", 80)); s.listen(8); time.sleep(4)' &
srv=$!
sleep 0.3
mustnt vpcemu exec client -- curl -s -m 2 "http://$pub/"
synrecv=$(in_ns "$name.trapped" ss -Htn state syn-recv sport = :80 | wc -l)
wait $srv || true
(( synrecv >= 1 )) || fail "the SYN should reach trapped (saw $synrecv half-open connections)"
pass "trap: the request reaches the server, the reply to port 32768-60999 is dropped on the way out"

# Stateless (rule 11): the same client port range must be allowed explicitly, also for UDP.
# The fix, applied live: outbound ephemeral ports.
python3 - "$f" <<'PY'
import sys
f = sys.argv[1]
s = open(f).read()
old = """      inbound-80-only:
        ingress:
          - { rule: 100, protocol: tcp, ports: 80, source: 0.0.0.0/0, action: allow }
        egress:
          - { rule: 100, protocol: tcp, ports: 80, destination: 0.0.0.0/0, action: allow }
"""
new = old + "          - { rule: 110, protocol: tcp, ports: 32768-60999, destination: 0.0.0.0/0, action: allow }\n"
assert old in s
open(f, "w").write(s.replace(old, new))
PY
out=$(vpcemu up "$f" 2>&1) || fail "live NACL change: $out"
vpcemu exec trapped -- python3 -c '
import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 80)); s.listen(1); s.settimeout(5); c, _ = s.accept(); c.sendall(b"fixed")' &
srv=$!
sleep 0.3
got=$(vpcemu exec client -- python3 -c '
import socket; s = socket.create_connection(("'"$pub"'", 80), 3); print(s.recv(16).decode())') || true
wait $srv || true
[[ $got == fixed ]] || fail "after allowing 32768-60999 outbound the client still cannot connect"
pass "fix: allowing outbound 32768-60999 (Linux's ephemeral range) lets responses out"

# Ordered evaluation (rule 12) seen in the compiled set: the /32 deny is a hole in the allow.
set_text=$(in_ns "$name.vpc.lab" nft list set inet vpcemu nacl-ordered-in)
[[ $set_text == *"tcp . 10.0.0.0-10.0.5.65 . 22"* && $set_text == *"tcp . 10.0.5.67-10.0.255.255 . 22"* ]] ||
  fail "rule 100's deny is not carved out of rule 300: $set_text"
pass "rule 12: rule 100's deny is carved out of the later allows"
