# vpcemu graph (no root): every lab drawn as SVG through Graphviz, rendered by rsvg-convert to a
# non-empty PNG; Mermaid and DOT to a file with -o; a bad file exits 2 with its line.
set -euo pipefail
build=${1:?build directory}
src=$(cd "$(dirname "$0")/.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in dot rsvg-convert; do
  command -v "$tool" >/dev/null || { echo "SKIPPED: no $tool (apt-get install graphviz librsvg2-bin)"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
for f in "$src"/scenarios/*.yaml; do
  lab=$(basename "$f" .yaml)
  "$build/vpcemu" graph "$f" > "$work/$lab.svg" 2> "$work/err" || fail "graph $lab: $(cat "$work/err")"
  grep -q "<svg" "$work/$lab.svg" || fail "$lab: not SVG"
  rsvg-convert "$work/$lab.svg" -o "$work/$lab.png" || fail "rsvg-convert $lab"
  size=$(stat -c %s "$work/$lab.png")
  [[ $size -gt 10000 ]] || fail "$lab: a PNG of only $size bytes"
  title=$(sed 's/-/\&#45;/g' <<<"scenario $lab")  # SVG escapes the hyphen
  grep -qF "$title<" "$work/$lab.svg" || fail "$lab: the SVG lacks its title"
  n=$((n + 1))
done
echo "ok: all $n labs drawn as SVG and rendered to PNG"
"$build/vpcemu" graph --format mermaid -o "$work/m.mmd" "$src/scenarios/transit-gateway.yaml"
[[ $(head -1 "$work/m.mmd") == "flowchart LR" ]] || fail "mermaid: $(head -3 "$work/m.mmd")"
grep -q 'tgw_hub{{' "$work/m.mmd" || fail "mermaid: no transit gateway node"
"$build/vpcemu" graph --format dot "$src/scenarios/peering.yaml" | dot -Tplain > "$work/plain" || fail "dot of the DOT"
grep -q "^node pcx_" "$work/plain" || fail "the peering lab's graph has no peering node"
echo "ok: --format mermaid -o FILE and --format dot (which dot lays out)"
printf 'name: bad\nvpcs:\n  v:\n    cidr: 10.0.0.0/33\n' > "$work/bad.yaml"
rc=0; out=$("$build/vpcemu" graph "$work/bad.yaml" 2>&1) || rc=$?
[[ $rc == 2 && $out == *"bad.yaml:4:"* ]] || fail "a bad file: exit $rc: $out"
echo "ok: a bad file exits 2 naming its line"
# --trace FROM TO: the path drawn in orange, where it is denied in red; renders.
"$build/vpcemu" graph "$src/scenarios/peering.yaml" --trace c-1 10.0.1.10 --protocol icmp \
  -o "$work/t.svg" || fail "graph --trace"
rsvg-convert "$work/t.svg" -o "$work/t.png" || fail "rsvg-convert of a traced graph"
grep -q 'stroke="#e6550d"' "$work/t.svg" || fail "graph --trace: no marked edge"
grep -q 'fill="#ff9896"' "$work/t.svg" || fail "graph --trace: the denial is not marked"
"$build/vpcemu" graph "$src/scenarios/basic-vpc.yaml" --format dot --trace client web-1 --port 80 \
  > "$work/t.dot"
grep -q 'igw_prod -> internet \[color="#e6550d"' "$work/t.dot" || fail "graph --trace dot: $(grep e6550d "$work/t.dot")"
grep -q 'fill="#ff9896"\|ff9896' "$work/t.dot" && fail "an allowed path marks a denial"
rc=0; "$build/vpcemu" graph "$src/scenarios/basic-vpc.yaml" --trace client nobody --port 80 \
  > /dev/null 2> "$work/err" || rc=$?
[[ $rc == 2 ]] && grep -q nobody "$work/err" || fail "graph --trace to an unknown name: exit $rc"
echo "ok: --trace marks the path (and the denial), renders, and refuses unknown names"
