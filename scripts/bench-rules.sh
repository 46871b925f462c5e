#!/usr/bin/env bash
# Throughput through security groups and NACLs (iperf3 TCP, median of 3 runs each, one
# invocation on one machine), and the
# time a live security-group change takes to be in force. Needs root.
#   bare veth        two namespaces joined by one veth pair, no rules at all
#   SG + NACL        instance → VPC router (SG egress, NACL out, NACL in, SG ingress) → instance
#   1,000 SG rules   the same with 1,000 rules on the destination's group
#   1,000 NACL rules the same with 1,000 rules on the destination subnet's NACL
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
  for s in bench-r0 bench-r1 bench-r2; do "$vpcemu" --run-dir "$run" down "$s" >/dev/null 2>&1 || true; done
  ip netns del "$bare_a" 2>/dev/null || true
  ip netns del "$bare_b" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
source "$here/scripts/bench-lib.sh"


bare_veth "$bare_a" "$bare_b"
bare=$(gbps "$bare_b" "$bare_a" 192.0.2.2)

measure() {  # measure NAME SG_RULES NACL_RULES → Gbit/s from a to b across subnets
  python3 "$here/scripts/gen-rules.py" 0 --name "$1" --sg-rules "$2" --nacl-rules "$3" > "$work/$1.yaml"
  "$vpcemu" --run-dir "$run" up "$work/$1.yaml" 2> "$work/$1.up" >/dev/null
  gbps "$1.b" "$1.a" "$(ip -n "$1.b" -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)"
}
base=$(measure bench-r0 0 0)
sg=$(measure bench-r1 1000 0)
nacl=$(measure bench-r2 0 1000)
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
echo
echo "1,000-rule group loaded in $load_ms (with the rest of the router's table);"
echo "one changed SG rule in force after $in_force (nft transaction); staged elements folded in after $folded."
