// Site-to-site VPN connections: gateway, customer gateway, routing, static routes.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

namespace {

std::optional<VpnRouting> vpn_routing(Reader& rd, const std::string& text, SourceSpan at) {
  if (text == "static") return VpnRouting::kStatic;
  if (text == "bgp") return VpnRouting::kBgp;
  rd.d.error(at, "routing must be static or bgp, found '" + text + "'");
  return std::nullopt;
}

}  // namespace

void parse_vpns(Reader& rd, Scenario& sc, const YAML::Node& v) {
  rd.each_resource(
      v, "vpn_connections", sc.vpn_connections, [&](VpnConnection& c, const YAML::Node& cv) {
        const std::string& n = c.name;
        const SourceSpan nks = c.span;
        rd.each_key(
            cv, "VPN connection '" + n + "'",
            {"vpn_gateway", "transit_gateway", "customer_gateway", "routing", "static_routes"},
            [&](const std::string& k, SourceSpan ks, const YAML::Node& x) {
              if (k == "static_routes") {
                if (!x.IsSequence()) {
                  rd.d.error(rd.span(x, ks), "static_routes must be a list of CIDR blocks");
                  return;
                }
                for (const auto& r : x) {
                  if (auto cr = rd.cidr(r, "static route", ks)) {
                    c.static_routes.push_back(*cr);
                    c.static_route_spans.push_back(rd.span(r, ks));
                  }
                }
                return;
              }
              auto val = rd.scalar(x, k, ks);
              if (!val) return;
              if (k == "vpn_gateway")
                c.vpc = *val, c.vpc_span = rd.span(x, ks);
              else if (k == "customer_gateway")
                c.customer_gateway = *val, c.customer_gateway_span = rd.span(x, ks);
              else if (k == "routing")
                c.routing_span = rd.span(x, ks), c.routing = vpn_routing(rd, *val, c.routing_span);
              else
                c.tgw = *val, c.tgw_span = rd.span(x, ks);
            });
        if (rd.mapping_or_empty(cv)) {
          if (!cv["vpn_gateway"] && !cv["transit_gateway"])
            rd.d.error(nks, "VPN connection '" + n +
                                "' needs 'vpn_gateway: <vpc>' or 'transit_gateway: <name>'");
          if (cv["vpn_gateway"] && cv["transit_gateway"])
            rd.d.error(nks, "VPN connection '" + n +
                                "' ends at a VPC's gateway or at a transit gateway, not both");
          if (!cv["customer_gateway"])
            rd.d.error(nks,
                       "VPN connection '" + n + "' needs 'customer_gateway: <onprem network>'");
        }
      });
}

}  // namespace vpcemu::parsing
