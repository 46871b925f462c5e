// Transit gateways: attachments, associations, propagations and routes.
#include "validate/checks.h"

namespace vpcemu::validation {

void validate_transit_gateways(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  // Transit gateways: VPC attachments with subnets of their VPC, one per VPC; every
  // attachment associated with exactly one route table (AWS rule 32); routes to an attachment
  // of this hub or blackholes.
  for (const auto& [tname, tgw] : sc.transit_gateways) {
    std::map<std::string, const TgwAttachment*> by_vpc;
    for (const auto& [aname, a] : tgw.attachments) {
      if (!a.peering.empty()) {
        auto pit = sc.transit_gateways.find(a.peering);
        if (a.peering == tname) {
          d.error(a.peering_span, "transit gateway '" + tname + "' cannot peer with itself");
        } else if (pit == sc.transit_gateways.end()) {
          unknown_ref(d, a.peering_span, "transit gateway", a.peering, keys(sc.transit_gateways),
                      "");
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
        auto cit = sc.vpn_connections.find(a.vpn);
        if (cit == sc.vpn_connections.end())
          unknown_ref(d, a.vpn_span, "VPN connection", a.vpn, keys(sc.vpn_connections), "");
        else if (cit->second.tgw != tname)
          d.error(a.vpn_span,
                  "VPN connection '" + a.vpn + "' does not end at transit gateway '" + tname +
                      "'; give it 'transit_gateway: " + tname + "'",
                  {{cit->second.span, "the connection is defined here"}});
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
    }
    std::map<std::string, const TgwRouteTable*> associated;
    for (const auto& [rname, rt] : tgw.route_tables) {
      auto check = [&](const std::vector<std::string>& list, const std::vector<SourceSpan>& spans) {
        for (size_t i = 0; i < list.size(); ++i)
          if (!tgw.attachments.count(list[i]))
            unknown_ref(d, spans[i], "attachment", list[i], keys(tgw.attachments),
                        " of transit gateway '" + tname + "'");
      };
      check(rt.associations, rt.association_spans);
      check(rt.propagations, rt.propagation_spans);
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
                  "attachment '" + rt.associations[i] +
                      "' is already associated with route table '" + it->second->name +
                      "'; an attachment has exactly one",
                  {{it->second->span, "that route table"}});
      }
      std::map<Cidr, const TgwRoute*> seen;
      for (const auto& r : rt.routes) {
        if (!r.attachment.empty() && !tgw.attachments.count(r.attachment))
          unknown_ref(d, r.attachment_span, "attachment", r.attachment, keys(tgw.attachments),
                      " of transit gateway '" + tname + "'");

        if (!r.destination) continue;
        if (auto [it, fresh] = seen.emplace(*r.destination, &r); !fresh)
          d.error(r.destination_span,
                  "route table '" + rname + "' has two routes to " + r.destination->str(),
                  {{it->second->destination_span, "the first one is here"}});
      }
    }
    for (const auto& [aname, a] : tgw.attachments)
      if (!associated.count(aname) && (!a.vpc.empty() || !a.vpn.empty() || !a.peering.empty()))
        d.warning(a.span, "attachment '" + aname + "' is associated with no route table of '" +
                              tname + "': the hub drops everything it sends");
  }
}

}  // namespace vpcemu::validation
