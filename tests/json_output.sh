# --format json of the verbs that need no root (validate, plan) on every lab, a broken file and
# a file with a warning (--strict), each against its schema in docs/json/.
set -uo pipefail
build=${1:?build directory}
src=$(cd "$(dirname "$0")/.." && pwd)
vpcemu=$build/vpcemu
py=/usr/bin/python3
fail() { echo "FAIL: $*" >&2; exit 1; }
$py -c 'import jsonschema' 2>/dev/null || { echo "SKIPPED: no python3-jsonschema"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
conforms() {  # VERB FILE
  $py "$src/scripts/check-json-output.py" "$1" "$2" || fail "$1 --format json does not conform: $(head -c 300 "$2")"
}

n=0
for f in "$src"/scenarios/*.yaml; do
  "$vpcemu" validate --format json "$f" >"$work/v.json" || fail "validate $f"
  conforms validate "$work/v.json"
  "$vpcemu" --run-dir "$work/run" plan --format json "$f" >"$work/p.json" || fail "plan $f"
  conforms plan "$work/p.json"
  n=$((n + 1))
done
echo "ok: validate and plan --format json of $n labs conform to docs/json/"

# trace --format json: allowed, denied (on the way and on the reply), through an appliance,
# over IPv6, through a transit gateway and a VPN; exit 0 allowed, 1 denied.
while read -r want lab from to args; do
  # shellcheck disable=SC2086  # args: several words
  "$vpcemu" trace --format json "$src/scenarios/$lab.yaml" "$from" "$to" $args >"$work/t.json"
  rc=$?
  [[ $rc -eq $want ]] || fail "trace $lab $from $to $args exits $rc, not $want"
  conforms trace "$work/t.json"
done <<'CASES'
0 basic-vpc client web-1 --port=80
1 basic-vpc app-1 client --port=443
1 sg-vs-nacl client trapped --port=80
0 ingress-routing client web-1 --port=80
0 ipv6 client web-1 --port=443 --ip-version=6
1 transit-gateway-vpn dev-1 desk-1 --protocol=icmp
0 client-vpn laptop app-1 --port=22
CASES
echo "ok: trace --format json conforms for allowed and denied paths"

# A broken file: valid false, its errors with line and column, exit 2.
printf 'name: b\nvpcs:\n  v:\n    cidr: 10.0.0.0/33\n' >"$work/bad.yaml"
"$vpcemu" validate --format json "$work/bad.yaml" >"$work/v.json"
[[ $? -eq 2 ]] || fail "validate of a broken file does not exit 2"
conforms validate "$work/v.json"
$py - "$work/v.json" <<'PY' || fail "validate --format json of a broken file: $(cat "$work/v.json")"
import json, sys
j = json.load(open(sys.argv[1]))
d = j["diagnostics"][0]
assert not j["valid"] and j["errors"] >= 1 and d["line"] == 4 and d["severity"] == "error", j
PY
echo "ok: a broken file is valid: false with its error at line 4, exit 2"

# A trap is a warning: exit 0, and 2 with --strict.
cat >"$work/trap.yaml" <<'YAML'
name: t
vpcs:
  v:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      pub: { cidr: 10.0.1.0/24, route_table: out }
    route_tables:
      out:
        routes:
          - { destination: 0.0.0.0/0, target: internet_gateway }
    instances:
      a: { subnet: pub }
YAML
"$vpcemu" validate "$work/trap.yaml" >/dev/null 2>&1 || fail "a warning fails validate without --strict"
"$vpcemu" validate --strict --format json "$work/trap.yaml" >"$work/v.json"
[[ $? -eq 2 ]] || fail "validate --strict passes a file with a warning"
conforms validate "$work/v.json"
[[ $($py -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["valid"], j["warnings"])' "$work/v.json") == "False 1" ]] ||
  fail "validate --strict --format json: $(cat "$work/v.json")"
echo "ok: a trap is a warning (exit 0), and fails with --strict (exit 2, valid: false)"
