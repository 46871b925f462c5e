# The manual page and completion scripts vpcemu makes of its own command line: man renders the
# page with every command; `cmake --install` puts the binary, the page and the scripts in
# place; the bash script loads and completes commands, flags and running scenarios.
set -euo pipefail
build=${1:?build directory}
vpcemu=$build/vpcemu
fail() { echo "FAIL: $*" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

command -v man >/dev/null || { echo "SKIPPED: no man"; exit 77; }
page=$(MANWIDTH=100 man -l "$build/vpcemu.1" 2>"$work/err") || fail "man -l: $(cat "$work/err")"
[[ ! -s $work/err ]] || fail "man warns: $(cat "$work/err")"
for verb in validate plan up down status exec check trace graph capture appliance man completion; do
  grep -q "^ *$verb" <<<"$page" || fail "the page has no command $verb"
done
grep -q "text (for people) or json" <<<"$page" || fail "the page lacks --format's help"
echo "ok: man -l renders vpcemu(1) with every command"

cmake --install "$build" --prefix "$work/p" >/dev/null
for f in bin/vpcemu share/man/man1/vpcemu.1 share/bash-completion/completions/vpcemu \
         share/fish/vendor_completions.d/vpcemu.fish; do
  [[ -f $work/p/$f ]] || fail "cmake --install did not install $f"
done
echo "ok: cmake --install puts vpcemu, vpcemu(1) and the completions in place"

mkdir -p "$work/run/lab-one"
out=$(bash -c '
  source "$1"
  complete -p vpcemu >/dev/null
  COMP_WORDS=(vpcemu st); COMP_CWORD=1; _vpcemu; echo "verbs: ${COMPREPLY[*]}"
  COMP_WORDS=(vpcemu check --f); COMP_CWORD=2; _vpcemu; echo "flags: ${COMPREPLY[*]}"
  COMP_WORDS=(vpcemu --run-dir "$2" down lab); COMP_CWORD=4; _vpcemu; echo "names: ${COMPREPLY[*]}"
' _ "$work/p/share/bash-completion/completions/vpcemu" "$work/run")
[[ $out == *"verbs: status"* ]] || fail "bash completion of 'st': $out"
[[ $out == *"flags: --format"* ]] || fail "bash completion of 'check --f': $out"
[[ $out == *"names: lab-one"* ]] || fail "bash completion of running scenarios: $out"
echo "ok: the bash completion loads and completes commands, flags and running scenarios"
if command -v fish >/dev/null; then
  fish -n "$work/p/share/fish/vendor_completions.d/vpcemu.fish" || fail "fish script does not parse"
fi
