# 1,000 rules on one security group and 1,000 on one NACL load and decide exactly as written:
# the NACL's alternating allow/deny rules keep their order, the group's rules their union.
source "$(dirname "$0")/lib.sh"
name=$(uname_for scale)
python3 "$SOURCE_DIR/scripts/gen-rules.py" 1000 --name "$name" > "$WORK/$name.yaml"
register "$name"
out=$(vpcemu up "$WORK/$name.yaml" 2>&1) || fail "up: $out"
pass "loaded: $(grep nftables <<<"$out" | sed 's/^ *//')"

n=$(in_ns "$name.vpc.v" nft list set inet vpcemu nacl-big-in | grep -o 'tcp \. ' | wc -l)
(( n > 500 && n < 2500 )) || fail "the NACL compiled to $n elements"
n=$(in_ns "$name.vpc.v" nft list chain inet vpcemu nacl-big-in | grep -c 'th dport' || true)
[[ $n -eq 1 ]] || fail "the NACL chain is not constant-size ($n lookups)"
pass "1,000 NACL rules became one interval set and one lookup, not 1,000 rules"

cat > "$WORK/probe.yaml" <<YAML
$(sed -n '/^name:/,/^internet:/p' "$WORK/$name.yaml" | sed '$d')
internet:
  hosts:
    client: { ip: 198.51.100.20 }
expect:
  - { from: client, to: b, protocol: tcp, port: 20001, result: allow }   # rule 2: allow
  - { from: client, to: b, protocol: tcp, port: 20002, result: deny }    # rule 3: deny
  - { from: client, to: b, protocol: tcp, port: 20999, result: allow }   # rule 1000: allow
  - { from: client, to: b, protocol: tcp, port: 20998, result: deny }    # rule 999: deny
  - { from: client, to: b, protocol: tcp, port: 5201, result: allow }    # rule 32000 + group
  - { from: client, to: b, protocol: tcp, port: 10999, result: deny }    # group: 10.103.249.0/24 only
  - { from: a, to: b, protocol: tcp, port: 10999, result: allow }        # group: VPC-wide rule
YAML
out=$(vpcemu check "$WORK/probe.yaml") || fail "probes: $out"
pass "ordered NACL and unioned group decide as written: $(tail -1 <<<"$out")"
