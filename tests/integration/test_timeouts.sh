# AWS's timeouts with real packets, shrunk by time_scale: a TCP connection through a NAT gateway
# idle past 350 s (3.5 s at time_scale 0.01) is gone, and the gateway answers its next packet
# with a reset; a connection used within the timeout lives on. The VPC router's connection
# tracking takes AWS's security-group timeouts (scaled); check says the scale is on.
source "$(dirname "$0")/lib.sh"
name=$(uname_for timeouts)
f=$(scenario_text "$name" <<'YAML'
name: x
time_scale: 0.01
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      public-a:  { cidr: 10.0.1.0/24, route_table: public }
      private-a: { cidr: 10.0.2.0/24, route_table: private }
    route_tables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: internet_gateway }
      private:
        routes:
          - { destination: 0.0.0.0/0, target: nat_gateway/nat-a }
    nat_gateways:
      nat-a: { subnet: public-a }
    instances:
      app-1: { subnet: private-a, private_ip: 10.0.2.10 }
internet:
  hosts:
    api: { ip: 198.51.100.20 }
expect:
  - { from: app-1, to: api, protocol: tcp, port: 443, result: allow }
YAML
)
up "$f"
[[ $(in_ns "$name.nat.prod.nat-a" sysctl -n net.netfilter.nf_conntrack_tcp_timeout_established) == 4 ]] ||
  fail "the NAT gateway's idle timeout is not 350 s x 0.01"
[[ $(in_ns "$name.vpc.prod" sysctl -n net.netfilter.nf_conntrack_udp_timeout_stream) == 2 ]] ||
  fail "the router's UDP stream timeout is not 180 s x 0.01"
out=$(vpcemu check "$name")
[[ $out == *"time_scale 0.01"* ]] || fail "check does not say that time_scale is on: $out"
pass "time_scale 0.01: NAT idle timeout 4 s, UDP stream 2 s; check says so"

vpcemu exec api -- timeout 20 python3 -c '
import socket; s = socket.create_server(("", 7000)); c, _ = s.accept()
while True:
    d = c.recv(100)
    if not d: break
    c.sendall(d)' 2>/dev/null &
srv=$!
sleep 0.3
out=$(vpcemu exec app-1 -- python3 -c '
import socket, time; c = socket.create_connection(("198.51.100.20", 7000), 2); c.settimeout(3)
def echo(x):
    c.sendall(x)
    try: return c.recv(10).decode() or "closed"
    except ConnectionResetError: return "reset"
    except socket.timeout: return "timeout"
print(echo(b"a"))
time.sleep(2); print(echo(b"b"))
time.sleep(6); t = time.time(); print(echo(b"c"), round(time.time() - t, 1))' 2>&1)
kill $srv 2>/dev/null || true
mapfile -t lines <<<"$out"
[[ ${lines[0]} == a && ${lines[1]} == b ]] || fail "the connection did not work before it idled: $out"
[[ ${lines[2]} == "reset "* ]] || fail "a packet after the idle timeout was not answered with a reset: $out"
resets=$(in_ns "$name.nat.prod.nat-a" nft list chain inet vpcemu forward | grep 'reject with tcp reset' | grep -o 'packets [0-9]*' | awk '{print $2}')
(( resets >= 1 )) || fail "the reset did not come from the NAT gateway (its reset rule counted $resets)"
pass "through the NAT gateway: used after 2 s it lives; idle 6 s (> 3.5 s) its next packet gets a reset (${lines[2]#reset } s)"

# An ENI's own connection tracking timeout: idle past it, the flow is new again, and what the
# instance sends first must pass its group's egress rules (none here), as in AWS.
name2=$(uname_for timeouts2)
f2=$(scenario_text "$name2" <<'YAML'
name: x
time_scale: 0.05
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      pub: { cidr: 10.0.1.0/24, route_table: public }
    route_tables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: internet_gateway }
    security_groups:
      in-only:
        ingress:
          - { protocol: tcp, ports: 7000, source: 0.0.0.0/0 }
        egress: []
    instances:
      short: { subnet: pub, private_ip: 10.0.1.10, elastic_ip: 198.51.100.70, security_groups: [in-only],
               connection_tracking: { tcp_established_timeout: 60 } }
      steady: { subnet: pub, private_ip: 10.0.1.11, elastic_ip: 198.51.100.71, security_groups: [in-only] }
internet:
  hosts:
    client: { ip: 198.51.100.20 }
YAML
)
up "$f2"
# pushed WHO: the server on WHO says hello at once and again after 5 s idle; prints what the
# client got.
pushed() {
  vpcemu exec "$1" -- timeout 10 python3 -c '
import socket, time; s = socket.create_server(("", 7000)); c, _ = s.accept()
c.sendall(b"hello "); time.sleep(5); c.sendall(b"again")' 2>/dev/null &
  local srv=$!
  sleep 0.3
  vpcemu exec client -- python3 -c '
import socket, sys; c = socket.create_connection((sys.argv[1], 7000), 2); c.settimeout(7); got = b""
try:
    while len(got) < 11:
        d = c.recv(100)
        if not d: break
        got += d
except socket.timeout: pass
print(got.decode())' "$2"
  wait $srv || true
}
[[ $(pushed steady 198.51.100.71) == "hello again" ]] || fail "the default tracking (5 days) lost the idle flow"
[[ $(pushed short 198.51.100.70) == "hello " ]] || fail "tcp_established_timeout 60 (3 s here) did not end the idle flow's tracking"
pass "connection_tracking: tcp_established_timeout 60 (x0.05 = 3 s): after 5 s idle the instance's next send meets its egress rules (none) and is dropped; with AWS's default it arrives"
