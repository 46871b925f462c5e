// Transit gateway: a hub namespace with one Linux table per TGW route table; associations are
// policy rules on the attachment's port, propagations routes (or a bird for VPN attachments).
// A VPC attachment of a VPC with an IPv6 block carries IPv6 too: link-local on its veth, the
// same associations as IPv6 rules, the VPC's /56 propagated beside its IPv4 CIDR.
#include <algorithm>
#include <set>
#include <stdexcept>

#include "compile/constructs.h"

namespace vpcemu::compiling {

void plan_tgw_links(CompileContext& cx) {
  for (const auto& [tname, t] : cx.sc.transit_gateways)
    for (const auto& [aname, a] : t.attachments)
      if (!a.vpc.empty())
        cx.tgw_links.push_back({tname, aname, a.vpc, a.subnets.at(0),
                                cx.unique_ifname(ns_name(cx.sc.name, "vpc", a.vpc), "t-", tname),
                                cx.unique_ifname(ns_name(cx.sc.name, "tgw", tname), "a-", aname),
                                cx.addr.tgw_link.at(tname + "/" + aname)});
}

const TgwLink& tgw_link(CompileContext& cx, const std::string& tgw, const std::string& vpc) {
  for (const auto& l : cx.tgw_links)
    if (l.tgw == tgw && l.vpc == vpc) return l;
  throw std::logic_error("vpc " + vpc + " has no attachment to " + tgw);  // validated
}

// The hub: one Linux table per route table of its own; an attachment's traffic is looked up
// in the table it is associated with (a rule on its port), and nowhere else. Propagated
// routes (each attached VPC's CIDR) sit below static ones for the same prefix (AWS rule 32).
void transit_gateway(CompileContext& cx, const TransitGateway& t) {
  const std::string tns = ns_name(cx.sc.name, "tgw", t.name);
  cx.add_ns(tns, "transit-gateway", "transit gateway " + t.name, true);
  std::vector<Ipv4> outside;
  for (const auto& [cname, c] : cx.sc.vpn_connections)
    if (c.tgw == t.name)
      for (int i = 1; i <= 2; ++i)
        outside.push_back(cx.addr.tunnel_public.at(cname + "/" + std::to_string(i)));
  vpn_endpoints(cx, tns, "tgw-" + t.name, outside, "transit gateway " + t.name);
  // What the hub sends itself (IKE, BGP) goes by main; everything else by attachment.
  cx.plan.rules.push_back({tns, kRulePrioUnreachable - 1, std::nullopt, std::nullopt, 254, false,
                           "the hub's own packets (IKE, BGP)", "lo"});
  // Where each attachment's traffic leaves the hub: its port and the next hop behind it.
  struct HubPort {
    std::string port;
    Ipv4 next_hop;
    std::string vpc;  // empty for a peering
  };
  std::map<std::string, HubPort> links;
  for (const auto& [aname, a] : t.attachments) {
    if (a.peering.empty()) continue;
    const bool first = t.name < a.peering;
    const Cidr link =
        cx.addr.tgw_link.at(first ? t.name + "|" + a.peering : a.peering + "|" + t.name);
    const std::string port = cx.unique_ifname(tns, "p-", aname);
    links[aname] = {port, link.at(first ? 2 : 1), ""};
    cx.plan.addrs.push_back({tns, port, Cidr{link.at(first ? 1 : 2), 30}});
    cx.tgw_peer_ends[{t.name, a.peering}] = cx.end(tns, port);
  }
  for (const auto& l : cx.tgw_links) {
    if (l.tgw != t.name) continue;
    links[l.attachment] = {l.hub_port, l.link.at(1), l.vpc};
    const std::string rns = ns_name(cx.sc.name, "vpc", l.vpc);
    cx.point_to_point(
        rns, l.router_port, l.link.at(1), tns, l.hub_port, l.link.at(2), 30,
        "transit gateway " + t.name + " attachment " + l.attachment + " (vpc " + l.vpc + ")",
        kMtuTransitGateway);
    cx.plan.gateways.push_back(
        {"tgw-attachment", l.vpc, t.name + "/" + l.attachment, tns, l.link.at(2), std::nullopt});
    if (cx.sc.vpcs.at(l.vpc).ipv6_cidr) cx.link_local_pair(rns, l.router_port, tns, l.hub_port);
  }
  uint32_t id = kTableBase, n = 0;
  for (const auto& [rname, rt] : t.route_tables) {
    for (const auto& a : rt.associations) {
      if (!links.count(a)) continue;  // a VPN attachment: a rule on its TUN devices
      const std::string why = "attachment " + a + " is associated with route table " + rname;
      cx.plan.rules.push_back(
          {tns, kRulePrioTables + n, std::nullopt, std::nullopt, id, false, why, links.at(a).port});
      if (!links.at(a).vpc.empty() && cx.sc.vpcs.at(links.at(a).vpc).ipv6_cidr)
        cx.plan.rules.push_back({tns, kRulePrioTables + n, std::nullopt, std::nullopt, id, false,
                                 why + " (IPv6)", links.at(a).port, Family::kIpv6});
      ++n;
    }
    for (const auto& a : rt.propagations) {
      if (!links.count(a)) continue;  // a VPN attachment: its bird installs what it learns
      const HubPort& l = links.at(a);
      const Vpc& vpc = cx.sc.vpcs.at(l.vpc);
      const std::string why = "route table " + rname + ": propagated from attachment " + a;
      cx.plan.routes.push_back({tns, id, *vpc.cidr, RouteType::kUnicast, l.next_hop, l.port, true,
                                why, kPropagatedStatic});
      if (vpc.ipv6_cidr)
        cx.plan.routes.push_back({tns, id, *vpc.ipv6_cidr, RouteType::kUnicast, kLinkLocalRouter,
                                  l.port, false, why + " (IPv6)", kPropagatedStatic});
    }
    for (const auto& r : rt.routes) {
      const std::string why = "route table " + rname + ": " + r.destination->str() + " → " +
                              (r.blackhole ? std::string("blackhole") : r.attachment);
      if (r.blackhole) {
        cx.plan.routes.push_back(
            {tns, id, *r.destination, RouteType::kBlackhole, std::nullopt, "", false, why});
      } else if (links.count(r.attachment)) {  // a VPN attachment's: its bird installs them
        const HubPort& l = links.at(r.attachment);
        cx.plan.routes.push_back(
            {tns, id, *r.destination, RouteType::kUnicast, l.next_hop, l.port, true, why});
      }
    }
    ++id;
  }
  cx.plan.rules.push_back({tns, kRulePrioUnreachable, std::nullopt, std::nullopt, 0, true,
                           "no route in the attachment's route table: drop"});
  for (const auto& l : cx.tgw_links)
    if (l.tgw == t.name && cx.sc.vpcs.at(l.vpc).ipv6_cidr) {
      cx.plan.rules.push_back({tns, kRulePrioUnreachable, std::nullopt, std::nullopt, 0, true,
                               "no IPv6 route in the attachment's route table: drop", "",
                               Family::kIpv6});
      break;
    }
}

// Each peering between two hubs is one veth, made once both ends are known.
void tgw_peerings(CompileContext& cx) {
  for (const auto& [pair, a] : cx.tgw_peer_ends) {
    if (pair.first > pair.second) continue;
    const LinkEnd& b = cx.tgw_peer_ends.at({pair.second, pair.first});
    cx.plan.veths.push_back({a, b, "transit gateway peering " + pair.first + " ↔ " + pair.second, 0,
                             kMtuTransitGateway});
    cx.plan.neighs.push_back(
        {a.ns, a.ifname, cx.addr.tgw_link.at(pair.first + "|" + pair.second).at(2), b.mac});
    cx.plan.neighs.push_back(
        {b.ns, b.ifname, cx.addr.tgw_link.at(pair.first + "|" + pair.second).at(1), a.mac});
  }
}

// A transit gateway's route tables as Linux tables, in name order; the table a VPN
// attachment is associated with (0: none) and the priority of its rule.
uint32_t tgw_table(const TransitGateway& t, const std::string& rt) {
  uint32_t id = kTableBase;
  for (const auto& [name, _] : t.route_tables) {
    if (name == rt) return id;
    ++id;
  }
  return 0;
}

// The VPC CIDRs propagated into the table a VPN attachment is associated with: what a static
// connection to the hub reaches.
std::vector<Cidr> tgw_reachable(CompileContext& cx, const VpnConnection& c) {
  const TransitGateway& t = cx.sc.transit_gateways.at(c.tgw);
  const std::string att = vpn_attachment(t, c.name);
  std::set<Cidr> out;
  for (const auto& [_, rt] : t.route_tables)
    if (std::count(rt.associations.begin(), rt.associations.end(), att))
      for (const auto& p : rt.propagations)
        if (!t.attachments.at(p).vpc.empty())
          out.insert(*cx.sc.vpcs.at(t.attachments.at(p).vpc).cidr);
  return {out.begin(), out.end()};
}

std::string vpn_attachment(const TransitGateway& t, const std::string& conn) {
  for (const auto& [name, a] : t.attachments)
    if (a.vpn == conn) return name;
  return "";
}

std::pair<uint32_t, uint32_t> tgw_association(CompileContext& cx, const VpnConnection& c) {
  const TransitGateway& t = cx.sc.transit_gateways.at(c.tgw);
  const std::string att = vpn_attachment(t, c.name);
  uint32_t n = 0;
  for (const auto& [name, rt] : t.route_tables) {
    for (const auto& a : rt.associations) {
      if (a == att) return {kRulePrioTables + 500 + n, tgw_table(t, name)};
      ++n;
    }
  }
  return {0, 0};
}

// The hub's bird for a VPN attachment: it announces the VPC routes of the attachment's
// associated table, and installs what the office announces into the tables the attachment
// propagates into (AWS rule 32), below their static routes.
// protocols: the bird protocols carrying this VPN's routes (its BGP sessions, or for a
// static connection the kernel protocols learning its charons' tables).
void tgw_bird(CompileContext& cx, const VpnConnection& c, Ipv4 id,
              const std::vector<std::string>& protocols, bool learned) {
  const TransitGateway& t = cx.sc.transit_gateways.at(c.tgw);
  BirdConfig& b = cx.birds[ns_name(cx.sc.name, "tgw", t.name)];
  if (b.router_id.value == 0) b.router_id = id;
  b.asn = kAmazonSideAsn;
  const std::string att = vpn_attachment(t, c.name);
  std::set<Cidr> announce(b.announce.begin(), b.announce.end());
  for (const auto& p : tgw_reachable(cx, c)) announce.insert(p);
  for (const auto& [name, rt] : t.route_tables) {
    if (std::count(rt.associations.begin(), rt.associations.end(), att))
      for (const auto& r : rt.routes)  // not back to the office what points to it
        if (!r.blackhole && r.attachment != att) announce.insert(*r.destination);
    const uint32_t table = tgw_table(t, name);
    auto kernel = [&] {
      auto k = std::find_if(b.kernel.begin(), b.kernel.end(),
                            [&](const KernelExport& x) { return x.table == table; });
      if (k == b.kernel.end())
        k = b.kernel.insert(b.kernel.end(), {table, kPropagatedStatic, {}, false, false});
      return k;
    };
    if (std::count(rt.propagations.begin(), rt.propagations.end(), att)) {
      auto k = kernel();
      k->protocols.insert(k->protocols.end(), protocols.begin(), protocols.end());
      k->with_learned |= learned;
      k->from_master = true;
    }
    // The table's static routes to this VPN: via either tunnel's inside peer, the first
    // preferred; they beat propagated routes for the same prefix (AWS rule 32).
    for (const auto& r : rt.routes) {
      if (r.attachment != att) continue;
      kernel();
      for (int i = 1; i <= 2; ++i)
        b.statics.push_back({table, *r.destination,
                             cx.addr.tunnel_inside.at(c.name + "/" + std::to_string(i)).at(2),
                             202 - i});  // above every learned route (100-150)
    }
  }
  b.announce.assign(announce.begin(), announce.end());
}

}  // namespace vpcemu::compiling
