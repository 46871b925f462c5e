#!/bin/bash
# scripts/differential.sh [N [PROBES [SEED]]]: N random scenarios (default 50) with PROBES probes
# each (default 30) from SEED (default: the time), `vpcemu trace` against real packets; prints
# every disagreement with a shrunk reproducer (in /tmp/vpcemu-differential) and probes per
# second. Needs root and a built vpcemu (build/). See scripts/differential.py --help.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec /usr/bin/python3 "$here/differential.py" --scenarios "${1:-50}" --probes "${2:-30}" \
  --seed "${3:-$(date +%s)}" --vpcemu "${VPCEMU:-$here/../build/vpcemu}"
