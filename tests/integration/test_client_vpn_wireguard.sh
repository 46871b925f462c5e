# AWS rule 30 over WireGuard (wireguard-go, userspace; scenarios/client-vpn.yaml with
# transport: wireguard): keys made for the scenario, client addresses from the client CIDR,
# SNAT to the endpoint's ENI, authorization enforced at the endpoint, an unknown key refused.
source "$(dirname "$0")/lib.sh"
command -v wireguard-go >/dev/null || { echo "SKIPPED: wireguard-go is not installed"; exit 77; }
name=$(uname_for wgvpn)
f=$(scenario_copy client-vpn.yaml "$name")
sed -i 's/    transport: openvpn/    transport: wireguard/' "$f"
up "$f"
out=$(vpcemu check "$name") || fail "check: $out"
pass "$(tail -1 <<<"$out")"

addr=$(in_ns "$name.laptop" ip -4 -o addr show dev wg0 | awk '{print $4}')
[[ $addr == 10.100.0.* ]] || fail "laptop's WireGuard address $addr is not from the client CIDR"
clients=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print(" ".join(sorted(c["client"] + "=" + c["address"] for c in json.load(sys.stdin)["vpn_clients"])))')
[[ $clients == "laptop=${addr%/*} tablet=10.100.0.3" ]] || fail "status lists '$clients'"
pass "clients have addresses from 10.100.0.0/22 ($clients)"

eni=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print([g["private_ip"] for g in json.load(sys.stdin)["gateways"] if g["kind"] == "client-vpn-endpoint"][0])')
vpcemu exec app-1 -- python3 -c '
import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080)); s.listen(1); s.settimeout(5); c, a = s.accept(); print(a[0])' > "$WORK/seen" &
srv=$!
sleep 0.3
must vpcemu exec tablet -- python3 -c "import socket; socket.create_connection(('10.0.2.10', 8080), 2)"
wait $srv
[[ $(cat "$WORK/seen") == "$eni" ]] || fail "app-1 saw $(cat "$WORK/seen"), not the endpoint's ENI $eni"
pass "app-1 sees the endpoint's ENI ($eni)"

in_ns "$name.laptop" ip route add 10.0.3.0/24 dev wg0
mustnt vpcemu exec laptop -- ping -c1 -W1 10.0.3.10
pass "a destination without an authorization rule is dropped"

# A key the endpoint does not know gets no answer.
ep=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print([g["public_ip"] for g in json.load(sys.stdin)["gateways"] if g["kind"] == "client-vpn-endpoint"][0])')
in_ns "$name.tablet" ip link del wg0
in_ns "$name.tablet" unshare -m sh -c "mount -t tmpfs tmpfs /run && mkdir -p /run/wireguard && exec wireguard-go -f wg9" >/dev/null 2>&1 &
for _ in $(seq 100); do in_ns "$name.tablet" ip link show wg9 >/dev/null 2>&1 && break; sleep 0.02; done
pid=""
for p in $(ip netns pids "$name.tablet"); do grep -q wg9 "/proc/$p/cmdline" && { pid=$p; break; }; done
[[ -n $pid ]] || fail "the rogue wireguard-go did not start"
server_pub=$(python3 - "$RUN_DIR/$name/cvpn/remote/server.pub.pem" <<'PY'
import base64, sys
der = base64.b64decode("".join(l for l in open(sys.argv[1]) if not l.startswith("-----")))
print(der[-32:].hex())
PY
)
rogue=$(openssl rand -hex 32)
printf "set=1\nprivate_key=$rogue\npublic_key=$server_pub\nendpoint=$ep:51820\nallowed_ip=10.0.2.0/24\npersistent_keepalive_interval=1\n\n" |
  python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(sys.stdin.read().encode()); print(s.recv(64).decode().strip())' \
  "/proc/$pid/root/run/wireguard/wg9.sock" | grep -q errno=0 || fail "could not configure the rogue client"
in_ns "$name.tablet" ip addr add 10.100.0.3/22 dev wg9
in_ns "$name.tablet" ip link set wg9 up
mustnt in_ns "$name.tablet" ping -c2 -W1 10.0.2.10
kill "$pid"
pass "a client with a key the endpoint does not know reaches nothing"
