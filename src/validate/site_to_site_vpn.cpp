// Site-to-site VPN connections: their gateway (a VPC or a transit gateway), customer gateway,
// routing and static routes.
#include "validate/checks.h"

namespace vpcemu::validation {

void validate_vpn_connections(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  // Site-to-site VPNs: an existing VPC and on-premises network whose addresses do not overlap.
  for (const auto& [_, c] : sc.vpn_connections) {
    const Vpc* vpc = resolve(d, sc.vpcs, c.vpc, c.vpc_span, "vpc", " for the VPN gateway");
    const Onprem* office = resolve(d, sc.onprem, c.customer_gateway, c.customer_gateway_span,
                                   "on-premises network", " for the customer gateway");
    if (const TransitGateway* hub =
            resolve(d, sc.transit_gateways, c.tgw, c.tgw_span, "transit gateway", "")) {
      bool attached = false;
      for (const auto& [_, a] : hub->attachments) attached |= a.vpn == c.name;
      if (!attached)
        d.error(c.tgw_span, "VPN connection '" + c.name + "' ends at transit gateway '" + c.tgw +
                                "' but none of its attachments names it; add one such as '" +
                                c.name + ": { vpn: " + c.name + " }'");
      if (office)
        for (const auto& [_, a] : hub->attachments)
          if (auto attached_vpc = sc.vpcs.find(a.vpc); attached_vpc != sc.vpcs.end())
            check_onprem_overlap(d, c.span, *office, attached_vpc->second, "the VPN",
                                 ", attached to '" + c.tgw + "'");
    }
    if (!c.routing) {
      // not a routing mode: the parser said so
    } else if (*c.routing == VpnRouting::kBgp) {
      if (!c.static_routes.empty())
        d.error(c.static_route_spans[0],
                "VPN connection '" + c.name +
                    "' uses BGP: the on-premises router announces its prefixes, so "
                    "static_routes belong only to routing: static");
      if (office) check_bgp_asn(d, c.span, *office, "the customer gateway", "the VPN");
    } else if (c.static_routes.empty()) {
      d.error(c.span, "VPN connection '" + c.name +
                          "' with static routing needs 'static_routes' "
                          "(the on-premises prefixes)");
    }
    if (!vpc) continue;
    const auto& vc = vpc->cidr;
    for (size_t i = 0; i < c.static_routes.size(); ++i) {
      if (vc && vc->overlaps(c.static_routes[i]))
        d.error(c.static_route_spans[i], "static route " + c.static_routes[i].str() +
                                             " overlaps the VPC's own CIDR " + vc->str());
    }
    if (office) check_onprem_overlap(d, c.span, *office, *vpc, "the VPN");
  }
}

}  // namespace vpcemu::validation
