#!/usr/bin/env bash
# Throughput through security groups and NACLs (iperf3 TCP, median of 3 runs each, one
# invocation on one machine), and the
# time a live security-group change takes to be in force. Needs root.
#   bare veth        two namespaces joined by one veth pair, no rules at all
#   SG + NACL        instance → VPC router (SG egress, NACL out, NACL in, SG ingress) → instance
#   1,000 SG rules   the same with 1,000 rules on the destination's group
#   1,000 NACL rules the same with 1,000 rules on the destination subnet's NACL
#   IPv6             SG + NACL again in a dual-stack VPC, once over IPv4 and once over IPv6
#                    (the same instances, the same rules for each family)
# Usage: scripts/bench-rules.sh [seconds per run] [path/to/vpcemu]
set -euo pipefail
secs=${1:-5}
here=$(cd "$(dirname "$0")/.." && pwd)
vpcemu=${2:-$here/build/vpcemu}
work=$(mktemp -d)
run="$work/run"
bare_a=bench-bare-a-$$
bare_b=bench-bare-b-$$
cleanup() {
  for s in bench-r0 bench-r1 bench-r2 bench-r3; do "$vpcemu" --run-dir "$run" down "$s" >/dev/null 2>&1 || true; done
  ip netns del "$bare_a" 2>/dev/null || true
  ip netns del "$bare_b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
source "$here/scripts/bench-lib.sh"


bare_veth "$bare_a" "$bare_b"
bare=$(gbps "$bare_b" "$bare_a" 192.0.2.2)

measure() {  # measure NAME SG_RULES NACL_RULES [-4|-6 [--ipv6]] → Gbit/s from a to b across subnets
  local name=$1 sg=$2 nacl=$3 family=${4:--4}
  shift 3; shift $(( $# > 0 ? 1 : 0 ))
  python3 "$here/scripts/gen-rules.py" 0 --name "$name" --sg-rules "$sg" --nacl-rules "$nacl" "$@" > "$work/$name.yaml"
  "$vpcemu" --run-dir "$run" up "$work/$name.yaml" 2> "$work/$name.up" >/dev/null
  gbps "$name.b" "$name.a" "$(ip -n "$name.b" "$family" -o addr show dev eth0 scope global | awk '{print $4}' | cut -d/ -f1)"
}
base=$(measure bench-r0 0 0)
sg=$(measure bench-r1 1000 0)
nacl=$(measure bench-r2 0 1000)
dual4=$(measure bench-r3 0 0 -4 --ipv6)
dual6=$(gbps bench-r3.b bench-r3.a "$(ip -n bench-r3.b -6 -o addr show dev eth0 scope global | awk '{print $4}' | cut -d/ -f1)")
load_ms=$(grep -o 'nftables tables ([0-9]* ms)' "$work/bench-r1.up" | grep -o '[0-9]* ms')

# A live change: one SG rule's port moves; the time is the transaction that puts it in force.
sed -i 's/ports: 5201, source: 0.0.0.0\/0/ports: 5202, source: 0.0.0.0\/0/' "$work/bench-r1.yaml"
change=$("$vpcemu" --run-dir "$run" up "$work/bench-r1.yaml" 2>&1)
in_force=$(grep -o 'change in force in [^:]*: [0-9]* commands, [0-9.]* ms' <<<"$change" | grep -o '[0-9.]* ms$')
folded=$(grep -o 'folded in in [^:]*: [0-9]* commands, [0-9.]* ms' <<<"$change" | grep -o '[0-9.]* ms$' || echo "-")

pct() { python3 -c "print('%.0f %%' % (100 * $1 / $2))"; }
echo "| path | Gbit/s | vs bare veth |"
echo "|---|---|---|"
echo "| bare veth pair | $bare | 100 % |"
echo "| instance → instance through SG + NACL | $base | $(pct "$base" "$bare") |"
echo "| … with 1,000 rules on the security group | $sg | $(pct "$sg" "$bare") |"
echo "| … with 1,000 rules on the NACL | $nacl | $(pct "$nacl" "$bare") |"
echo "| dual-stack VPC, SG + NACL, over IPv4 | $dual4 | $(pct "$dual4" "$bare") |"
echo "| the same instances and rules over IPv6 | $dual6 | $(pct "$dual6" "$bare") ($(pct "$dual6" "$dual4") of IPv4) |"
echo
echo "1,000-rule group loaded in $load_ms (with the rest of the router's table);"
echo "one changed SG rule in force after $in_force (nft transaction); staged elements folded in after $folded."
