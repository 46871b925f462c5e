# The instance metadata service at 169.254.169.254, with real requests: IMDSv2's token flow
# (PUT with a TTL header, then the token on every GET), IMDSv1 where tokens are optional and 401
# where they are required, each instance's own identity (region and zone of the scenario,
# addresses, MAC, subnet and VPC), an AWS SDK (botocore) finding its region, and the hop limit:
# a container behind the instance (one more hop) gets no token until hop_limit is 2.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
name=$(uname_for imds)
ctr="$name-ctr"  # the "container": a namespace of this test behind instance a
trap 'rc=$?; ip netns del "$ctr" 2>/dev/null; (exit $rc); cleanup' EXIT
f=$(scenario_text "$name" <<'YAML'
name: x
region: eu-west-2
vpcs:
  v:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      a: { cidr: 10.0.1.0/24, availability_zone: eu-west-2b }
      b: { cidr: 10.0.2.0/24 }
    instances:
      a: { subnet: a, private_ip: 10.0.1.10, public_ip: true }
      b: { subnet: b, private_ip: 10.0.2.10, metadata: { tokens: required } }
YAML
)
up "$f"
imds() { local who=$1; shift; vpcemu exec "$who" -- curl -s -m 3 "$@"; }
token() { imds "$1" -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" http://169.254.169.254/latest/api/token; }

t=$(token a)
[[ ${#t} -ge 40 ]] || fail "no IMDSv2 token for a: '$t'"
[[ $(imds a -H "X-aws-ec2-metadata-token: $t" http://169.254.169.254/latest/meta-data/local-ipv4) == 10.0.1.10 ]] ||
  fail "local-ipv4 with a token"
[[ $(imds a -o /dev/null -w '%{http_code}' -H "X-aws-ec2-metadata-token: $(token b)" http://169.254.169.254/latest/meta-data/instance-id) == 401 ]] ||
  fail "b's token was accepted from a"
[[ $(imds a -o /dev/null -w '%{http_code}' -X PUT http://169.254.169.254/latest/api/token) == 400 ]] ||
  fail "a PUT without a TTL header got a token"
pass "IMDSv2: a token for 60 s, accepted from its own instance only; no TTL header, 400"

[[ $(imds a http://169.254.169.254/latest/meta-data/placement/availability-zone) == eu-west-2b ]] ||
  fail "IMDSv1 on a (tokens optional) or its zone"
[[ $(imds b -o /dev/null -w '%{http_code}' http://169.254.169.254/latest/meta-data/instance-id) == 401 ]] ||
  fail "b requires tokens but answered IMDSv1"
tb=$(token b)
[[ $(imds b -H "X-aws-ec2-metadata-token: $tb" http://169.254.169.254/latest/meta-data/placement/availability-zone) == eu-west-2a ]] ||
  fail "b's zone is not the region's first"
pass "IMDSv1 where tokens are optional, 401 where they are required"

mac=$(imds a http://169.254.169.254/latest/meta-data/mac)
[[ $mac == $(vpcemu exec a -- cat /sys/class/net/eth0/address) ]] || fail "mac is not eth0's: $mac"
nic=http://169.254.169.254/latest/meta-data/network/interfaces/macs/$mac
[[ $(imds a $nic/subnet-ipv4-cidr-block) == 10.0.1.0/24 ]] || fail "subnet-ipv4-cidr-block"
[[ $(imds a $nic/vpc-id) == vpc-* && $(imds a $nic/subnet-id) == subnet-* && $(imds a $nic/security-group-ids) == sg-* ]] ||
  fail "vpc-id, subnet-id or security-group-ids"
[[ $(imds a http://169.254.169.254/latest/meta-data/public-ipv4) == $(vpcemu status "$name" --format json | $PY -c 'import json,sys; print([e for e in json.load(sys.stdin)["endpoints"] if e["name"] == "a"][0]["public_ip"])') ]] ||
  fail "public-ipv4 is not the instance's public address"
[[ $(imds a http://169.254.169.254/latest/meta-data/hostname) == ip-10-0-1-10.eu-west-2.compute.internal ]] ||
  fail "hostname: $(imds a http://169.254.169.254/latest/meta-data/hostname)"
doc=$(imds a http://169.254.169.254/latest/dynamic/instance-identity/document)
[[ $($PY -c 'import json,sys; d=json.loads(sys.argv[1]); print(d["region"], d["privateIp"], d["instanceId"][:2])' "$doc") == "eu-west-2 10.0.1.10 i-" ]] ||
  fail "identity document: $doc"
[[ $(vpcemu status "$name" --format json | $PY -c 'import json,sys; print(" ".join(e["availability_zone"] for e in json.load(sys.stdin)["endpoints"] if e["kind"] == "instance"))') == "eu-west-2b eu-west-2a" ]] ||
  fail "status does not show the instances' availability zones"
[[ $(vpcemu status "$name") == *"eu-west-2b"* ]] || fail "status (text) shows no zone"
pass "a's metadata: mac of eth0 ($mac), its subnet, vpc and groups, public address, hostname, identity document"

if $PY -c 'import botocore' 2>/dev/null; then
  region=$(vpcemu exec b -- $PY -c 'from botocore.utils import InstanceMetadataRegionFetcher as F; print(F().retrieve_region())')
  [[ $region == eu-west-2 ]] || fail "botocore found region '$region'"
  pass "an AWS SDK (botocore $($PY -c 'import botocore; print(botocore.__version__)')) finds region $region through IMDSv2 on b"
else
  echo "skipped: botocore (python3-botocore) is not installed; the SDK check did not run"
fi

# A container behind a: its own namespace, a veth to a, a's forwarding and masquerade.
ip netns add "$ctr"
in_ns "$name.a" ip link add c0 type veth peer name eth0 netns "$ctr"
in_ns "$name.a" ip addr add 172.17.0.1/24 dev c0
in_ns "$name.a" ip link set c0 up
in_ns "$ctr" ip addr add 172.17.0.2/24 dev eth0
in_ns "$ctr" ip link set eth0 up
in_ns "$ctr" ip route add default via 172.17.0.1
in_ns "$name.a" sysctl -qw net.ipv4.ip_forward=1
in_ns "$name.a" nft add table ip ctr
in_ns "$name.a" nft add chain ip ctr post '{ type nat hook postrouting priority srcnat; }'
in_ns "$name.a" nft add rule ip ctr post ip saddr 172.17.0.0/24 oifname eth0 masquerade
from_ctr() { in_ns "$ctr" curl -s -m 2 "$@"; }
[[ $(from_ctr http://169.254.169.254/latest/meta-data/local-ipv4) == 10.0.1.10 ]] || fail "the container cannot reach IMDS at all"
t=$(from_ctr -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" http://169.254.169.254/latest/api/token) && fail "the container got a token at hop limit 1: $t"
pass "hop limit 1: the container behind a reaches IMDSv1 but its token never arrives"

sed -i 's/      a: { subnet: a, private_ip: 10.0.1.10, public_ip: true }/      a: { subnet: a, private_ip: 10.0.1.10, public_ip: true, metadata: { hop_limit: 2 } }/' "$f"
up "$f"
t=$(from_ctr -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 60" http://169.254.169.254/latest/api/token) ||
  fail "the container got no token at hop limit 2"
[[ ${#t} -ge 40 ]] || fail "the container's token: '$t'"
pass "hop_limit: 2, applied live: the container gets its token"
