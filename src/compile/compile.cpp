// Compilation of the AWS model to Linux objects (design.md §2):
//   VPC → router netns; ENI → veth (instance eth0 ↔ router e-<name>) with proxy ARP;
//   route table → Linux table chosen by fwmark (set by nft from the ingress port);
//   local route → policy rule "to <vpc cidr> lookup main" ahead of every table;
//   internet gateway → netns with 1:1 NAT maps; internet → a router netns plus host netns.
#include "compile/compile.h"

#include "compile/constructs.h"
#include "util/text.h"

namespace vpcemu {

std::string ns_name(const std::string& scenario, const std::string& kind, const std::string& name) {
  return scenario + "." + kind + "." + name;
}

std::string endpoint_ns_name(const std::string& scenario, const std::string& name) {
  return scenario + "." + name;
}

std::string short_ifname(const std::string& prefix, const std::string& name, int salt) {
  std::string full = prefix + name;
  if (full.size() <= 15 && salt == 0) return full;
  std::string seed = salt ? name + "#" + std::to_string(salt) : name;
  size_t keep = 15 - prefix.size() - 7;
  return prefix + name.substr(0, keep) + "-" + hex(stable_hash(seed), 6);
}

std::string stable_mac(const std::string& seed) {
  std::string h = hex(stable_hash(seed), 10);
  std::string mac = "02";
  for (int i = 0; i < 10; i += 2) mac += ":" + h.substr(i, 2);
  return mac;
}

// The order of the steps is the order of the plan (golden listings in tests/unit/golden pin it):
// links every later step refers to first, then each VPC, then what lies around them.
Plan compile(const Scenario& sc, const std::string& scenario_dir) {
  using namespace compiling;
  CompileContext cx(sc, scenario_dir);
  bool need_internet = !cx.sc.hosts.empty() || !cx.sc.endpoint_services.empty() ||
                       !cx.sc.onprem.empty() || !cx.sc.client_vpn_endpoints.empty();
  for (const auto& [_, vpc] : cx.sc.vpcs)
    need_internet |=
        vpc.internet_gateway || vpc.egress_only_internet_gateway || !vpc.endpoints.empty();
  // Each instance makes a namespace, a veth, about four sysctls and two each of addresses,
  // neighbours and routes: the lists sized once, not regrown (and copied) a dozen times each.
  size_t n = sc.hosts.size();
  for (const auto& [_, vpc] : cx.sc.vpcs) n += vpc.instances.size() + 64;
  cx.plan.namespaces.reserve(n);
  cx.plan.endpoints.reserve(n);
  cx.plan.veths.reserve(n);
  cx.plan.sysctls.reserve(4 * n + 8);
  cx.plan.addrs.reserve(2 * n);
  cx.plan.neighs.reserve(2 * n);
  cx.plan.routes.reserve(2 * n);
  if (need_internet) internet(cx);
  plan_peerings(cx);
  plan_tgw_links(cx);
  for (const auto& [vname, vpc] : cx.sc.vpcs)
    for (const auto& [iname, in] : vpc.instances)
      if (auto ip = cx.addr.private_ip.find(iname); ip != cx.addr.private_ip.end())
        for (const auto& g : effective_groups(in))
          cx.members[{vname, g}].push_back(ip->second.str());
  for (const auto& [_, vpc] : cx.sc.vpcs) compile_vpc(cx, vpc);
  for (const auto& [_, h] : cx.sc.hosts) host(cx, h);
  egress_only_returns(cx);
  for (const auto& [_, o] : cx.sc.onprem) onprem(cx, o);
  vpn_tunnels(cx);
  for (const auto& [_, x] : cx.sc.direct_connects) direct_connect(cx, x);
  birds(cx);
  if (need_internet)
    for (const auto& [_, svc] : cx.sc.services) service(cx, svc);
  for (const auto& [_, es] : cx.sc.endpoint_services) load_balancer_rules(cx, es);
  gateway_load_balancer_services(cx);
  for (const auto& l : cx.peer_links) peering(cx, l);
  for (const auto& [_, t] : cx.sc.transit_gateways) transit_gateway(cx, t);
  tgw_peerings(cx);
  return std::move(cx.plan);
}

}  // namespace vpcemu
