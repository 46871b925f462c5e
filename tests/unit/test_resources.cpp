// `vpcemu plan` in AWS's terms: a scenario's resources, and what changes between two files.
#include "analyze/resources.h"
#include "helpers.h"

using namespace vpcemu;

namespace {

Scenario parsed(const std::string& yaml) {
  auto r = parse_scenario_text(yaml, "t.yaml");
  validate(r.scenario, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  return r.scenario;
}

const char* kBase =
    "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    internet_gateway: true\n"
    "    subnets:\n      pub: { cidr: 10.0.1.0/24, route_table: public }\n"
    "    route_tables:\n      public:\n        routes:\n"
    "          - { destination: 0.0.0.0/0, target: internet_gateway }\n"
    "    security_groups:\n      web:\n        ingress:\n"
    "          - { protocol: tcp, ports: 80, source: 0.0.0.0/0 }\n"
    "    instances:\n      web-1: { subnet: pub, public_ip: true, security_groups: [web] }\n";

}  // namespace

TEST_CASE("plan: a new scenario is every resource to add, counted") {
  const auto changes = resource_changes({}, aws_resources(parsed(kBase)));
  const std::string text = changes_text(changes);
  INFO(text);
  CHECK(text.find("  + vpc prod (10.0.0.0/16, internet gateway)\n") != std::string::npos);
  CHECK(text.find("  + route prod/public 0.0.0.0/0 → internet_gateway\n") != std::string::npos);
  CHECK(text.find("  + security_group_rule prod/web ingress tcp 80 from 0.0.0.0/0\n") !=
        std::string::npos);
  CHECK(text.find("  + instance web-1 (vpc prod, subnet pub, 10.0.1.4, public 203.0.113.1, "
                  "groups web)\n") != std::string::npos);
  CHECK(text.find("Plan: 7 to add, 0 to change, 0 to destroy.\n") != std::string::npos);
}

TEST_CASE("plan: a changed file is added, changed and destroyed resources") {
  std::string after = kBase;
  after.replace(after.find("ports: 80"), 9, "ports: 443");  // a rule replaced
  after.replace(after.find("public_ip: true, "), 17, "");   // web-1 loses its public address
  after += "      web-2: { subnet: pub, security_groups: [web] }\n";  // an instance added
  const auto changes = resource_changes(aws_resources(parsed(kBase)), aws_resources(parsed(after)));
  const std::string text = changes_text(changes);
  INFO(text);
  CHECK(text.find("  + security_group_rule prod/web ingress tcp 443 from 0.0.0.0/0\n") !=
        std::string::npos);
  CHECK(text.find("  - security_group_rule prod/web ingress tcp 80 from 0.0.0.0/0\n") !=
        std::string::npos);
  CHECK(text.find("  ~ instance web-1 (vpc prod, subnet pub, 10.0.1.4, groups web) (was vpc prod, "
                  "subnet pub, 10.0.1.4, public 203.0.113.1, groups web)\n") != std::string::npos);
  CHECK(text.find("  + instance web-2") != std::string::npos);
  CHECK(text.find("Plan: 2 to add, 1 to change, 1 to destroy.\n") != std::string::npos);
  CHECK(resource_changes(aws_resources(parsed(kBase)), aws_resources(parsed(kBase))).empty());
}
