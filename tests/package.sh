# The .deb that `cpack -G DEB` builds: its Depends name the libraries' packages and every daemon
# vpcemu runs, it holds the binary, the manual page, the completions and the labs, and the
# vpcemu it holds validates a lab it holds (no root: the package is unpacked, not installed).
set -euo pipefail
build=${1:?build directory}
fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "SKIPPED: no $tool"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/out/vpcemu_*_amd64.deb 2>/dev/null | head -1)
[[ -n $deb ]] || fail "cpack made no vpcemu_*_amd64.deb: $(ls "$work/out")"

depends=$(dpkg-deb --field "$deb" Depends)
for pkg in dnsmasq-base bird2 charon-systemd strongswan-swanctl libcharon-extra-plugins openvpn \
           wireguard-go tayga unbound libnftables1 libmnl0 libyaml-0-2; do
  grep -Eq "(^|, )$pkg( |,|$)" <<<"$depends" || fail "Depends lacks $pkg: $depends"
done
echo "ok: Depends names the daemons and the libraries' packages"

contents=$(dpkg-deb --contents "$deb" | awk '{print $NF}')
for f in ./usr/bin/vpcemu ./usr/share/man/man1/vpcemu.1 \
         ./usr/share/bash-completion/completions/vpcemu \
         ./usr/share/vpcemu/scenarios/basic-vpc.yaml ./usr/share/vpcemu/scenarios/transit-gateway.yaml; do
  grep -qx "$f" <<<"$contents" || fail "the package lacks $f"
done
labs=$(grep -c '^./usr/share/vpcemu/scenarios/.*\.yaml$' <<<"$contents")
[[ $labs -eq $(ls "$(dirname "$0")/../scenarios/"*.yaml | wc -l) ]] || fail "$labs labs packaged"
echo "ok: the package holds vpcemu, vpcemu(1), the completions and all $labs labs"

dpkg-deb -x "$deb" "$work/root"
out=$("$work/root/usr/bin/vpcemu" validate "$work/root/usr/share/vpcemu/scenarios/basic-vpc.yaml") ||
  fail "the packaged vpcemu does not validate the packaged lab: $out"
grep -q "is valid" <<<"$out" || fail "validate said: $out"
echo "ok: the packaged vpcemu validates a packaged lab"
