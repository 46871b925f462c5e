// Inputs that once crashed vpcemu (found by the fuzzer in tests/fuzz or by hand), each
// minimised: every one is now a diagnostic at its line, and nothing reaches compile unproven.
#include <cstdio>

#include "compile/compile.h"
#include "helpers.h"

using namespace vpcemu;
using namespace vpcemu::test;

namespace {

struct Case {
  const char* what;
  std::string yaml;
  int line;
  const char* message;
};

const std::string kVpc =
    "name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    internet_gateway: true\n"
    "    subnets:\n      pub: { cidr: 10.0.1.0/24, route_table: pub }\n"
    "    route_tables:\n      pub:\n        routes:\n"
    "          - { destination: 0.0.0.0/0, target: internet_gateway }\n";  // 11 lines

const std::string kOffice =
    "onprem:\n  office:\n    cidr: 192.168.0.0/16\n    router: { public_ip: 198.51.100.50 }\n";

}  // namespace

TEST_CASE("inputs that once crashed are diagnostics at their line") {
  const std::vector<Case> cases = {
      {"a NAT gateway asking for an instance's address",
       kVpc + "    instances:\n      a: { subnet: pub, private_ip: 10.0.1.10 }\n"
              "    nat_gateways:\n      n: { subnet: pub, private_ip: 10.0.1.10 }\n",
       15, "private_ip 10.0.1.10 is already taken by instance 'a'"},
      {"an empty customer gateway",
       kVpc + kOffice + "vpn_connections:\n  x: { vpn_gateway: v, customer_gateway: '' }\n", 17,
       "customer_gateway must not be empty"},
      {"an empty subnet reference", kVpc + "    instances:\n      a: { subnet: \"\" }\n", 13,
       "subnet must not be empty"},
      {"a VPC whose keys were cut off", "name: t\nvpcs:\n  v:\n", 3, "vpc 'v' has no 'cidr'"},
      {"an office whose keys were cut off", kVpc + "onprem:\n  office:\n", 13,
       "on-premises network 'office' has no 'cidr'"},
      {"a NAT gateway with nothing in it", kVpc + "    nat_gateways:\n      n:\n", 13,
       "NAT gateway 'n' has no 'subnet'"},
      {"an empty route", kVpc + "          -\n", 12, "route has no 'destination'"},
      {"a key line duplicated inside a VPC",
       "name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    cidr: 10.1.0.0/16\n", 5,
       "duplicate key 'cidr' in vpc 'v'"},
      {"a client VPN endpoint without its vpc line",
       kVpc + "client_vpn_endpoints:\n  c:\n    subnets: [pub]\n    client_cidr: 10.100.0.0/22\n",
       13, "client VPN endpoint 'c' has no 'vpc'"},
      {"a group of a VPC that is gone, across a peering that names it",
       kVpc + "    security_groups:\n      g:\n        ingress:\n"
              "          - { protocol: tcp, ports: 80, source: vpc/w/sg/x }\n"
              "peerings:\n  p: { requester: v, accepter: w }\n",
       15, "unknown vpc 'w'"},
  };
  for (const auto& c : cases) {
    INFO(c.what << "\n" << c.yaml);
    Diagnostics d;
    REQUIRE_NOTHROW(d = diagnose(c.yaml));
    INFO(dump(d));
    CHECK(has(d, Severity::kError, c.line, c.message));
  }
}

TEST_CASE("a scenario that validates always compiles") {
  // The same shapes, corrected: compile must produce a plan without throwing.
  const std::vector<std::string> valid = {
      kVpc +
          "    instances:\n      a: { subnet: pub, private_ip: 10.0.1.10 }\n"
          "    nat_gateways:\n      n: { subnet: pub, private_ip: 10.0.1.11 }\n",
      kVpc + kOffice +
          "vpn_connections:\n  x: { vpn_gateway: v, customer_gateway: office,"
          " static_routes: [192.168.0.0/16] }\n",
  };
  for (const auto& y : valid) {
    auto r = parse_scenario_text(y, "t.yaml");
    validate(r.scenario, r.diags);
    INFO(y << dump(r.diags));
    REQUIRE_FALSE(r.diags.has_errors());
    Plan p;
    REQUIRE_NOTHROW(p = compile(r.scenario, "/tmp"));
    CHECK_FALSE(p.namespaces.empty());
  }
}

TEST_CASE("the public pool runs out in order: instances, then NAT gateways, each named") {
  // 203.0.113.0/24 hands out .1 to .254; instances take them in name order.
  auto scenario = [](int instances, bool nat) {
    std::string y =  // 12 lines, then one per instance
        "name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    internet_gateway: true\n"
        "    subnets:\n      pub: { cidr: 10.0.0.0/20, route_table: pub }\n"
        "    route_tables:\n      pub:\n        routes:\n"
        "          - { destination: 0.0.0.0/0, target: internet_gateway }\n    instances:\n";
    char name[16];
    for (int i = 0; i < instances; ++i) {
      std::snprintf(name, sizeof name, "i-%03d", i);
      y += std::string("      ") + name + ": { subnet: pub, public_ip: true }\n";
    }
    if (nat) y += "    nat_gateways:\n      n: { subnet: pub }\n";
    return y;
  };
  auto d = diagnose(scenario(255, false));
  INFO(dump(d));
  CHECK(d.error_count() == 1);
  CHECK(has(d, Severity::kError, 13 + 254,
            "the public address pool 203.0.113.0/24 is exhausted; give instance 'i-254' an "
            "elastic_ip from another range"));
  d = diagnose(scenario(254, true));
  INFO(dump(d));
  CHECK(d.error_count() == 1);
  CHECK(has(d, Severity::kError, 13 + 254 + 1, "is exhausted; give NAT gateway 'n' an elastic_ip"));
  CHECK_FALSE(diagnose(scenario(254, false)).has_errors());
}
