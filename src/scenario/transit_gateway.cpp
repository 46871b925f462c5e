// Transit gateways: attachments (VPC, VPN, peering) and route tables.
#include <algorithm>
#include <set>

#include "scenario/parsers.h"

namespace vpcemu::parsing {

void parse_transit_gateways(Reader& rd, Scenario& sc, const yaml::Node& v) {
  rd.each_resource(
      v, "transit_gateways", sc.transit_gateways, [&](TransitGateway& tgw, const yaml::Node& tv) {
        rd.each_key(tv, "transit gateway '" + tgw.name + "'",
                    {"attachments", "route_tables", "default_route_table", "appliance_mode"},
                    [&](const std::string& k, SourceSpan ks, const yaml::Node& x) {
                      if (k == "default_route_table") {
                        rd.into(x, k, ks, tgw.default_route_table, tgw.default_route_table_span);
                      } else if (k == "appliance_mode") {
                        rd.names(x, ks, k, tgw.appliance_mode, tgw.appliance_mode_spans);
                      } else if (k == "attachments") {
                        rd.each_resource(x, "attachments", tgw.attachments,
                                         [&](TgwAttachment& a, const yaml::Node& av) {
                                           parse_tgw_attachment(rd, a, av);
                                         });
                      } else {
                        rd.each_resource(x, "route_tables", tgw.route_tables,
                                         [&](TgwRouteTable& rt, const yaml::Node& rv) {
                                           parse_tgw_route_table(rd, rt, rv);
                                         });
                      }
                    });
        default_route_table(tgw);
      });
}

// AWS's default route table of a hub, written out: VPC and VPN attachments associated with no
// table are associated with it, and all of them propagate into it (peering attachments take
// static routes only, so neither). Validate says so when the table does not exist.
void default_route_table(TransitGateway& tgw) {
  auto def = tgw.route_tables.find(tgw.default_route_table);
  if (def == tgw.route_tables.end()) return;
  TgwRouteTable& rt = def->second;
  std::set<std::string> associated;
  for (const auto& [_, t] : tgw.route_tables)
    associated.insert(t.associations.begin(), t.associations.end());
  for (const auto& [name, a] : tgw.attachments) {
    if (!a.peering.empty()) continue;
    if (!associated.count(name)) {
      rt.associations.push_back(name);
      rt.association_spans.push_back(tgw.default_route_table_span);
    }
    if (std::find(rt.propagations.begin(), rt.propagations.end(), name) == rt.propagations.end()) {
      rt.propagations.push_back(name);
      rt.propagation_spans.push_back(tgw.default_route_table_span);
    }
  }
}

void parse_tgw_attachment(Reader& rd, TgwAttachment& a, const yaml::Node& node) {
  rd.each_key(node, "attachment '" + a.name + "'", {"vpc", "subnets", "vpn", "peering"},
              [&](const std::string& k, SourceSpan ks, const yaml::Node& y) {
                if (k == "subnets") {
                  rd.names(y, ks, "subnets", a.subnets, a.subnet_spans);
                } else if (k == "vpn") {
                  rd.into(y, k, ks, a.vpn, a.vpn_span);
                } else if (k == "peering") {
                  rd.into(y, k, ks, a.peering, a.peering_span);
                } else {
                  rd.into(y, k, ks, a.vpc, a.vpc_span);
                }
              });
  if (!rd.mapping_or_empty(node)) return;
  const int kinds = !!node["vpc"] + !!node["vpn"] + !!node["peering"];
  if (kinds == 0)
    rd.d.error(a.span, "attachment '" + a.name +
                           "' needs 'vpc: <vpc>' and 'subnets', 'vpn: <connection>' "
                           "or 'peering: <transit gateway>'");
  if (kinds > 1)
    rd.d.error(a.span,
               "attachment '" + a.name + "' is for one VPC, one VPN or one peering, not several");
}

void parse_tgw_route_table(Reader& rd, TgwRouteTable& rt, const yaml::Node& node) {
  rd.each_key(node, "transit gateway route table '" + rt.name + "'",
              {"associations", "propagations", "routes"},
              [&](const std::string& k, SourceSpan ks, const yaml::Node& y) {
                if (k == "associations") {
                  rd.names(y, ks, "associations", rt.associations, rt.association_spans);
                } else if (k == "propagations") {
                  rd.names(y, ks, "propagations", rt.propagations, rt.propagation_spans);
                } else {
                  rd.each_item(y, ks, "routes must be a list", [&](const yaml::Node& r) {
                    rt.routes.push_back(parse_tgw_route(rd, r, ks));
                  });
                }
              });
}

TgwRoute parse_tgw_route(Reader& rd, const yaml::Node& r, SourceSpan list_span) {
  TgwRoute route;
  route.span = rd.span(r, list_span);
  rd.each_key(r, "route", {"destination", "attachment", "blackhole"},
              [&](const std::string& k, SourceSpan ks, const yaml::Node& z) {
                if (k == "destination") {
                  rd.into(z, "destination", ks, route.destination, route.destination_span);
                } else if (k == "attachment") {
                  rd.into(z, "attachment", ks, route.attachment, route.attachment_span);
                } else if (auto b = rd.boolean(z, "blackhole", ks)) {
                  route.blackhole = *b;
                }
              });
  if (rd.mapping_or_empty(r)) {
    if (!r["destination"]) rd.d.error(route.span, "route has no 'destination'");
    if (!r["attachment"] && !route.blackhole)
      rd.d.error(route.span,
                 "a transit gateway route needs 'attachment: <name>' or 'blackhole: true'");
    if (r["attachment"] && route.blackhole)
      rd.d.error(route.span,
                 "a transit gateway route has either an attachment or 'blackhole: true', not "
                 "both");
  }
  return route;
}

}  // namespace vpcemu::parsing
