# AWS rules 26-27 (scenarios/endpoints.yaml): a gateway endpoint routes S3's prefix list to S3
# from a subnet with no internet route, and S3 sees the private address (the path never
# crosses the internet gateway); an interface endpoint is an ENI in the subnet with its own
# security group, and private DNS makes the service's name resolve to it inside the VPC.
source "$(dirname "$0")/lib.sh"
name=$(uname_for vpce)
f=$(scenario_copy endpoints.yaml "$name")
up "$f"
out=$(vpcemu check "$name") || fail "check: $out"
pass "rules 26, 27: $(tail -1 <<<"$out")"

src() { vpcemu exec "$1" -- curl -s -m 3 "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["source"])'; }

# Gateway endpoint: app-1's route table has pl/s3 → the endpoint and nothing else.
table=$(in_ns "$name.vpc.prod" ip route show table all | grep '52.216.0.0/15')
[[ $table == *"dev s-s3"* ]] || fail "no prefix-list route to the endpoint: $table"
seen=$(src app-1 http://s3.amazonaws.com:443/)
[[ $seen == 10.0.2.* ]] || fail "S3 saw $seen: not app-1's private address"
pass "app-1 (no internet route) reaches S3 through the gateway endpoint; S3 sees $seen"
seen=$(src web-1 http://s3.amazonaws.com:443/)
[[ $seen == 203.0.113.* ]] || fail "web-1 should reach S3 through the IGW, S3 saw $seen"
pass "web-1 (public subnet) reaches S3 through the internet gateway; S3 sees $seen"

# Interface endpoint with private DNS: the name resolves to the ENI in the subnet.
eni=$(vpcemu exec app-1 -- dig +short +time=1 +tries=1 sqs.us-east-1.amazonaws.com)
[[ $eni == 10.0.2.* ]] || fail "sqs.us-east-1.amazonaws.com resolved to '$eni', not the endpoint ENI"
seen=$(src app-1 http://sqs.us-east-1.amazonaws.com:443/)
[[ $seen == 169.254.* ]] || fail "SQS saw $seen, expected the endpoint's own link address"
pass "sqs.us-east-1.amazonaws.com → $eni (the endpoint ENI); SQS sees the endpoint ($seen)"

# The endpoint's security group guards it: port 80 is not in it.
mustnt vpcemu exec web-1 -- curl -s -m 2 "http://$eni:80/"
must vpcemu exec web-1 -- curl -s -m 2 "http://$eni:443/"
pass "the endpoint's security group admits 443 and nothing else"

# status lists the endpoint ENIs.
[[ $(vpcemu status "$name" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["gateways"]))') -ge 1 ]] ||
  fail "status does not list the endpoint"
