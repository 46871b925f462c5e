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

void parse_vpns(Reader& rd, Scenario& sc, const yaml::Node& v) {
  rd.each_resource(
      v, "vpn_connections", sc.vpn_connections, [&](VpnConnection& c, const yaml::Node& cv) {
        const std::string& n = c.name;
        const SourceSpan nks = c.span;
        rd.each_key(
            cv, "VPN connection '" + n + "'",
            {"vpn_gateway", "transit_gateway", "customer_gateway", "routing", "static_routes"},
            [&](const std::string& k, SourceSpan ks, const yaml::Node& x) {
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
              if (k == "vpn_gateway") {
                rd.into(x, k, ks, c.vpc, c.vpc_span);
              } else if (k == "customer_gateway") {
                rd.into(x, k, ks, c.customer_gateway, c.customer_gateway_span);
              } else if (k == "transit_gateway") {
                rd.into(x, k, ks, c.tgw, c.tgw_span);
              } else if (auto val = rd.scalar(x, k, ks)) {
                c.routing_span = rd.span(x, ks);
                c.routing = vpn_routing(rd, *val, c.routing_span);
              }
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
