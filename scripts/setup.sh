#!/usr/bin/env bash
# Installs the Debian 12 packages vpcemu needs to build, run and test, then builds it.
# Run as root. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
# vpcemu runs the daemons it needs (unbound, ...) in the scenario's namespaces; their packages
# must not start a service on the host: deny service starts while installing (policy-rc.d).
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  build-essential cmake pkg-config clang-format \
  libyaml-dev libcli11-dev nlohmann-json3-dev libmnl-dev libnftables-dev catch2 \
  iproute2 nftables python3 python3-jsonschema python3-yaml curl man-db iputils-ping procps util-linux iperf3 dnsmasq-base dnsutils \
  charon-systemd strongswan-swanctl libcharon-extra-plugins libstrongswan-extra-plugins tcpdump bird2 \
  openvpn openssl wireguard-go wireguard-tools tayga unbound python3-botocore \
  podman runc mmdebstrap uidmap dpkg-dev file graphviz librsvg2-bin \
  >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
