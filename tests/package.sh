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

# Installed, not unpacked: on a clean Debian root (mmdebstrap's minbase, nothing of this
# machine's), apt-get resolves every dependency from the archive and the installed vpcemu
# validates an installed lab. Needs root and the Debian archive; skipped without them.
if [[ $(id -u) -ne 0 ]] || ! command -v mmdebstrap >/dev/null; then
  echo "SKIPPED: installing on a clean root needs root and mmdebstrap"; exit 77
fi
cp "$deb" "$work/vpcemu.deb"
t0=$(date +%s)
mmdebstrap --variant=minbase --quiet \
  --customize-hook='copy-in "'"$work"'/vpcemu.deb" /tmp' \
  --customize-hook='printf "#!/bin/sh\nexit 101\n" > "$1/usr/sbin/policy-rc.d"; chmod +x "$1/usr/sbin/policy-rc.d"' \
  --customize-hook='chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/vpcemu.deb >/dev/null' \
  --customize-hook='chroot "$1" vpcemu validate /usr/share/vpcemu/scenarios/transit-gateway.yaml > "'"$work"'/validate.out"' \
  --customize-hook='chroot "$1" sh -c "for d in charon-systemd bird openvpn wireguard-go dnsmasq tayga unbound; do command -v \$d; done" > "'"$work"'/daemons.out"' \
  bookworm "$work/clean-root.tar" >"$work/mmdebstrap.log" 2>&1 || { tail -20 "$work/mmdebstrap.log"; fail "installing the .deb on a clean root"; }
grep -q "is valid" "$work/validate.out" || fail "the installed vpcemu: $(cat "$work/validate.out")"
[[ $(wc -l < "$work/daemons.out") -eq 7 ]] || fail "the daemons it depends on were not all installed: $(cat "$work/daemons.out")"
echo "ok: on a clean Debian root, apt-get installs the .deb with all 7 daemons and vpcemu validates an installed lab ($(( $(date +%s) - t0 )) s)"
