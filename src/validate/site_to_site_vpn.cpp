// Site-to-site VPN connections: their gateway (a VPC or a transit gateway), customer gateway,
// routing and static routes.
#include <algorithm>
#include <set>

#include "model/addressing.h"
#include "util/text.h"
#include "validate/checks.h"

namespace vpcemu::validation {

void validate_vpn_connections(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  // Site-to-site VPNs: an existing VPC and on-premises network whose addresses do not overlap.
  for (const auto& [_, c] : sc.vpn_connections) {
    auto vit = sc.vpcs.find(c.vpc);
    auto oit = sc.onprem.find(c.customer_gateway);
    if (!c.vpc.empty() && vit == sc.vpcs.end())
      unknown_ref(d, c.vpc_span, "vpc", c.vpc, keys(sc.vpcs), " for the VPN gateway");
    if (!c.customer_gateway.empty() && oit == sc.onprem.end())
      unknown_ref(d, c.customer_gateway_span, "on-premises network", c.customer_gateway,
                  keys(sc.onprem), " for the customer gateway");
    if (!c.tgw.empty()) {
      auto tit = sc.transit_gateways.find(c.tgw);
      if (tit == sc.transit_gateways.end()) {
        unknown_ref(d, c.tgw_span, "transit gateway", c.tgw, keys(sc.transit_gateways), "");
      } else {
        bool attached = false;
        for (const auto& [_, a] : tit->second.attachments) attached |= a.vpn == c.name;
        if (!attached)
          d.error(c.tgw_span, "VPN connection '" + c.name + "' ends at transit gateway '" + c.tgw +
                                  "' but none of its attachments names it; add one such as '" +
                                  c.name + ": { vpn: " + c.name + " }'");
        if (oit != sc.onprem.end())
          for (const auto& [_, a] : tit->second.attachments)
            if (auto v = sc.vpcs.find(a.vpc); v != sc.vpcs.end())
              check_onprem_overlap(d, c.span, oit->second, v->second, "the VPN",
                                   ", attached to '" + c.tgw + "'");
      }
    }
    if (c.routing == "bgp") {
      if (!c.static_routes.empty())
        d.error(c.static_route_spans[0],
                "VPN connection '" + c.name +
                    "' uses BGP: the on-premises router announces its prefixes, so "
                    "static_routes belong only to routing: static");
      if (oit != sc.onprem.end())
        check_bgp_asn(d, c.span, oit->second, "the customer gateway", "the VPN");
    } else if (c.routing != "static") {
      d.error(c.routing_span, "routing must be static or bgp, found '" + c.routing + "'");
    } else if (c.static_routes.empty()) {
      d.error(c.span, "VPN connection '" + c.name +
                          "' with static routing needs 'static_routes' "
                          "(the on-premises prefixes)");
    }
    if (vit == sc.vpcs.end()) continue;
    const auto& vc = vit->second.cidr;
    for (size_t i = 0; i < c.static_routes.size(); ++i) {
      if (vc && vc->overlaps(c.static_routes[i]))
        d.error(c.static_route_spans[i], "static route " + c.static_routes[i].str() +
                                             " overlaps the VPC's own CIDR " + vc->str());
    }
    if (oit != sc.onprem.end())
      check_onprem_overlap(d, c.span, oit->second, vit->second, "the VPN");
  }
}

}  // namespace vpcemu::validation
