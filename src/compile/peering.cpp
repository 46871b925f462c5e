// VPC peering: a veth between two VPC routers with a /30 of its own (and link-local IPv6 when
// both VPCs have an IPv6 block); what may cross it is decided in vpc_router (routes of each
// table, and nothing that transits).
#include <stdexcept>

#include "compile/constructs.h"

namespace vpcemu::compiling {

void plan_peerings(CompileContext& cx) {
  uint32_t k = 0;
  for (const auto& [name, p] : cx.sc.peerings) {
    PeerLink l;
    l.name = name;
    l.vpc_a = p.requester;
    l.vpc_b = p.accepter;
    l.port_a = cx.unique_ifname(ns_name(cx.sc.name, "vpc", l.vpc_a), "p-", name);
    l.port_b = cx.unique_ifname(ns_name(cx.sc.name, "vpc", l.vpc_b), "p-", name);
    l.addr_a = Ipv4{0xA9FE1000 + 4 * k + 1};
    l.addr_b = Ipv4{0xA9FE1000 + 4 * k + 2};
    cx.peer_links.push_back(l);
    ++k;
  }
}

const PeerLink& peer_link(CompileContext& cx, const std::string& name) {
  for (const auto& l : cx.peer_links)
    if (l.name == name) return l;
  throw std::logic_error("unknown peering " + name);  // validate rules this out
}

void peering(CompileContext& cx, const PeerLink& l) {
  std::string ra = ns_name(cx.sc.name, "vpc", l.vpc_a), rb = ns_name(cx.sc.name, "vpc", l.vpc_b);
  cx.point_to_point(ra, l.port_a, l.addr_a, rb, l.port_b, l.addr_b, 32,
                    "peering " + l.name + " (" + l.vpc_a + " ↔ " + l.vpc_b + ")", kMtuVpc);
  if (peering_ipv6(cx.sc, l)) cx.link_local_pair(ra, l.port_a, rb, l.port_b);
}

bool peering_ipv6(const Scenario& sc, const PeerLink& l) {
  return sc.vpcs.at(l.vpc_a).ipv6_cidr && sc.vpcs.at(l.vpc_b).ipv6_cidr;
}

}  // namespace vpcemu::compiling
