#!/usr/bin/env bash
# The main job on the default scenario: install, build, bring up scenarios/basic-vpc.yaml,
# check every expectation with real packets, fetch a page from the internet client through the
# internet gateway, and tear it all down. Run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
vpcemu=build/vpcemu
trap '$vpcemu down basic-vpc' EXIT
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }
step $vpcemu validate scenarios/basic-vpc.yaml
step $vpcemu up scenarios/basic-vpc.yaml
step $vpcemu status basic-vpc
step $vpcemu check scenarios/basic-vpc.yaml
pub=$($vpcemu status basic-vpc --format json |
      python3 -c 'import json,sys; print({e["name"]: e for e in json.load(sys.stdin)["endpoints"]}["web-1"]["public_ip"])')
step $vpcemu exec client -- curl -sS -m 5 -o /dev/null -w "HTTP %{http_code} from http://$pub/ (web-1's public address)\n" "http://$pub/"
step $vpcemu exec web-1 -- ip -4 -brief address
