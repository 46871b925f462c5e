# AWS rule 36: AmazonProvidedDNS answers on base + 2 and 169.254.169.253 with instances' private
# DNS names (ip-10-0-1-10.ec2.internal; <region>.compute.internal elsewhere) and never a bare
# instance name (unless dns_instance_names opts in); with enable_dns_hostnames an instance's
# public DNS name resolves to its private address inside the VPC (split horizon); a private
# hosted zone answers in its VPCs (A and CNAME) and is NXDOMAIN in another and on the
# internet, whose hosts resolve public names to public addresses; without
# enable_dns_support nothing answers. Instances' resolv.conf points to the resolver, and a new
# instance resolves as soon as a live `up` has added it.
source "$(dirname "$0")/lib.sh"
name=$(uname_for dns)
f=$(scenario_copy basic-vpc.yaml "$name")
up "$f"

[[ $(vpcemu exec app-1 -- cat /etc/resolv.conf) == *"nameserver 10.0.0.2"*"search ec2.internal"* ]] || fail "resolv.conf"
pass "instances' resolv.conf names 10.0.0.2 (VPC base + 2), search ec2.internal"

ans() { vpcemu exec "$1" -- dig +short +time=1 +tries=1 "$2" "${@:3}"; }
status() { vpcemu exec "$1" -- dig +time=1 +tries=1 "$2" | grep -o 'status: [A-Z]*'; }
[[ $(ans app-1 ip-10-0-1-10.ec2.internal) == 10.0.1.10 ]] || fail "ip-10-0-1-10.ec2.internal"
[[ $(vpcemu exec app-1 -- getent hosts ip-10-0-1-10 | awk '{print $1}') == 10.0.1.10 ]] || fail "ip-10-0-1-10 through the search domain"
[[ $(ans web-1 s3.amazonaws.com) == 52.216.0.10 ]] || fail "s3.amazonaws.com"
[[ $(in_ns "$name.web-1" dig +short +time=1 +tries=1 @169.254.169.253 ip-10-0-2-4.ec2.internal) == 10.0.2.4 ]] || fail "@169.254.169.253"
[[ $(status web-1 app-1) == "status: NXDOMAIN" ]] || fail "the bare name app-1 answered: $(status web-1 app-1)"
pass "private DNS names at 10.0.0.2 and 169.254.169.253; the bare name app-1 is NXDOMAIN, as in AWS"

# Through the name, web-1 reaches S3 over the internet gateway: S3 sees its public address.
pub=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print({e["name"]: e for e in json.load(sys.stdin)["endpoints"]}["web-1"]["public_ip"])')
seen=$(vpcemu exec web-1 -- curl -s -m 3 http://s3.amazonaws.com/ | python3 -c 'import json,sys; print(json.load(sys.stdin)["source"])')
[[ $seen == "$pub" ]] || fail "S3 saw $seen, expected web-1's public address $pub"
pass "web-1 → s3.amazonaws.com over the internet: S3 sees $pub"

# A live change adds an instance: its name resolves without restarting the resolver.
dns_pid=$(vpcemu status "$name" --format json | python3 -c 'import json,sys; print([p["pid"] for p in json.load(sys.stdin)["processes"] if p["name"] == "dns-prod"][0])')
sed -i 's/^      app-1:$/      worker-9:\n        subnet: private-a\n        private_ip: 10.0.2.99\n      app-1:/' "$f"
vpcemu up "$f" >/dev/null 2>&1 || fail "adding worker-9"
for _ in $(seq 50); do [[ $(ans web-1 ip-10-0-2-99.ec2.internal) == 10.0.2.99 ]] && break; sleep 0.05; done
[[ $(ans web-1 ip-10-0-2-99.ec2.internal) == 10.0.2.99 ]] || fail "worker-9 does not resolve"
kill -0 "$dns_pid" || fail "the resolver was restarted"
pass "a new instance resolves at once, by the same resolver process"

# Public DNS names, private hosted zones, another region, DNS support off.
name2=$(uname_for dns2)
f2=$(scenario_text "$name2" <<'YAML'
name: x
region: eu-west-2
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internet_gateway: true
    enable_dns_hostnames: true
    subnets:
      a: { cidr: 10.0.1.0/24 }
    instances:
      web: { subnet: a, private_ip: 10.0.1.10, elastic_ip: 198.51.100.7 }
  dev:
    cidr: 10.1.0.0/16
    dns_instance_names: true
    subnets:
      a: { cidr: 10.1.1.0/24 }
    instances:
      box: { subnet: a, private_ip: 10.1.1.10 }
  dark:
    cidr: 10.2.0.0/16
    enable_dns_support: false
    subnets:
      a: { cidr: 10.2.1.0/24 }
    instances:
      mute: { subnet: a, private_ip: 10.2.1.10 }
private_hosted_zones:
  corp.internal:
    vpcs: [prod]
    records:
      - { name: db, type: A, values: [10.0.2.10] }
      - { name: api-1, type: A, values: [10.0.1.10] }
      - { name: api, type: CNAME, values: [api-1.corp.internal] }
internet:
  hosts:
    outsider: { ip: 198.51.100.20 }
YAML
)
up "$f2"
[[ $(ans web ec2-198-51-100-7.eu-west-2.compute.amazonaws.com) == 10.0.1.10 ]] ||
  fail "the public DNS name inside the VPC: $(ans web ec2-198-51-100-7.eu-west-2.compute.amazonaws.com)"
[[ $(ans web ip-10-0-1-10.eu-west-2.compute.internal) == 10.0.1.10 ]] || fail "eu-west-2's private name"
[[ $(ans outsider ec2-198-51-100-7.eu-west-2.compute.amazonaws.com) == 198.51.100.7 ]] ||
  fail "the public DNS name outside: $(ans outsider ec2-198-51-100-7.eu-west-2.compute.amazonaws.com)"
[[ $(status outsider db.corp.internal) == "status: NXDOMAIN" ]] || fail "the private zone answered on the internet"
pass "eu-west-2: ip-10-0-1-10.eu-west-2.compute.internal; the public name gives the private address inside and the public one on the internet (split horizon)"
[[ $(ans web db.corp.internal) == 10.0.2.10 ]] || fail "db.corp.internal in prod"
[[ $(ans web api.corp.internal | tr '\n' ' ') == "api-1.corp.internal. 10.0.1.10 " ]] ||
  fail "api.corp.internal's CNAME: $(ans web api.corp.internal)"
[[ $(status box db.corp.internal) == "status: NXDOMAIN" ]] || fail "db.corp.internal answered in dev"
pass "private hosted zone corp.internal: A and CNAME in prod, NXDOMAIN in dev"
[[ $(ans box box) == 10.1.1.10 ]] || fail "dns_instance_names: the bare name box"
pass "dns_instance_names: true (vpcemu's opt-in) answers the bare name box"
[[ -z $(ans mute ip-10-2-1-10.eu-west-2.compute.internal 2>/dev/null | grep -v '^;' || true) ]] ||
  fail "enable_dns_support: false still answered"
pass "enable_dns_support: false: nothing answers at 10.2.0.2"
