# Shared setup for integration tests: root check (exit 77 = skipped), a private run dir, a
# unique scenario name per test, cleanup of everything the test brought up.
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  echo "SKIPPED: integration tests need root (network namespaces)"
  exit 77
fi
if ! unshare --net true 2>/dev/null; then
  echo "SKIPPED: cannot create network namespaces here"
  exit 77
fi

SOURCE_DIR=${SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
VPCEMU=${VPCEMU:-$SOURCE_DIR/build/vpcemu}
WORK=$(mktemp -d /tmp/vpcemu-it.XXXXXX)
RUN_DIR=$WORK/run
# Names go to a file, not an array: helpers run in $(...) subshells.
SCENARIOS=$WORK/scenarios
touch "$SCENARIOS"

vpcemu() { "$VPCEMU" --run-dir "$RUN_DIR" "$@"; }

register() { echo "$1" >> "$SCENARIOS"; }

# up FILE: `vpcemu up FILE`; on failure the test fails with what up said.
up() { local out; out=$(vpcemu up "$1" 2>&1) || fail "up $1: $out"; }

cleanup() {
  local rc=$?
  while read -r s; do vpcemu down "$s" >/dev/null 2>&1 || true; done < "$SCENARIOS"
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# scenario_copy FILE NAME: a copy of FILE (from scenarios/ or a path) renamed NAME; prints its path.
scenario_copy() {
  local src=$1 name=$2
  [[ -f $src ]] || src=$SOURCE_DIR/scenarios/$src
  sed -E "s/^name: .*/name: $name/" "$src" > "$WORK/$name.yaml"
  register "$name"
  echo "$WORK/$name.yaml"
}

# scenario_text NAME <<EOF ... : a scenario from stdin, renamed NAME; prints its path.
scenario_text() {
  local name=$1
  sed -E "s/^name: .*/name: $name/" > "$WORK/$name.yaml"
  register "$name"
  echo "$WORK/$name.yaml"
}

# A short unique scenario name for this test run.
uname_for() { echo "$1-$$" | cut -c1-32; }

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# Fails unless the command succeeds / fails.
must() { "$@" >/dev/null 2>&1 || fail "expected success: $*"; }
mustnt() { if "$@" >/dev/null 2>&1; then fail "expected failure: $*"; fi; }

count_ns() { ip netns list | awk '{print $1}' | grep -c "^$1\." || true; }

# Processes that still refer to a scenario's state directory (cwd, environment or command
# line): daemons and their helpers. Prints their pids.
scenario_pids() {
  local dir=$RUN_DIR/$1 p
  for p in /proc/[0-9]*; do
    { [[ $(readlink "$p/cwd" 2>/dev/null) == "$dir"* ]] ||
      grep -qF "$dir" <(tr '\0' '\n' 2>/dev/null < "$p/environ") ||
      grep -qF "$dir" <(tr '\0' ' ' 2>/dev/null < "$p/cmdline"); } && echo "${p#/proc/}"
  done
  return 0
}

# stop_during_ping SCENARIO PROCESS FROM TO COUNT: FROM pings TO every 0.1 s, COUNT times;
# a second in, the scenario's daemon PROCESS (its name in `status`) is killed. Sets
# `received` (answered pings) and fails unless most of the last 25 were answered: the traffic
# found another way.
stop_during_ping() {
  local scenario=$1 process=$2 from=$3 to=$4 count=$5 pid png tail_ok
  pid=$(vpcemu status "$scenario" --format json | python3 -c 'import json,sys; print([p["pid"] for p in json.load(sys.stdin)["processes"] if p["name"] == sys.argv[1]][0])' "$process")
  vpcemu exec "$from" -- ping -i 0.1 -c "$count" -W 1 "$to" > "$WORK/ping" 2>&1 &
  png=$!
  sleep 1
  kill "$pid"
  wait $png || true
  received=$(grep -o '[0-9]* received' "$WORK/ping" | awk '{print $1}')
  tail_ok=$(tail -n 25 "$WORK/ping" | grep -c 'bytes from' || true)
  (( tail_ok >= 15 )) || fail "after $process (pid $pid) stopped, traffic from $from to $to did not resume: $(tail -3 "$WORK/ping")"
  STOPPED_PID=$pid
}

# capture NS IFACE COUNT SECONDS FILTER... -- COMMAND...: tcpdump in NS on IFACE (at most COUNT
# packets, SECONDS long) into $WORK/cap while COMMAND runs; COMMAND starts once tcpdump says it
# is listening, and capture returns once tcpdump has ended.
capture() {
  local ns=$1 iface=$2 count=$3 secs=$4 cap
  shift 4
  local filter=()
  while [[ $1 != -- ]]; do filter+=("$1"); shift; done
  shift
  : > "$WORK/cap.err"
  in_ns "$ns" timeout "$secs" tcpdump -lnni "$iface" -c "$count" "${filter[@]}" > "$WORK/cap" 2> "$WORK/cap.err" &
  cap=$!
  for _ in $(seq 200); do grep -q "listening on" "$WORK/cap.err" && break; sleep 0.01; done
  "$@"
  wait $cap || true
}
