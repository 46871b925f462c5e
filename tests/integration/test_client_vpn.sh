# AWS rule 30 with real OpenVPN daemons (scenarios/client-vpn.yaml): mutual TLS with
# certificates made for the scenario, client addresses from the client CIDR, traffic into the
# VPC source-NATed to the endpoint's ENI, authorization rules that only allow, and a client
# without a valid certificate refused.
source "$(dirname "$0")/lib.sh"
command -v openvpn >/dev/null || { echo "SKIPPED: OpenVPN is not installed"; exit 77; }
name=$(uname_for cvpn)
f=$(scenario_copy client-vpn.yaml "$name")
up "$f"
out=$(vpcemu check "$name") || fail "check: $out"
pass "$(tail -1 <<<"$out")"

addr=$(in_ns "$name.laptop" ip -4 -o addr show dev tun0 | awk '{print $4}')
[[ $addr == 10.100.* ]] || fail "laptop's tunnel address $addr is not from the client CIDR"
for _ in $(seq 30); do
  clients=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print(" ".join(sorted(c["client"] + "=" + c["address"] for c in json.load(sys.stdin)["vpn_clients"])))')
  [[ $clients == *laptop=10.100.* && $clients == *tablet=10.100.* ]] && break
  sleep 0.1
done
[[ $clients == *"laptop=${addr%/*}"* ]] || fail "status lists clients as '$clients'"
pass "clients get addresses from 10.100.0.0/22 ($clients), as status shows"

# The VPC sees the endpoint's ENI, not the client's address.
eni=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print([g["private_ip"] for g in json.load(sys.stdin)["gateways"] if g["kind"] == "client-vpn-endpoint"][0])')
vpcemu exec app-1 -- python3 -c '
import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080)); s.listen(1); s.settimeout(5); c, a = s.accept(); print(a[0])' > "$WORK/seen" &
srv=$!
sleep 0.3
must vpcemu exec laptop -- python3 -c "import socket; socket.create_connection(('10.0.2.10', 8080), 2)"
wait $srv
[[ $(cat "$WORK/seen") == "$eni" ]] || fail "app-1 saw $(cat "$WORK/seen"), not the endpoint's ENI $eni"
pass "app-1 sees the endpoint's ENI ($eni) as the source"

# Authorization only allows: even with a route by hand, the data subnet stays out of reach.
in_ns "$name.laptop" ip route add 10.0.3.0/24 dev tun0
mustnt vpcemu exec laptop -- ping -c1 -W1 10.0.3.10
must vpcemu exec laptop -- ping -c1 -W1 10.0.2.10
pass "a destination without an authorization rule is dropped at the endpoint"

# A certificate the scenario's CA never signed is refused.
cd "$WORK"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout bad.key \
  -out bad.crt -days 1 -subj /CN=laptop >/dev/null 2>&1
ep=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print([g["public_ip"] for g in json.load(sys.stdin)["gateways"] if g["kind"] == "client-vpn-endpoint"][0])')
in_ns "$name.tablet" timeout 4 openvpn --client --dev tun7 --dev-type tun --proto udp --remote "$ep" 1194 \
  --nobind --ca "$RUN_DIR/$name/cvpn/remote/ca.crt" --cert bad.crt --key bad.key \
  --remote-cert-tls server --data-ciphers AES-256-GCM --disable-dco > bad.log 2>&1 || true
grep -q "Initialization Sequence Completed" bad.log && fail "a client with a foreign certificate connected"
grep -qiE "certificate verify failed|VERIFY ERROR|TLS Error" "$RUN_DIR/$name/logs/cvpn-remote-server.log" ||
  fail "the server did not refuse the certificate: $(tail -3 "$RUN_DIR/$name/logs/cvpn-remote-server.log")"
pass "a client whose certificate the scenario's CA did not sign is refused"

[[ -n $(scenario_pids "$name") ]] || fail "no daemon of the scenario found before down"
vpcemu down "$name" >/dev/null 2>&1
[[ -z $(scenario_pids "$name") ]] || fail "daemons survived down: $(scenario_pids "$name")"
pass "down leaves no OpenVPN daemon behind"
