// The address a probe of `vpcemu check` is sent to, chosen as a real client would choose it.
#include "analyze/probe_target.h"

namespace vpcemu {

bool addresses_privately(const Scenario& sc, const std::string& kind, const std::string& vpc,
                         const std::string& site, const std::string& dst_vpc) {
  if (kind == "instance") return vpc == dst_vpc || sc.privately_connected(vpc, dst_vpc);
  if (kind == "vpn-client") return vpc == dst_vpc;
  if (kind != "onprem-host") return false;
  // An office reaches a VPC it has a VPN (to its gateway or a hub it is attached to) or a
  // Direct Connect to at private addresses.
  for (const auto& [_, c] : sc.vpn_connections) {
    if (c.customer_gateway != site) continue;
    if (c.vpc == dst_vpc) return true;
    if (auto t = sc.transit_gateways.find(c.tgw); t != sc.transit_gateways.end())
      for (const auto& [_, a] : t->second.attachments)
        if (a.vpc == dst_vpc) return true;
  }
  for (const auto& [_, x] : sc.direct_connects)
    if (x.onprem == site && x.vpc == dst_vpc) return true;
  return false;
}

ProbeTarget probe_target(const Scenario& sc, const Plan& plan, const Expect& e) {
  const EndpointInfo* src = plan.endpoint(e.from);
  const EndpointInfo* dst = plan.endpoint(e.to);
  ProbeTarget t;
  t.src_ns = src ? src->ns : "";
  if (dst && e.ip_version == 6) {
    t.dst_ns = {dst->ns};
    t.dst = dst->ipv6.value_or(IpAddr{});
  } else if (dst) {
    t.dst_ns = {dst->ns};
    // An office's endpoints name their network in `subnet`.
    const bool outside = !addresses_privately(sc, src->kind, src->vpc, src->subnet, dst->vpc);
    t.dst = (outside && dst->public_ip) ? *dst->public_ip : dst->private_ip.value_or(Ipv4{});
  } else if (auto ip = IpAddr::parse(e.to)) {
    t.dst = *ip;
    for (const auto& x : plan.endpoints)
      if ((x.private_ip && IpAddr(*x.private_ip) == t.dst) ||
          (x.public_ip && IpAddr(*x.public_ip) == t.dst) || (x.ipv6 && *x.ipv6 == t.dst))
        t.dst_ns = {x.ns};
  } else {
    // An interface endpoint of the source's VPC, by name: its first ENI.
    for (const auto& g : plan.gateways) {
      if (g.kind != "interface-endpoint" || g.vpc != src->vpc || g.name != e.to) continue;
      t.dst = g.private_ip;
      break;
    }
    // Behind an endpoint service, the load balancer's targets answer.
    const auto& ep = sc.vpcs.at(src->vpc).endpoints.at(e.to);
    if (ep.service.endpoint_service) {
      for (const auto& target : sc.endpoint_services.at(ep.service.name).targets)
        if (auto* te = plan.endpoint(target)) t.dst_ns.push_back(te->ns);
    } else if (auto* svc = plan.endpoint(ep.service.name)) {
      t.dst_ns = {svc->ns};
    }
  }
  return t;
}

}  // namespace vpcemu
