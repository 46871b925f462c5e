// Transit gateways: attachments, associations, propagations and routes.
#include "validate/checks.h"

namespace vpcemu::validation {

// Transit gateways: VPC attachments with subnets of their VPC, one per VPC; every attachment
// associated with exactly one route table (AWS rule 32); routes to an attachment of this hub or
// blackholes.
void validate_transit_gateways(Validation& v) {
  for (const auto& [tname, tgw] : v.sc.transit_gateways) {
    validate_tgw_attachments(v.sc, tgw, v.d);
    if (!tgw.default_route_table.empty() && !tgw.route_tables.count(tgw.default_route_table))
      unknown_ref(v.d, tgw.default_route_table_span, "route table", tgw.default_route_table,
                  keys(tgw.route_tables), " of transit gateway '" + tname + "'");
    for (size_t i = 0; i < tgw.appliance_mode.size(); ++i) {
      auto a = tgw.attachments.find(tgw.appliance_mode[i]);
      if (a == tgw.attachments.end())
        unknown_ref(v.d, tgw.appliance_mode_spans[i], "attachment", tgw.appliance_mode[i],
                    keys(tgw.attachments), " of transit gateway '" + tname + "'");
      else if (a->second.vpc.empty())
        v.d.error(tgw.appliance_mode_spans[i], "appliance mode is for VPC attachments; '" +
                                                   tgw.appliance_mode[i] + "' is not one");
    }
    const auto associated = validate_tgw_route_tables(tgw, v.d);
    for (const auto& [aname, a] : tgw.attachments)
      if (!associated.count(aname) && (!a.vpc.empty() || !a.vpn.empty() || !a.peering.empty()))
        v.d.warning(a.span, "attachment '" + aname + "' is associated with no route table of '" +
                                tname + "': the hub drops everything it sends");
  }
}

// Peering attachments back and once; VPN attachments to connections that end here; VPC
// attachments once per VPC, in subnets of it.
void validate_tgw_attachments(const Scenario& sc, const TransitGateway& tgw, Diagnostics& d) {
  const std::string& tname = tgw.name;
  std::map<std::string, const TgwAttachment*> by_vpc;
  for (const auto& [aname, a] : tgw.attachments) {
    if (!a.peering.empty()) {
      auto pit = sc.transit_gateways.find(a.peering);
      if (a.peering == tname) {
        d.error(a.peering_span, "transit gateway '" + tname + "' cannot peer with itself");
      } else if (pit == sc.transit_gateways.end()) {
        unknown_ref(d, a.peering_span, "transit gateway", a.peering, keys(sc.transit_gateways), "");
      } else {
        int back = 0;
        for (const auto& [_, b] : pit->second.attachments) back += b.peering == tname;
        if (back == 0)
          d.error(a.peering_span,
                  "transit gateway '" + a.peering + "' has no peering attachment back to '" +
                      tname + "'; a peering needs one on each side",
                  {{pit->second.span, "add '<name>: { peering: " + tname + " }' there"}});
        int here = 0;
        for (const auto& [_, b] : tgw.attachments) here += b.peering == a.peering;
        if (here > 1 || back > 1)
          d.error(a.peering_span, "transit gateways '" + tname + "' and '" + a.peering +
                                      "' are peered twice; one peering per pair");
      }
      continue;
    }
    if (!a.vpn.empty()) {
      const VpnConnection* c =
          resolve(d, sc.vpn_connections, a.vpn, a.vpn_span, "VPN connection", "");
      if (c && c->tgw != tname)
        d.error(a.vpn_span,
                "VPN connection '" + a.vpn + "' does not end at transit gateway '" + tname +
                    "'; give it 'transit_gateway: " + tname + "'",
                {{c->span, "the connection is defined here"}});
      continue;
    }
    const Vpc* vpc = resolve(d, sc.vpcs, a.vpc, a.vpc_span, "vpc", "");
    if (!vpc) continue;
    if (auto [it, fresh] = by_vpc.emplace(a.vpc, &a); !fresh)
      d.error(a.vpc_span,
              "vpc '" + a.vpc + "' is attached to transit gateway '" + tname +
                  "' twice; one attachment per VPC",
              {{it->second->span, "the first attachment"}});
    if (a.subnets.empty())
      d.error(a.span, "attachment '" + aname + "' needs 'subnets' (where its ENIs are)");
    resolve_all(d, vpc->subnets, a.subnets, a.subnet_spans, "subnet", " in vpc '" + a.vpc + "'");
    ipv4_subnets_only(d, *vpc, a.subnets, a.subnet_spans, "a transit gateway attachment");
  }
}

// Associations and propagations name attachments of this hub (an attachment in one table only,
// no propagation over a peering); one route per destination. Returns attachment → its table.
std::map<std::string, const TgwRouteTable*> validate_tgw_route_tables(const TransitGateway& tgw,
                                                                      Diagnostics& d) {
  const std::string of = " of transit gateway '" + tgw.name + "'";
  std::map<std::string, const TgwRouteTable*> associated;
  for (const auto& [rname, rt] : tgw.route_tables) {
    resolve_all(d, tgw.attachments, rt.associations, rt.association_spans, "attachment", of);
    resolve_all(d, tgw.attachments, rt.propagations, rt.propagation_spans, "attachment", of);
    for (size_t i = 0; i < rt.propagations.size(); ++i) {
      auto ait = tgw.attachments.find(rt.propagations[i]);
      if (ait != tgw.attachments.end() && !ait->second.peering.empty())
        d.error(rt.propagation_spans[i],
                "peering attachment '" + rt.propagations[i] +
                    "' cannot propagate (AWS allows only static routes over a transit gateway "
                    "peering); add routes: [ { destination: ..., attachment: " +
                    rt.propagations[i] + " } ]");
    }
    for (size_t i = 0; i < rt.associations.size(); ++i) {
      auto [it, fresh] = associated.emplace(rt.associations[i], &rt);
      if (!fresh)
        d.error(rt.association_spans[i],
                "attachment '" + rt.associations[i] + "' is already associated with route table '" +
                    it->second->name + "'; an attachment has exactly one",
                {{it->second->span, "that route table"}});
    }
    std::map<Cidr, const TgwRoute*> seen;
    for (const auto& r : rt.routes) {
      resolve(d, tgw.attachments, r.attachment, r.attachment_span, "attachment", of);
      if (!r.destination) continue;
      if (auto [it, fresh] = seen.emplace(*r.destination, &r); !fresh)
        d.error(r.destination_span,
                "route table '" + rname + "' has two routes to " + r.destination->str(),
                {{it->second->destination_span, "the first one is here"}});
    }
  }
  return associated;
}

}  // namespace vpcemu::validation
