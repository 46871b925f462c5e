# vpcemu test (issue 13): each scenario up, its expect: entries proved (packets, and `run:`
# entries: a real command whose exit status is the verdict), down again; exit 0 only when every
# expectation held, 1 when one failed, 2 for an invalid file; --junit writes a report CI reads;
# --keep-on-failure leaves the failed scenario up.
source "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "SKIPPED: python3 is not installed"; exit 77; }

# An application's own integration test: a client in a private subnet fetches a page from a
# web server in a public subnet, through the NAT gateway and the internet gateway, and the
# server's own log shows the NAT gateway's Elastic IP as the source; a subnet with no route
# out cannot.
good=$(uname_for vt-good)
f=$(scenario_text "$good" <<'YAML'
name: x
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      public-a:  { cidr: 10.0.1.0/24, route_table: public }
      private-a: { cidr: 10.0.2.0/24, route_table: private }
      isolated:  { cidr: 10.0.3.0/24 }
    route_tables:
      public:
        routes: [{ destination: 0.0.0.0/0, target: internet_gateway }]
      private:
        routes: [{ destination: 0.0.0.0/0, target: nat_gateway/nat-a }]
    nat_gateways:
      nat-a: { subnet: public-a, elastic_ip: 203.0.113.77 }
    security_groups:
      web:
        ingress: [{ protocol: tcp, ports: 8080, source: 0.0.0.0/0 }]
    instances:
      web-1:
        subnet: public-a
        elastic_ip: 203.0.113.80
        security_groups: [web]
        run: [sh, -c, "exec python3 -m http.server 8080 2> web.log"]
      app-1: { subnet: private-a }
      batch: { subnet: isolated }
expect:
  - { from: app-1, to: web-1, protocol: tcp, port: 8080, result: allow }
  - { from: app-1, run: "python3 -c \"import urllib.request as u; u.urlopen('http://203.0.113.80:8080/', timeout=3)\"" }
  - { from: web-1, run: [grep, -q, "^203.0.113.77 ", web.log] }
  - { from: batch, run: "python3 -c \"import urllib.request as u; u.urlopen('http://203.0.113.80:8080/', timeout=2)\"", result: failure, timeout: 10 }
YAML
)
cd "$WORK"  # web.log goes to the scenario file's directory
out=$(vpcemu test --junit "$WORK/good.xml" "$f" 2>&1) || fail "vpcemu test of a passing scenario: $out"
[[ $(grep -c "^  PASS" <<<"$out") == 4 ]] || fail "four verdicts expected: $out"
[[ $(count_ns "$good") == 0 ]] || fail "vpcemu test left namespaces of $good"
[[ -s $WORK/web.log ]] || fail "the web server never ran"
pass "a passing scenario: exit 0, 4 of 4 (a NAT gateway's client fetched the page, the server saw 203.0.113.77), nothing left up"

junit() {  # FILE: tests failures errors, then per failed case "name|line|message"
  python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
print(r.get("tests"), r.get("failures"), r.get("errors"))
for c in r.iter("testcase"):
    for k in ("failure", "error"):
        e = c.find(k)
        if e is not None: print(k, c.get("name"), c.get("line") or "-", e.get("message"), sep="|")
PY
}
[[ $(junit "$WORK/good.xml") == "5 0 0" ]] || fail "JUnit of the passing run: $(junit "$WORK/good.xml")"
pass "its JUnit report: 5 test cases (up and 4 expectations), no failures"

# A failing scenario: a security group that admits the wrong port, so the probe, the fetch and
# the server's log all fail.
bad=$(uname_for vt-bad)
b=$(sed -e "s/ports: 8080/ports: 8081/" -e "s/^name: .*/name: $bad/" "$f" > "$WORK/$bad.yaml"; register "$bad"; echo "$WORK/$bad.yaml")
rc=0; out=$(vpcemu test --junit "$WORK/bad.xml" "$b" 2>&1) || rc=$?
[[ $rc == 1 ]] || fail "a failing scenario: exit $rc, not 1: $out"
j=$(junit "$WORK/bad.xml")
[[ $(head -1 <<<"$j") == "5 3 0" ]] || fail "JUnit of the failing run: $j"
grep -q "^failure|app-1 -> web-1 (10.0.1.4) tcp/8080|29|expected allow, observed deny" <<<"$j" ||
  fail "the probe's failure names its line: $j"
grep -q "^failure|app-1: python3 .*|30|expected success, observed failure (exit status 1)" <<<"$j" ||
  fail "the command's failure names its line and status: $j"
[[ $(count_ns "$bad") == 0 ]] || fail "a failed test without --keep-on-failure left namespaces"
pass "a failing scenario: exit 1; JUnit has its 3 failures with their lines (29, 30, 31); taken down"

rc=0; out=$(vpcemu test --keep-on-failure "$b" 2>&1) || rc=$?
[[ $rc == 1 && $out == *"left up for inspection"* ]] || fail "--keep-on-failure: exit $rc: $out"
[[ $(count_ns "$bad") -gt 0 ]] || fail "--keep-on-failure took the scenario down"
must vpcemu exec app-1 -- true
rc=0; out=$(vpcemu test "$b" 2>&1) || rc=$?
[[ $rc == 1 && $out == *"is already up"* ]] || fail "testing a scenario that is up: exit $rc: $out"
[[ $(count_ns "$bad") -gt 0 ]] || fail "vpcemu test took down a scenario it had not brought up"
vpcemu down "$bad" >/dev/null
pass "--keep-on-failure leaves it up for exec; a scenario already up is refused, not taken down"

# A command that outlives its timeout is killed with everything it started.
slow=$(uname_for vt-slow)
s=$(scenario_text "$slow" <<'YAML'
name: x
vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets: { a: { cidr: 10.0.1.0/24 } }
    instances: { app-1: { subnet: a } }
expect:
  - { from: app-1, run: [sh, -c, "sleep 300 & sleep 301"], timeout: 1 }
YAML
)
rc=0; out=$(vpcemu test "$s" 2>&1) || rc=$?
[[ $rc == 1 && $out == *"still running after 1 s: killed"* ]] || fail "a slow command: exit $rc: $out"
left=$(pgrep -x sleep -a || true)
grep -q " 30[01]$" <<<"$left" && fail "the command's processes outlived it: $(pgrep -x sleep -a)"
pass "a command past its timeout fails and is killed with its children"

# Invalid input: exit 2, the error with its line in the report; a missing file too.
inv=$(uname_for vt-inv)
i=$(printf 'name: %s\nexpect:\n  - { from: nowhere, run: [true], to: x }\n' "$inv" > "$WORK/inv.yaml"; echo "$WORK/inv.yaml")
rc=0; out=$(vpcemu test --junit "$WORK/inv.xml" "$i" "$WORK/missing.yaml" 2>&1) || rc=$?
[[ $rc == 2 ]] || fail "an invalid file: exit $rc, not 2: $out"
grep -q "^error|up|-|invalid scenario: .*inv.yaml:3:" <(junit "$WORK/inv.xml") || fail "JUnit of an invalid file: $(junit "$WORK/inv.xml")"
grep -q "missing.yaml: no such scenario file" <<<"$out" || fail "a missing file: $out"
pass "an invalid file: exit 2 and its error (with line) in the JUnit report; a missing file named"
