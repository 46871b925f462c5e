// Invalid scenarios: each case asserts the diagnostic's line and message.
#include "helpers.h"

using namespace vpcemu;
using namespace vpcemu::test;

namespace {

// A valid scenario; cases below each break one thing.
const char* kValid = R"(name: t
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      pub: { cidr: 10.0.1.0/24, route_table: public }
      priv: { cidr: 10.0.2.0/24 }
    route_tables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: internet_gateway }
    instances:
      web-1: { subnet: pub, private_ip: 10.0.1.10, public_ip: true }
      db-1: { subnet: priv }
internet:
  hosts:
    client: { ip: 198.51.100.20 }
expect:
  - { from: client, to: web-1, protocol: tcp, port: 80, result: allow }
)";

struct Case {
  const char* title;
  const char* yaml;
  int line;
  const char* message;
};

const Case kCases[] = {
    {"ports on a protocol number",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
     "ingress:\n          - { protocol: 47, ports: 80, source: 0.0.0.0/0 }\n",
     8, "this protocol has no ports"},
    {"a protocol number past 255",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
     "ingress:\n          - { protocol: 256, source: 0.0.0.0/0 }\n",
     8, "unknown protocol '256'; use tcp, udp, icmp, icmpv6, all (-1) or a protocol number 0-255"},
    {"malformed YAML", "name: t\nvpcs:\n  prod: { cidr: 10.0.0.0/16\n", 4, "malformed YAML"},
    {"scenario is not a mapping", "- a\n- b\n", 1, "must be a mapping"},
    {"missing name", "vpcs: {}\n", 1, "has no 'name'"},
    {"invalid scenario name", "name: Bad_Name\n", 1, "invalid scenario name 'Bad_Name'"},
    {"unknown top-level key suggests nearest", "name: t\nvpc:\n  x: {}\n", 2,
     "unknown key 'vpc' in the scenario; did you mean 'vpcs'?"},
    {"unknown vpc key suggests nearest",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    internet_gatway: true\n", 5,
     "did you mean 'internet_gateway'?"},
    {"unknown subnet key",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24, "
     "routetable: x }\n",
     6, "did you mean 'route_table'?"},
    {"duplicate key", "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    cidr: 10.1.0.0/16\n", 5,
     "duplicate key 'cidr'"},
    {"vpc missing cidr", "name: t\nvpcs:\n  prod:\n    internet_gateway: true\n", 3,
     "vpc 'prod' has no 'cidr'"},
    {"malformed cidr", "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0/16\n", 4,
     "'10.0.0/16' is not a CIDR block"},
    {"cidr wrong type", "name: t\nvpcs:\n  prod:\n    cidr: [10.0.0.0/16]\n", 4,
     "cidr must be a single value, found a list"},
    {"vpc too large", "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/8\n", 4,
     "is a /8; AWS allows /16"},
    {"vpc too small", "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/29\n", 4, "is a /29"},
    {"subnet outside vpc",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.1.0.0/24 "
     "}\n",
     6, "is not inside its VPC's CIDR 10.0.0.0/16"},
    {"subnets overlap",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.0.0/20 "
     "}\n"
     "      b: { cidr: 10.0.1.0/24 }\n",
     7, "overlaps subnet 'a'"},
    {"subnet too small",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/30 "
     "}\n",
     6, "is a /30"},
    {"enable_dns_hostnames not a boolean",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    enable_dns_hostnames: yes-please\n", 5,
     "enable_dns_hostnames must be true or false, found 'yes-please'"},
    {"a jumbo Direct Connect not a boolean",
     "name: t\ndirect_connects:\n  dx: { onprem: o, gateway: v, jumbo: 9001 }\n", 3,
     "jumbo must be true or false, found '9001'"},
    {"a time scale above 1", "name: t\ntime_scale: 2\n", 2,
     "time_scale must be a number above 0 and at most 1"},
    {"a region that is not a region name", "name: t\nregion: europe\n", 2,
     "region 'europe' is not an AWS region name; write one like us-east-1"},
    {"an availability zone of another region",
     "name: t\nregion: eu-west-2\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: "
     "{ cidr: 10.0.1.0/24, availability_zone: us-east-1a }\n",
     7,
     "availability zone 'us-east-1a' is not one of region eu-west-2's; write the region and a "
     "letter: eu-west-2a"},
    {"metadata tokens neither required nor optional",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24 "
     "}\n    instances:\n      x: { subnet: a, metadata: { tokens: v2 } }\n",
     8, "tokens must be required (IMDSv2 only) or optional (IMDSv1 too), found 'v2'"},
    {"a UDP stream timeout past AWS's 180 s",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24 "
     "}\n    instances:\n      x: { subnet: a, connection_tracking: { udp_stream_timeout: 300 } "
     "}\n",
     8, "udp_stream_timeout must be a whole number from 60 to 180, found '300'"},
    {"metadata hop limit past 64",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24 "
     "}\n    instances:\n      x:\n        subnet: a\n        metadata: { hop_limit: 65 }\n",
     10, "hop_limit must be a whole number from 1 to 64, found '65'"},
    {"a private hosted zone associated with an unknown VPC",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\nprivate_hosted_zones:\n  corp.internal:\n"
     "    vpcs: [prd]\n",
     7, "unknown vpc 'prd'; did you mean 'prod'?"},
    {"a record type vpcemu does not answer",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\nprivate_hosted_zones:\n  corp.internal:\n    "
     "vpcs: [prod]\n    records:\n"
     "      - { name: mail, type: MX, values: [10 mx.corp.internal] }\n",
     9, "record type 'MX' is not one vpcemu answers; use A, AAAA or CNAME"},
    {"a CNAME with two values",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\nprivate_hosted_zones:\n  corp.internal:\n    "
     "vpcs: [prod]\n    records:\n"
     "      - { name: api, type: CNAME, values: [a.corp.internal, b.corp.internal] }\n",
     9, "a CNAME record has exactly one value, a DNS name"},
    {"an A record with an IPv6 address",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\nprivate_hosted_zones:\n  corp.internal:\n    "
     "vpcs: [prod]\n    records:\n"
     "      - { name: db, type: A, values: [\"2600::1\"] }\n",
     9, "'2600::1' is not an IPv4 address, as an A record needs"},
    {"a CNAME beside another record of the name",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\nprivate_hosted_zones:\n  corp.internal:\n    "
     "vpcs: [prod]\n    records:\n"
     "      - { name: db, type: A, values: [10.0.2.10] }\n"
     "      - { name: db, type: CNAME, values: [x.corp.internal] }\n",
     10, "db.corp.internal already has an A record; a CNAME is the only record of its name"},
    {"subnet missing cidr",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { route_table: x }\n",
     6, "subnet 'a' has no 'cidr'"},
    {"unknown route table on subnet",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24, "
     "route_table: publik }\n    route_tables:\n      public: {}\n",
     6, "unknown route table 'publik' in vpc 'prod'; did you mean 'public'?"},
    {"unknown main route table",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    main_route_table: nope\n", 5,
     "unknown route table 'nope'"},
    {"invalid resource name",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      Public_A: { cidr: "
     "10.0.1.0/24 }\n",
     6, "invalid name 'Public_A'"},
    {"route to internet gateway without one",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    route_tables:\n      r:\n        "
     "routes:\n"
     "          - { destination: 0.0.0.0/0, target: internet_gateway }\n",
     8, "has none; set 'internet_gateway: true'"},
    {"unknown route target",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    route_tables:\n      r:\n        "
     "routes:\n"
     "          - { destination: 0.0.0.0/0, target: internet }\n",
     8, "unknown route target 'internet'"},
    {"route to undefined nat gateway",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    route_tables:\n      r:\n        "
     "routes:\n"
     "          - { destination: 0.0.0.0/0, target: nat_gateway/nat-a }\n",
     8, "unknown NAT gateway 'nat-a' in vpc 'prod'; none is defined"},
    {"route to unknown instance",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    route_tables:\n      r:\n        "
     "routes:\n"
     "          - { destination: 0.0.0.0/0, target: instance/fw }\n",
     8, "unknown instance 'fw'"},
    {"duplicate route destination",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    route_tables:\n      r:\n        "
     "routes:\n"
     "          - { destination: 192.0.2.0/24, target: blackhole }\n"
     "          - { destination: 192.0.2.0/24, target: blackhole }\n",
     9, "has two routes to 192.0.2.0/24"},
    {"route replacing the local route",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    route_tables:\n      r:\n        "
     "routes:\n"
     "          - { destination: 10.0.0.0/16, target: blackhole }\n",
     8, "conflicts with the local route"},
    {"route without target",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    route_tables:\n      r:\n        "
     "routes:\n"
     "          - { destination: 0.0.0.0/0 }\n",
     8, "route has no 'target'"},
    {"instance in unknown subnet",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      pub: { cidr: 10.0.1.0/24 "
     "}\n"
     "    instances:\n      web: { subnet: pbu }\n",
     8, "unknown subnet 'pbu' in vpc 'prod'; did you mean 'pub'?"},
    {"instance without subnet",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    instances:\n      web: { public_ip: "
     "false }\n",
     6, "instance 'web' has no 'subnet'"},
    {"private ip outside subnet",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      pub: { cidr: 10.0.1.0/24 "
     "}\n"
     "    instances:\n      web: { subnet: pub, private_ip: 10.0.2.10 }\n",
     8, "private_ip 10.0.2.10 is outside subnet 'pub'"},
    {"private ip is the router address",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      pub: { cidr: 10.0.1.0/24 "
     "}\n"
     "    instances:\n      web: { subnet: pub, private_ip: 10.0.1.1 }\n",
     8, "is reserved in 10.0.1.0/24: it is the VPC router (base+1)"},
    {"private ip is the DNS address",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      pub: { cidr: 10.0.1.0/24 "
     "}\n"
     "    instances:\n      web: { subnet: pub, private_ip: 10.0.1.2 }\n",
     8, "the DNS server (base+2)"},
    {"private ip is base+3",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      pub: { cidr: 10.0.1.0/24 "
     "}\n"
     "    instances:\n      web: { subnet: pub, private_ip: 10.0.1.3 }\n",
     8, "reserved by AWS for future use"},
    {"private ip is the network address",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      pub: { cidr: 10.0.1.0/24 "
     "}\n"
     "    instances:\n      web: { subnet: pub, private_ip: 10.0.1.0 }\n",
     8, "the network address"},
    {"private ip is the broadcast address",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      pub: { cidr: 10.0.1.0/24 "
     "}\n"
     "    instances:\n      web: { subnet: pub, private_ip: 10.0.1.255 }\n",
     8, "the broadcast address"},
    {"private ip taken twice",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      pub: { cidr: 10.0.1.0/24 "
     "}\n"
     "    instances:\n      a: { subnet: pub, private_ip: 10.0.1.9 }\n"
     "      b: { subnet: pub, private_ip: 10.0.1.9 }\n",
     9, "is already taken by instance 'a'"},
    {"malformed private ip",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      pub: { cidr: 10.0.1.0/24 "
     "}\n"
     "    instances:\n      a: { subnet: pub, private_ip: 10.0.1.300 }\n",
     8, "'10.0.1.300' is not an IPv4 address"},
    {"public_ip not a boolean",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    internet_gateway: true\n    subnets:\n"
     "      pub: { cidr: 10.0.1.0/24 }\n    instances:\n      a: { subnet: pub, public_ip: yes }\n",
     9, "public_ip must be true or false, found 'yes'"},
    {"public address without internet gateway",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      pub: { cidr: 10.0.1.0/24 "
     "}\n"
     "    instances:\n      a: { subnet: pub, public_ip: true }\n",
     8, "has no internet gateway to map it"},
    {"subnet full",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      tiny: { cidr: "
     "10.0.1.0/28 }\n"
     "    instances:\n      a: { subnet: tiny }\n      b: { subnet: tiny }\n      c: { subnet: "
     "tiny }\n"
     "      d: { subnet: tiny }\n      e: { subnet: tiny }\n      f: { subnet: tiny }\n"
     "      g: { subnet: tiny }\n      h: { subnet: tiny }\n      i: { subnet: tiny }\n"
     "      j: { subnet: tiny }\n      k: { subnet: tiny }\n      l: { subnet: tiny }\n",
     19, "has no free address left for instance 'l'"},
    {"elastic ip inside a vpc",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    internet_gateway: true\n    subnets:\n"
     "      pub: { cidr: 10.0.1.0/24 }\n    instances:\n      a: { subnet: pub, elastic_ip: "
     "10.0.9.9 }\n",
     9, "lies inside vpc 'prod'"},
    {"elastic ip equal to a host",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    internet_gateway: true\n    subnets:\n"
     "      pub: { cidr: 10.0.1.0/24 }\n    instances:\n      a: { subnet: pub, elastic_ip: "
     "198.51.100.20 }\n"
     "internet:\n  hosts:\n    client: { ip: 198.51.100.20 }\n",
     9, "is already used by internet host 'client'"},
    {"host with link-local address", "name: t\ninternet:\n  hosts:\n    h: { ip: 169.254.1.1 }\n",
     4, "cannot be a public address"},
    {"host without ip", "name: t\ninternet:\n  hosts:\n    h: {}\n", 4,
     "internet host 'h' has no 'ip'"},
    {"instance and host share a name",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      pub: { cidr: 10.0.1.0/24 "
     "}\n"
     "    instances:\n      web: { subnet: pub }\ninternet:\n  hosts:\n    web: { ip: 198.51.100.1 "
     "}\n",
     11, "internet host name 'web' is already used"},
    {"instance name reused across vpcs",
     "name: t\nvpcs:\n  a:\n    cidr: 10.0.0.0/16\n    subnets:\n      s: { cidr: 10.0.1.0/24 }\n"
     "    instances:\n      web: { subnet: s }\n  b:\n    cidr: 10.1.0.0/16\n    subnets:\n"
     "      s: { cidr: 10.1.1.0/24 }\n    instances:\n      web: { subnet: s }\n",
     14, "instance name 'web' is already used"},
    {"expect unknown source",
     "name: t\ninternet:\n  hosts:\n    client: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: clinet, to: client, protocol: icmp, result: allow }\n",
     6, "unknown source 'clinet'"},
    {"expect unknown destination",
     "name: t\ninternet:\n  hosts:\n    client: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: client, to: nowhere, protocol: icmp, result: allow }\n",
     6, "unknown destination 'nowhere'"},
    {"expect bad protocol",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: c, to: c, protocol: sctp, result: allow }\n",
     6, "unknown protocol 'sctp'"},
    {"expect tcp without port",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: c, to: c, protocol: tcp, result: allow }\n",
     6, "needs a 'port'"},
    {"expect icmp with port",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: c, to: c, protocol: icmp, port: 7, result: allow }\n",
     6, "icmp has no ports"},
    {"expect port out of range",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: c, to: c, protocol: tcp, port: 70000, result: allow }\n",
     6, "port must be a whole number from 1 to 65535"},
    {"expect bad result",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: c, to: c, protocol: icmp, result: maybe }\n",
     6, "result must be allow or deny"},
    {"run with unterminated quote",
     "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      pub: { cidr: 10.0.1.0/24 "
     "}\n"
     "    instances:\n      a: { subnet: pub, run: \"echo 'oops\" }\n",
     8, "unterminated quote"},
    {"a run: entry has no destination",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: c, run: \"curl -sf http://x\", to: c }\n",
     6, "'to' does not apply to a run: entry"},
    {"a run: entry's result is success or failure",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: c, run: [true], result: allow }\n",
     6, "a run: entry's result is success (exit status 0) or failure, found 'allow'"},
    {"a probe's result is not success",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: c, to: c, protocol: icmp, result: success }\n",
     6, "(success and failure are for run: entries)"},
    {"a run: entry runs somewhere",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { run: [true] }\n",
     6, "run: entry has no 'from'"},
    {"a run: entry's source exists",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: d, run: [true] }\n",
     6, "unknown source 'd'"},
    {"a run: entry's command is not empty",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: c, run: \"\" }\n",
     6, "run: empty command"},
    {"timeout is for run: entries",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: c, to: c, protocol: icmp, result: allow, timeout: 5 }\n",
     6, "'timeout' applies only to run: entries"},
    {"a run: entry's timeout is bounded",
     "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
     "  - { from: c, run: [sleep, 1], timeout: 0 }\n",
     6, "timeout must be a whole number from 1 to 3600"},
    {"a VPN attachment names a connection that exists",
     "name: t\ntransit_gateways:\n  hub:\n    attachments:\n      office: { vpn: office-vpn }\n", 5,
     "unknown VPN connection 'office-vpn'"},
};

}  // namespace

TEST_CASE("the sample scenario is valid") {
  auto d = diagnose(kValid);
  INFO(dump(d));
  CHECK_FALSE(d.has_errors());
}

TEST_CASE("invalid scenarios name the line and the problem") {
  for (const auto& c : kCases) {
    SECTION(c.title) {
      auto d = diagnose(c.yaml);
      INFO(dump(d));
      CHECK(has(d, Severity::kError, c.line, c.message));
    }
  }
}

TEST_CASE("a run: entry is a command with its expected outcome") {
  auto r = parse_scenario_text(
      "name: t\ninternet:\n  hosts:\n    c: { ip: 198.51.100.1 }\nexpect:\n"
      "  - { from: c, run: \"sh -c 'exit 3'\", result: failure, timeout: 5 }\n"
      "  - { from: c, run: [curl, -sf, http://x] }\n",
      "t.yaml");
  validate(r.scenario, r.diags);
  INFO(dump(r.diags));
  REQUIRE_FALSE(r.diags.has_errors());
  REQUIRE(r.scenario.expects.size() == 2);
  const Expect& a = r.scenario.expects[0];
  CHECK(a.runs());
  CHECK(a.run == std::vector<std::string>{"sh", "-c", "exit 3"});
  CHECK_FALSE(a.allow);
  CHECK(a.timeout_s == 5);
  const Expect& b = r.scenario.expects[1];
  CHECK(b.run == std::vector<std::string>{"curl", "-sf", "http://x"});
  CHECK(b.allow);  // success unless it says otherwise
  CHECK(b.timeout_s == 30);
}

TEST_CASE("every problem is reported, not only the first") {
  auto d = diagnose(
      "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/8\n    subnets:\n      a: { cidr: 10.1.0.0/24 "
      "}\n"
      "    bogus: 1\n");
  INFO(dump(d));
  CHECK(has(d, Severity::kError, 4, "is a /8"));
  CHECK(has(d, Severity::kError, 7, "unknown key 'bogus'"));
  CHECK(d.error_count() >= 2);
}

TEST_CASE("host bits are canonicalised with a warning") {
  auto r = parse_scenario_text("name: t\nvpcs:\n  prod:\n    cidr: 100.68.0.18/18\n", "t.yaml");
  validate(r.scenario, r.diags);
  INFO(dump(r.diags));
  CHECK_FALSE(r.diags.has_errors());
  CHECK(has(r.diags, Severity::kWarning, 4, "has host bits set; using 100.68.0.0/18"));
  CHECK(r.scenario.vpcs.at("prod").cidr->str() == "100.68.0.0/18");
}

TEST_CASE("a route inside the VPC CIDR: only a middlebox, only a whole subnet") {
  const std::string head =
      "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    internet_gateway: true\n"
      "    subnets:\n      a: { cidr: 10.0.1.0/24 }\n      b: { cidr: 10.0.2.0/24 }\n"
      "    instances:\n      fw: { subnet: a, source_dest_check: false }\n"
      "      web: { subnet: b }\n    route_tables:\n      r:\n";
  SECTION("a blackhole is refused") {
    auto d =
        diagnose(head + "        routes: [ { destination: 10.0.2.0/24, target: blackhole } ]\n");
    CHECK(has(d, Severity::kError, 14, "only a middlebox"));
  }
  SECTION("an instance for a whole subnet is accepted") {
    auto d =
        diagnose(head + "        routes: [ { destination: 10.0.2.0/24, target: instance/fw } ]\n");
    INFO(dump(d));
    CHECK_FALSE(d.has_errors());
    CHECK(d.items().empty());
  }
  SECTION("part of a subnet is refused, naming the subnets") {
    auto d =
        diagnose(head + "        routes: [ { destination: 10.0.2.0/25, target: instance/fw } ]\n");
    CHECK(has(d, Severity::kError, 14, "no subnet's whole CIDR"));
    CHECK(has(d, Severity::kError, 14, "b 10.0.2.0/24"));
  }
  SECTION("an instance with its check on draws a warning") {
    auto d =
        diagnose(head + "        routes: [ { destination: 10.0.2.0/24, target: instance/web } ]\n");
    CHECK_FALSE(d.has_errors());
    CHECK(has(d, Severity::kWarning, 14, "set 'source_dest_check: false'"));
  }
  SECTION("the whole block only from a gateway route table") {
    auto d =
        diagnose(head + "        routes: [ { destination: 10.0.0.0/16, target: instance/fw } ]\n");
    CHECK(has(d, Severity::kError, 14, "conflicts with the local route"));
    auto e = diagnose(head +
                      "        edge_associations: [internet_gateway]\n"
                      "        routes: [ { destination: 10.0.0.0/16, target: instance/fw } ]\n");
    INFO(dump(e));
    CHECK_FALSE(e.has_errors());
  }
  SECTION("a gateway route table routes only inside the VPC, only to middleboxes") {
    auto d = diagnose(head +
                      "        edge_associations: [internet_gateway]\n"
                      "        routes:\n"
                      "          - { destination: 0.0.0.0/0, target: instance/fw }\n"
                      "          - { destination: 10.0.2.0/24, target: nat_gateway/x }\n");
    CHECK(has(d, Severity::kError, 16, "may route only destinations inside the VPC"));
    CHECK(has(d, Severity::kError, 17, "routes only to instance/<name>"));
  }
  SECTION("a gateway route table needs its gateway, once") {
    auto d = diagnose(head +
                      "        edge_associations: [vpn_gateway, internet_gateway, nat]\n"
                      "      s:\n        edge_associations: [internet_gateway]\n");
    CHECK(has(d, Severity::kError, 14, "no VPN connection or Direct Connect"));
    CHECK(has(d, Severity::kError, 14, "cannot be associated with 'nat'"));
    CHECK(has(d, Severity::kError, 16, "already has a gateway route table"));
  }
  SECTION("endpoint targets must be gateway load balancer endpoints") {
    auto d =
        diagnose(head + "        routes: [ { destination: 0.0.0.0/0, target: endpoint/x } ]\n");
    CHECK(has(d, Severity::kError, 14, "unknown endpoint 'x'"));
  }
}

TEST_CASE("diagnostics format as file:line:col") {
  auto d = diagnose("name: t\nvpc: {}\n");
  REQUIRE(d.items().size() == 1);
  CHECK(format_diagnostic("s.yaml", d.items()[0]) ==
        "s.yaml:2:1: error: unknown key 'vpc' in the scenario; did you mean 'vpcs'?\n");
}

TEST_CASE("scenario files shipped in scenarios/ are valid") {
  for (const char* f : {"basic-vpc.yaml", "routing.yaml", "two-vpcs.yaml"}) {
    auto r = parse_scenario_file(std::string(VPCEMU_SOURCE_DIR) + "/scenarios/" + f);
    validate(r.scenario, r.diags);
    INFO(f << "\n" << dump(r.diags));
    CHECK_FALSE(r.diags.has_errors());
  }
}
