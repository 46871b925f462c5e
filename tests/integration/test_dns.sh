# AWS rule 3: the VPC's resolver answers on base + 2; instance hostnames (ip-10-0-1-10 and the
# instance name) and the services' names resolve there; instances' resolv.conf points to it;
# a new instance is resolvable as soon as a live `up` has added it.
source "$(dirname "$0")/lib.sh"
name=$(uname_for dns)
f=$(scenario_copy basic-vpc.yaml "$name")
up "$f"

[[ $(vpcemu exec app-1 -- cat /etc/resolv.conf) == *"nameserver 10.0.0.2"* ]] || fail "resolv.conf"
pass "instances' resolv.conf names 10.0.0.2 (VPC base + 2)"

ans() { vpcemu exec "$1" -- dig +short +time=1 +tries=1 "$2" "${@:3}"; }
[[ $(ans app-1 ip-10-0-1-10.ec2.internal) == 10.0.1.10 ]] || fail "ip-10-0-1-10.ec2.internal"
[[ $(ans app-1 ip-10-0-1-10) == 10.0.1.10 ]] || fail "ip-10-0-1-10"
[[ $(ans web-1 app-1) == 10.0.2.4 ]] || fail "app-1"
[[ $(ans web-1 s3.amazonaws.com) == 52.216.0.10 ]] || fail "s3.amazonaws.com"
[[ $(in_ns "$name.web-1" dig +short +time=1 +tries=1 @10.0.0.2 web-1) == 10.0.1.10 ]] || fail "@10.0.0.2"
pass "hostnames, instance names and service names resolve at 10.0.0.2"

# Through the name, web-1 reaches S3 over the internet gateway: S3 sees its public address.
pub=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print({e["name"]: e for e in json.load(sys.stdin)["endpoints"]}["web-1"]["public_ip"])')
seen=$(vpcemu exec web-1 -- curl -s -m 3 http://s3.amazonaws.com/ | python3 -c 'import json,sys; print(json.load(sys.stdin)["source"])')
[[ $seen == "$pub" ]] || fail "S3 saw $seen, expected web-1's public address $pub"
pass "web-1 → s3.amazonaws.com over the internet: S3 sees $pub"

# A live change adds an instance: its name resolves without restarting the resolver.
dns_pid=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print([p["pid"] for p in json.load(sys.stdin)["processes"] if p["name"] == "dns-prod"][0])')
sed -i 's/^      app-1:$/      worker-9:\n        subnet: private-a\n      app-1:/' "$f"
vpcemu up "$f" >/dev/null 2>&1 || fail "adding worker-9"
for _ in $(seq 50); do [[ $(ans web-1 worker-9) == 10.0.2.* ]] && break; sleep 0.05; done
[[ $(ans web-1 worker-9) == 10.0.2.* ]] || fail "worker-9 does not resolve"
kill -0 "$dns_pid" || fail "the resolver was restarted"
pass "a new instance resolves at once, by the same resolver process"
