// The classic traps validate warns about (each with its line and the fix), their silence where
// the scenario's own expect: demonstrates them, and no such warning on any lab.
#include <filesystem>

#include "helpers.h"
#include "scenario/parse.h"
#include "validate/validate.h"

using namespace vpcemu;
using namespace vpcemu::test;

namespace {

// The lint's warnings: those that cite the three trap rules.
std::vector<std::string> traps(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& i : d.items())
    if (i.severity == Severity::kWarning &&
        (i.message.find("(AWS rule 15)") != std::string::npos ||
         i.message.find("(AWS rule 20)") != std::string::npos ||
         i.message.find("(AWS rule 22)") != std::string::npos ||
         i.message.find("(AWS rules 20, 21)") != std::string::npos))
      out.push_back(i.message);
  return out;
}

const char* kNaclTrap =
    "name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    subnets:\n"
    "      web: { cidr: 10.0.1.0/24, network_acl: web }\n"
    "    network_acls:\n      web:\n        ingress:\n"
    "          - { rule: 100, protocol: tcp, ports: 80, source: 0.0.0.0/0, action: allow }\n"
    "        egress:\n"
    "          - { rule: 100, protocol: tcp, ports: 80, destination: 0.0.0.0/0, action: allow }\n"
    "    instances:\n      w: { subnet: web }\n";

}  // namespace

TEST_CASE("lint: a NACL that admits a service but not its replies") {
  auto d = diagnose(kNaclTrap);
  INFO(dump(d));
  CHECK_FALSE(d.has_errors());
  CHECK(has(d, Severity::kWarning, 10, "admits tcp 80 from 0.0.0.0/0 (rule 100)"));
  CHECK(has(d, Severity::kWarning, 10, "ports: 1024-65535, destination: 0.0.0.0/0"));
  CHECK(has(d, Severity::kWarning, 12, "lets out tcp 80 to 0.0.0.0/0"));
  // Replies allowed in: the egress rule is answered, the ingress rule not yet.
  std::string half = kNaclTrap;
  half.insert(half.find("        egress:\n"),
              "          - { rule: 110, protocol: tcp, ports: 1024-65535, source: 0.0.0.0/0, "
              "action: allow }\n");
  auto one = traps(diagnose(half));
  REQUIRE(one.size() == 1);
  CHECK(one[0].find("admits tcp 80") != std::string::npos);
  // A scenario whose expect: says the flow is denied demonstrates the trap: no warning.
  auto shown = diagnose(std::string(kNaclTrap) +
                        "internet:\n  hosts:\n    c: { ip: 198.51.100.20 }\n"
                        "expect:\n  - { from: c, to: w, protocol: tcp, port: 80, result: deny }\n");
  CHECK(traps(shown).empty());
}

TEST_CASE("lint: a peering route with no route back") {
  const std::string s =
      "name: t\nvpcs:\n"
      "  a:\n    cidr: 10.1.0.0/16\n    route_tables:\n      r:\n        routes:\n"
      "          - { destination: 10.2.0.0/16, target: peering/ab }\n"
      "  b:\n    cidr: 10.2.0.0/16\n"
      "peerings:\n  ab: { requester: a, accepter: b }\n";
  auto d = diagnose(s);
  INFO(dump(d));
  CHECK(
      has(d, Severity::kWarning, 8, "vpc 'b' has no route back over peering 'ab' to 10.1.0.0/16"));
  auto both = diagnose(s.substr(0, s.find("peerings:")) +
                       "    route_tables:\n      r:\n        routes:\n"
                       "          - { destination: 10.1.0.0/16, target: peering/ab }\n" +
                       "peerings:\n  ab: { requester: a, accepter: b }\n");
  INFO(dump(both));
  CHECK(traps(both).empty());
}

TEST_CASE("lint: an internet route for instances without a public address") {
  const std::string s =
      "name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    internet_gateway: true\n"
      "    subnets:\n      pub: { cidr: 10.0.1.0/24, route_table: out }\n"
      "    route_tables:\n      out:\n        routes:\n"
      "          - { destination: 0.0.0.0/0, target: internet_gateway }\n"
      "    instances:\n      a: { subnet: pub }\n      b: { subnet: pub }\n";
  auto d = diagnose(s);
  INFO(dump(d));
  CHECK(has(d, Severity::kWarning, 7, "none of its instances (a, b) has a public address"));
  CHECK(traps(diagnose(s + "      c: { subnet: pub, public_ip: true }\n")).empty());
  // An appliance forwards others' traffic: it needs no address of its own.
  std::string fw = s;
  fw.replace(fw.find("a: { subnet: pub }"), 18, "a: { subnet: pub, source_dest_check: false }");
  fw.replace(fw.find("b: { subnet: pub }"), 18, "b: { subnet: pub, source_dest_check: false }");
  CHECK(traps(diagnose(fw)).empty());
}

TEST_CASE("lint: public addresses in a subnet routed to a NAT gateway") {
  const std::string s =
      "name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    internet_gateway: true\n"
      "    subnets:\n      pub: { cidr: 10.0.1.0/24, route_table: public }\n"
      "      app: { cidr: 10.0.2.0/24, route_table: private }\n"
      "    route_tables:\n      public:\n        routes:\n"
      "          - { destination: 0.0.0.0/0, target: internet_gateway }\n"
      "      private:\n        routes:\n"
      "          - { destination: 0.0.0.0/0, target: nat_gateway/n }\n"
      "    nat_gateways:\n      n: { subnet: pub }\n"
      "    instances:\n      a: { subnet: app }\n";
  INFO(dump(diagnose(s)));
  CHECK(traps(diagnose(s)).empty());
  const std::string web = s + "      w: { subnet: app, public_ip: true }\n";
  auto d = diagnose(web);
  INFO(dump(d));
  CHECK_FALSE(d.has_errors());
  CHECK(has(d, Severity::kWarning, 15,
            "sends the internet to NAT gateway 'n', but its instances w have public addresses"));
  CHECK(has(d, Severity::kWarning, 15, "route 0.0.0.0/0 to internet_gateway in this subnet's"));
  // Its own expect: that the internet cannot reach w demonstrates it: no warning.
  CHECK(traps(diagnose(web + "internet:\n  hosts:\n    c: { ip: 198.51.100.20 }\n"
                             "expect:\n  - { from: c, to: w, protocol: tcp, port: 80, "
                             "result: deny }\n"))
            .empty());
}

TEST_CASE("lint: no trap warning on any lab") {
  namespace fs = std::filesystem;
  for (const char* dir : {"scenarios", "tests/integration/scenarios"})
    for (const auto& e : fs::directory_iterator(fs::path(VPCEMU_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".yaml") continue;
      auto r = parse_scenario_file(e.path().string());
      validate(r.scenario, r.diags);
      INFO(e.path().string() << "\n" << dump(r.diags));
      CHECK(traps(r.diags).empty());
    }
}
