# `up` returns when the scenario is ready, so `up && check` never races (issue 13): each VPN lab
# (static and BGP site-to-site, the transit gateway's VPN, Direct Connect's BGP, client VPN over
# OpenVPN and over WireGuard)
# is brought up and checked RUNS times (20 by default) while a busy loop runs on every core,
# and not one check may fail. Before readiness waited for the tunnels' routes, a static
# site-to-site VPN failed about one run in four under this load.
source "$(dirname "$0")/lib.sh"
command -v charon-systemd >/dev/null || { echo "SKIPPED: strongSwan (charon-systemd) is not installed"; exit 77; }
command -v openvpn >/dev/null || { echo "SKIPPED: OpenVPN is not installed"; exit 77; }
command -v bird >/dev/null || { echo "SKIPPED: bird2 is not installed"; exit 77; }
RUNS=${RUNS:-20}
LABS=${LABS:-site-to-site-vpn site-to-site-vpn-bgp transit-gateway-vpn direct-connect client-vpn client-vpn-wireguard}

busy=()
stop_load() { for p in "${busy[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap 'rc=$?; stop_load; (exit $rc); cleanup' EXIT
for _ in $(seq "$(nproc)"); do (while :; do :; done) & busy+=($!); done

for lab in $LABS; do
  name=$(uname_for "rd-$lab")
  if [[ $lab == client-vpn-wireguard ]]; then  # the client VPN lab over WireGuard
    f=$(scenario_copy client-vpn.yaml "$name")
    sed -i 's/    transport: openvpn/    transport: wireguard/' "$f"
  else
    f=$(scenario_copy "$lab.yaml" "$name")
  fi
  t0=$(date +%s%N)
  for i in $(seq "$RUNS"); do
    up "$f"
    out=$(vpcemu check "$name" 2>&1) || fail "$lab, run $i of $RUNS: 'up && check' raced:
$(grep -v ' ok' <<<"$out" | head -12)"
    vpcemu down "$name" >/dev/null 2>&1 || fail "$lab: down failed"
  done
  pass "$lab: 'up && check' passed $RUNS times of $RUNS under load ($(( ($(date +%s%N) - t0) / 1000000 / RUNS )) ms a run)"
done
