// vpcemu capture's points: each named AWS point of a lab resolved to its namespace and
// interface, and a wrong point answered with what would be right.
#include "analyze/capture_point.h"
#include "compile/compile.h"
#include "helpers.h"

using namespace vpcemu;
using namespace vpcemu::test;

namespace {

Plan lab_plan(const std::string& name) {
  auto r = parse_scenario_file(std::string(VPCEMU_SOURCE_DIR) + "/scenarios/" + name + ".yaml");
  validate(r.scenario, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  return compile(r.scenario, "/scenarios");
}

std::string at(const Plan& plan, const std::string& point) {
  std::string error;
  auto p = capture_point(plan, point, error);
  if (!p) return "error: " + error;
  return p->ns + " " + p->ifname + (p->filter.empty() ? "" : " [" + p->filter + "]");
}

}  // namespace

TEST_CASE("capture points resolve to the namespace and interface of each AWS point") {
  const Plan nat = lab_plan("nat-gateway");
  CHECK(at(nat, "app-1") == "nat-gateway.app-1 eth0");
  CHECK(at(nat, "nat/nat-a") == "nat-gateway.nat.prod.nat-a eth0");
  CHECK(at(nat, "nat/prod/nat-a") == "nat-gateway.nat.prod.nat-a eth0");
  CHECK(at(nat, "igw/prod") == "nat-gateway.igw.prod any");
  CHECK(at(nat, "api") == "nat-gateway.api eth0");
  const Plan vpn = lab_plan("site-to-site-vpn");
  CHECK(at(vpn, "vpn/office-vpn") ==
        "site-to-site-vpn.vgw.prod any [not (udp port 4500 or udp port 500)]");
  CHECK(at(vpn, "vpn/office-vpn/outside") ==
        "site-to-site-vpn.vgw.prod any [udp port 4500 or udp port 500]");
  CHECK(at(vpn, "vgw/prod") == "site-to-site-vpn.vgw.prod any");
  const Plan tgw = lab_plan("transit-gateway");
  CHECK(at(tgw, "tgw/hub") == "transit-gateway.tgw.hub any");
  CHECK(at(tgw, "tgw/hub/prod") == "transit-gateway.tgw.hub a-prod");
  const Plan pcx = lab_plan("peering");
  CHECK(at(pcx, "pcx/hub-a") == "peering.vpc.hub p-hub-a");
  const Plan dx = lab_plan("direct-connect");
  CHECK(at(dx, "dx/dx-1") == "direct-connect.vgw.prod dx-dx-1");
}

TEST_CASE("a wrong capture point says what a capture point is") {
  const Plan nat = lab_plan("nat-gateway");
  CHECK(at(nat, "web-9")
            .rfind("error: 'web-9' is no instance or host of scenario nat-gateway; "
                   "a capture point is an instance or host name, igw/<vpc>",
                   0) == 0);
  CHECK(at(nat, "igw/dev") == "error: no internet gateway of vpc dev in scenario nat-gateway");
  CHECK(at(nat, "nat/nat-b") == "error: no NAT gateway nat-b in scenario nat-gateway");
  CHECK(at(nat, "vpn/x") == "error: no VPN connection x in scenario nat-gateway");
  CHECK(at(nat, "tgw/hub/prod") ==
        "error: no attachment prod of transit gateway hub in scenario nat-gateway");
  CHECK(at(nat, "elb/x").rfind("error: 'elb/x' is not a capture point", 0) == 0);
}
