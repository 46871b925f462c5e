// vpcemu trace: what lies beyond a VPC's router — the internet and its hosts and services,
// internet and egress-only gateways, peerings, transit gateways and their route tables,
// virtual private gateways, VPNs and Direct Connect, offices, client VPN endpoints.
#include "analyze/graph.h"
#include "analyze/trace_walk.h"
#include "util/text.h"

namespace vpcemu::tracing {

bool Walker::internet(Pkt p) {
  node_ = "internet";
  if (!step()) return false;
  auto via = [&](const std::string& to) {
    hop("internet", "routes " + p.dst.str() + " to " + to, {});
  };
  if (!p.v6()) {
    const Ipv4 d = *p.dst.v4();
    for (const auto& [name, ip] : ad_.public_ip)
      if (ip == d) {
        const Instance* in = sc_.find_instance(name);
        via("the internet gateway of vpc " + in->vpc);
        return igw_in(sc_.vpcs.at(in->vpc), p);
      }
    for (const auto& [key, ip] : ad_.nat_public)
      if (ip == d) {
        const std::string vpc = key.substr(0, key.find('/'));
        via("the internet gateway of vpc " + vpc);
        return igw_in(sc_.vpcs.at(vpc), p);
      }
    for (const auto& [name, h] : sc_.hosts)
      if (h.ip && *h.ip == d) {
        via("host " + name);
        return arrive(
            "host " + name, p, [this](Pkt r) { return internet(r); }, graph_ident("host", name));
      }
    for (const auto& [name, s] : sc_.services)
      if (s.cidr.contains(d)) {
        via("service " + name);
        return arrive(
            "service " + name, p, [this](Pkt r) { return internet(r); }, graph_ident("svc", name));
      }
    for (const auto& [name, o] : sc_.onprem)
      if (o.public_ip && *o.public_ip == d) {
        via("office router " + name);
        return onprem_router(o, p, false);
      }
  } else {
    for (const auto& [vname, vpc] : sc_.vpcs)
      if (vpc.ipv6_cidr && vpc.ipv6_cidr->contains(p.dst)) {
        if (vpc.internet_gateway) {
          via("the internet gateway of vpc " + vname);
          return igw_in(vpc, p);
        }
        if (vpc.egress_only_internet_gateway) {
          via("the egress-only internet gateway of vpc " + vname);
          return eigw_in(vpc, p);
        }
      }
    for (const auto& [name, h] : sc_.hosts)
      if (h.ipv6 && *h.ipv6 == p.dst) {
        via("host " + name);
        return arrive(
            "host " + name, p, [this](Pkt r) { return internet(r); }, graph_ident("host", name));
      }
  }
  if (!p.v6())
    for (const auto& [name, ip] : ad_.private_ip)
      if (IpAddr(ip) == p.dst && !ad_.public_ip.count(name))
        return deny({"", "internet", "",
                     "nothing on the internet has " + p.dst.str() + ": instance " + name +
                         "'s private address (it has no public one; the internet does not "
                         "route private addresses)",
                     internet_private_fix(name), sc_.find_instance(name)->span});
  return deny({"",
               "internet",
               "",
               "nothing on the internet has " + p.dst.str() +
                   (!p.v6() && is_private(*p.dst.v4())
                        ? " (a private address: the internet does not route it)"
                        : ""),
               "",
               {}});
}

std::string Walker::internet_private_fix(const std::string& instance) const {
  const Instance* in = sc_.find_instance(instance);
  if (last_table_ && last_vpc_ != in->vpc) {
    const Vpc& dv = sc_.vpcs.at(in->vpc);
    const std::string to =
        " to " + (last_table_->empty() ? "the main route table" : "table " + *last_table_) +
        " of vpc " + last_vpc_;
    if (const Peering* pc = sc_.peering_between(last_vpc_, in->vpc))
      return "add a route " + dv.cidr->str() + " → peering/" + pc->name + to;
    for (const auto& [tname, t] : sc_.transit_gateways) {
      bool a = false, b = false;
      for (const auto& [_, x] : t.attachments) a |= x.vpc == last_vpc_, b |= x.vpc == in->vpc;
      if (a && b) return "add a route " + dv.cidr->str() + " → transit_gateway/" + tname + to;
    }
  }
  return "give instance " + instance +
         " a public address (public_ip: true) in a subnet routed to an internet gateway";
}

bool Walker::igw_out(const Vpc& vpc, Pkt p, const Eni* from) {
  node_ = graph_ident("igw", vpc.name);
  if (!step()) return false;
  const std::string label = "internet gateway " + vpc.name;
  if (p.v6()) {
    hop(label, "IPv6: no translation", {});
    return internet(p);
  }
  const Eni* src = eni_at(vpc.name, p.src);
  std::optional<Ipv4> pub;
  if (src && src->kind == Eni::Kind::kInstance) {
    if (auto it = ad_.public_ip.find(src->name); it != ad_.public_ip.end()) pub = it->second;
  } else if (src && src->kind == Eni::Kind::kNat) {
    pub = ad_.nat_public.at(nat_key(vpc.name, src->name));
  }
  if (!pub) {
    std::string fix;
    if (src && src->kind == Eni::Kind::kInstance) {
      fix = "give instance " + src->name + " a public address (public_ip: true)";
      for (const auto& [nname, _] : vpc.nat_gateways) {
        fix += ", or route 0.0.0.0/0 → nat_gateway/" + nname + " from its subnet";
        break;
      }
    }
    (void)from;
    return deny({"IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS", label, "",
                 p.src.str() + (src ? " (" + src->label() + ")" : "") +
                     " has no public address: the internet gateway drops it",
                 fix, vpc.span});
  }
  hop(label, "1:1 NAT " + p.src.str() + " → " + pub->str(), vpc.span);
  p.src = *pub;
  return internet(p);
}

bool Walker::igw_in(const Vpc& vpc, Pkt p) {
  node_ = graph_ident("igw", vpc.name);
  if (!step()) return false;
  const std::string label = "internet gateway " + vpc.name;
  if (!p.v6()) {
    const Ipv4 d = *p.dst.v4();
    std::optional<Ipv4> priv;
    for (const auto& [name, ip] : ad_.public_ip)
      if (ip == d) priv = ad_.private_ip.at(name);
    for (const auto& [key, ip] : ad_.nat_public)
      if (ip == d) priv = ad_.nat_private.at(key);
    hop(label, "1:1 NAT " + p.dst.str() + " → " + priv->str(), vpc.span);
    p.dst = *priv;
  } else {
    hop(label, "IPv6: no translation", vpc.span);
  }
  return route_vpc(vpc, edge_table(vpc, "internet_gateway"), p, nullptr);
}

bool Walker::eigw_out(const Vpc& vpc, Pkt p) {
  node_ = graph_ident("eigw", vpc.name);
  if (!p.v6())
    return deny({"", "egress-only internet gateway " + vpc.name, "",
                 "an egress-only internet gateway carries IPv6 only", "", vpc.egress_only_span});
  const std::string label = "egress-only internet gateway " + vpc.name;
  if (reply_ && p.proto == Protocol::kTcp && !eigw_out_.count(vpc.name))
    return deny({"", label, "",
                 "the egress-only internet gateway passes only connections that start inside: "
                 "this reply (a SYN-ACK) answers one that came in through the internet gateway",
                 "route the subnet's ::/0 to the internet gateway, if it may be reached from "
                 "the internet",
                 vpc.egress_only_span});
  if (!reply_) eigw_out_.insert(vpc.name);
  hop(label, "out", vpc.egress_only_span);
  return internet(p);
}

bool Walker::eigw_in(const Vpc& vpc, Pkt p) {
  node_ = graph_ident("eigw", vpc.name);
  const std::string label = "egress-only internet gateway " + vpc.name;
  if (!reply_)
    return deny({"", label, "",
                 "an egress-only internet gateway lets in only replies to what went out", "",
                 vpc.egress_only_span});
  hop(label, "a reply: in", vpc.egress_only_span);
  return route_vpc(vpc, std::nullopt, p, nullptr);
}

bool Walker::peering(const Peering& pc, const Vpc& from, Pkt p) {
  node_ = graph_ident("pcx", pc.name);
  if (!step()) return false;
  const std::string label = "peering " + pc.name;
  const Vpc& other = sc_.vpcs.at(pc.requester == from.name ? pc.accepter : pc.requester);
  auto in = [&](const Vpc& v, const IpAddr& a) {
    return a.family == Family::kIpv6 ? v.ipv6_cidr && v.ipv6_cidr->contains(a)
                                     : v.cidr && v.cidr->contains(*a.v4());
  };
  if (!in(from, p.src))
    return deny({"PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", label, "",
                 "a peering carries only its VPCs' own addresses: " + p.src.str() +
                     " is not in vpc " + from.name + " (no transit, no edge-to-edge routing)",
                 "give vpc " + other.name + " its own way to " + p.src.str() +
                     " (a NAT gateway, a VPN), or join the VPCs through a transit gateway",
                 pc.span});
  if (!in(other, p.dst)) {
    std::string holder;
    for (const auto& [vn, v] : sc_.vpcs)
      if (vn != other.name && in(v, p.dst)) holder = vn;
    if (!holder.empty())
      return deny({"PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", label, "",
                   "a peering reaches only vpc " + other.name + "'s addresses: " + p.dst.str() +
                       " is in vpc " + holder + " (peering is not transitive)",
                   "peer vpc " + from.name + " with vpc " + holder +
                       " directly, or attach both to a transit gateway",
                   pc.span});
    return deny({"PCX_REQUIRES_ADDRESS_IN_VPC_CIDR", label, "",
                 "a peering reaches only vpc " + other.name + "'s addresses, not " + p.dst.str() +
                     ": vpc " + from.name + " cannot use vpc " + other.name +
                     "'s internet gateway, NAT gateway, VPN or gateway endpoint (no edge-to-edge "
                     "routing)",
                 "give vpc " + from.name +
                     " its own way out (an internet gateway, a NAT gateway or a gateway endpoint)",
                 pc.span});
  }
  hop(label, "to vpc " + other.name, pc.span);
  return route_vpc(other, std::nullopt, p, nullptr);
}

std::string Walker::vpn_attachment(const TransitGateway& t, const std::string& conn) {
  for (const auto& [name, a] : t.attachments)
    if (a.vpn == conn) return name;
  return "";
}

std::vector<Cidr> Walker::office_routes(const TransitGateway& t, const std::string& att) const {
  std::vector<Cidr> out;
  for (const auto& [_, rt] : t.route_tables) {
    if (!std::count(rt.associations.begin(), rt.associations.end(), att)) continue;
    for (const auto& p : rt.propagations)
      if (!t.attachments.at(p).vpc.empty())
        out.push_back(*sc_.vpcs.at(t.attachments.at(p).vpc).cidr);
    for (const auto& r : rt.routes)
      if (!r.blackhole && r.attachment != att && r.destination) out.push_back(*r.destination);
  }
  return out;
}

bool Walker::tgw_in(const TransitGateway& t, const std::string& att, Pkt p) {
  node_ = graph_ident("tgw", t.name);
  if (!step()) return false;
  const std::string label = "transit gateway " + t.name;
  const TgwRouteTable* table = nullptr;
  for (const auto& [_, rt] : t.route_tables)
    if (std::count(rt.associations.begin(), rt.associations.end(), att)) table = &rt;
  if (!table)
    return deny({"TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION", label, "",
                 "attachment " + att + " is associated with no route table of " + t.name,
                 "associate attachment " + att + " with a route table of " + t.name,
                 t.attachments.at(att).span});
  const std::string tl = "transit gateway route table " + t.name + "/" + table->name;
  struct TRoute {
    IpPrefix dst;
    int rank;
    const TgwRoute* route;
    std::string attachment, text;
    SourceSpan span;
  };
  std::optional<TRoute> best;
  auto consider = [&](TRoute r) {
    if (!r.dst.contains(p.dst)) return;
    if (!best || r.dst.prefix > best->dst.prefix ||
        (r.dst.prefix == best->dst.prefix && r.rank < best->rank))
      best = std::move(r);
  };
  for (const auto& r : table->routes)
    if (r.destination)
      consider({IpPrefix(*r.destination), 0, &r, r.attachment,
                r.destination->str() + " → " + (r.blackhole ? "blackhole" : r.attachment), r.span});
  for (size_t i = 0; i < table->propagations.size(); ++i) {
    const std::string& a = table->propagations[i];
    const TgwAttachment& x = t.attachments.at(a);
    const SourceSpan sp =
        i < table->propagation_spans.size() ? table->propagation_spans[i] : table->span;
    if (!x.vpc.empty()) {
      const Vpc& v = sc_.vpcs.at(x.vpc);
      consider({IpPrefix(*v.cidr), 1, nullptr, a, v.cidr->str() + " → " + a + " (propagated)", sp});
      if (v.ipv6_cidr)
        consider(
            {*v.ipv6_cidr, 1, nullptr, a, v.ipv6_cidr->str() + " → " + a + " (propagated)", sp});
    } else if (!x.vpn.empty()) {
      const VpnConnection& c = sc_.vpn_connections.at(x.vpn);
      if (c.routing == VpnRouting::kBgp) {
        const Cidr& oc = *sc_.onprem.at(c.customer_gateway).cidr;
        consider({IpPrefix(oc), 1, nullptr, a, oc.str() + " → " + a + " (propagated, BGP)", sp});
      } else {
        for (const auto& s : c.static_routes)
          consider({IpPrefix(s), 1, nullptr, a, s.str() + " → " + a + " (propagated)", sp});
      }
    }
  }
  if (!best) {
    // The attachment behind which the destination is: propagating it is the fix.
    std::string fix = "add a route for " + p.dst.str() + " to " + tl;
    for (const auto& [aname, x] : t.attachments) {
      bool has = false;
      if (!x.vpc.empty()) {
        const Vpc& v = sc_.vpcs.at(x.vpc);
        has = (!p.v6() && v.cidr && v.cidr->contains(*p.dst.v4())) ||
              (p.v6() && v.ipv6_cidr && v.ipv6_cidr->contains(p.dst));
      } else if (!x.vpn.empty() && !p.v6()) {
        const auto& c = sc_.vpn_connections.at(x.vpn);
        has = sc_.onprem.at(c.customer_gateway).cidr->contains(*p.dst.v4());
      }
      if (has)
        fix = "propagate attachment " + aname + " into " + tl + " (or add a static route to it)";
    }
    return deny({"NO_ROUTE_TO_DESTINATION", tl, "", "no route of " + tl + " matches " + p.dst.str(),
                 fix, table->span});
  }
  hop(tl, best->text, best->span);
  if (best->route && best->route->blackhole)
    return deny({"TGW_RTB_BAD_STATE_ROUTE", tl, best->text,
                 "the route " + best->text + " drops it (a blackhole)",
                 "remove the blackhole route " + best->dst.str() + " from " + tl, best->span});
  const TgwAttachment& x = t.attachments.at(best->attachment);
  if (!x.vpc.empty()) {
    const Vpc& v = sc_.vpcs.at(x.vpc);
    hop(label, "attachment " + x.name + " into vpc " + v.name + " (subnet " + x.subnets.at(0) + ")",
        x.span);
    return route_vpc(v, table_of(v, x.subnets.at(0)), p, nullptr);
  }
  if (!x.vpn.empty()) {
    const VpnConnection& c = sc_.vpn_connections.at(x.vpn);
    hop(label, "attachment " + x.name + ": VPN " + c.name + " to office " + c.customer_gateway,
        x.span);
    node_ = graph_ident("vpn", c.name);
    hop("VPN " + c.name, "IPsec to office " + c.customer_gateway, c.span);
    return onprem_router(sc_.onprem.at(c.customer_gateway), p, false);
  }
  const TransitGateway& other = sc_.transit_gateways.at(x.peering);
  for (const auto& [aname, a] : other.attachments)
    if (a.peering == t.name) {
      hop(label, "peering attachment " + x.name + " to transit gateway " + other.name, x.span);
      return tgw_in(other, aname, p);
    }
  return deny({"", label, "", "the peer transit gateway has no attachment back", "", x.span});
}

bool Walker::vgw_out(const Vpc& vpc, Pkt p) {
  node_ = graph_ident("vgw", vpc.name);
  if (!step()) return false;
  const std::string label = "virtual private gateway " + vpc.name;
  if (!p.v6()) {
    const Ipv4 d = *p.dst.v4();
    for (const auto& [xname, x] : sc_.direct_connects)
      if (x.vpc == vpc.name && sc_.onprem.at(x.onprem).cidr->contains(d)) {
        hop(label, "Direct Connect " + xname + " to office " + x.onprem + " (preferred)", x.span);
        return onprem_router(sc_.onprem.at(x.onprem), p, false);
      }
    for (const auto& [cname, c] : sc_.vpn_connections) {
      if (c.vpc != vpc.name) continue;
      bool ok = false;
      if (c.routing == VpnRouting::kBgp) ok = sc_.onprem.at(c.customer_gateway).cidr->contains(d);
      for (const auto& s : c.static_routes) ok |= s.contains(d);
      if (ok) {
        hop(label, "VPN " + cname + " to office " + c.customer_gateway, c.span);
        node_ = graph_ident("vpn", cname);
        hop("VPN " + cname, "IPsec to office " + c.customer_gateway, c.span);
        return onprem_router(sc_.onprem.at(c.customer_gateway), p, false);
      }
    }
  }
  return deny({"", label, "",
               "no VPN or Direct Connect of vpc " + vpc.name + " reaches " + p.dst.str(), "",
               vpc.span});
}

bool Walker::vgw_in(const Vpc& vpc, Pkt p) {
  node_ = graph_ident("vgw", vpc.name);
  if (!step()) return false;
  hop("virtual private gateway " + vpc.name, "into vpc " + vpc.name, vpc.span);
  return route_vpc(vpc, edge_table(vpc, "vpn_gateway"), p, nullptr);
}

bool Walker::onprem_router(const Onprem& o, Pkt p, bool from_lan) {
  node_ = graph_ident("onprem", o.name);
  if (!step()) return false;
  const std::string label = "office router " + o.name;
  if (!p.v6() && o.cidr->contains(*p.dst.v4())) {
    for (const auto& [hname, h] : o.hosts)
      if (h.ip && IpAddr(*h.ip) == p.dst) {
        hop(label, "to its LAN: host " + hname, o.span);
        return arrive(
            "host " + hname, p, [this, &o](Pkt r) { return onprem_router(o, r, true); },
            graph_ident("host", hname));
      }
    return deny({"", label, "", "no host of " + o.name + " has " + p.dst.str(), "", o.span});
  }
  if (!from_lan) {
    if (!p.v6() && o.public_ip && IpAddr(*o.public_ip) == p.dst && reply_) {
      if (const Nat* n = find_nat("office " + o.name, p)) {
        hop(label, "undoes its NAT: " + p.dst.str() + " → " + n->inside.str(), o.span);
        p.dst = n->inside;
        p.dport = n->inside_port;
        return onprem_router(o, p, true);
      }
    }
    return deny({"", label, "",
                 "an office router accepts no connection from outside (it NATs its LAN)", "",
                 o.span});
  }
  if (!p.v6()) {
    const Ipv4 d = *p.dst.v4();
    for (const auto& [xname, x] : sc_.direct_connects) {
      if (x.onprem != o.name) continue;
      const Vpc& vpc = sc_.vpcs.at(x.vpc);
      if (vpc.cidr->contains(d)) {
        hop(label, "routes " + vpc.cidr->str() + " over Direct Connect " + xname, x.span);
        return vgw_in(vpc, p);
      }
    }
    for (const auto& [cname, c] : sc_.vpn_connections) {
      if (c.customer_gateway != o.name) continue;
      if (!c.vpc.empty()) {
        const Vpc& vpc = sc_.vpcs.at(c.vpc);
        if (vpc.cidr->contains(d)) {
          hop(label, "routes " + vpc.cidr->str() + " over VPN " + cname, c.span);
          node_ = graph_ident("vpn", cname);
          hop("VPN " + cname, "IPsec to the virtual private gateway of vpc " + vpc.name, c.span);
          return vgw_in(vpc, p);
        }
      } else if (auto t = sc_.transit_gateways.find(c.tgw); t != sc_.transit_gateways.end()) {
        const std::string att = vpn_attachment(t->second, cname);
        for (const Cidr& r : office_routes(t->second, att))
          if (r.contains(d)) {
            hop(label, "routes " + r.str() + " over VPN " + cname, c.span);
            node_ = graph_ident("vpn", cname);
            hop("VPN " + cname, "IPsec to transit gateway " + t->first, c.span);
            return tgw_in(t->second, att, p);
          }
      }
    }
    for (const auto& [iname, ip] : ad_.private_ip)
      if (ip == d && !ad_.public_ip.count(iname)) {
        const Instance* in = sc_.find_instance(iname);
        return deny({"", label, "",
                     "office " + o.name + " has no route to " + d.str() + " (instance " + iname +
                         ", vpc " + in->vpc +
                         ") over a VPN or Direct Connect; the internet "
                         "does not carry private addresses",
                     office_fix(o, in->vpc), o.span});
      }
    if (o.public_ip) {
      Nat n{"office " + o.name, p.src, *o.public_ip, p.sport, p.sport, {}, {}};
      hop(label, "NATs its LAN to the internet: " + p.src.str() + " → " + o.public_ip->str(),
          o.span);
      nats_.push_back(n);
      p.src = *o.public_ip;
      return internet(p);
    }
  }
  return deny({"", label, "", "the office has no route to " + p.dst.str(), "", o.span});
}

std::string Walker::office_fix(const Onprem& o, const std::string& vpc) const {
  for (const auto& [cname, c] : sc_.vpn_connections) {
    if (c.customer_gateway != o.name) continue;
    if (auto t = sc_.transit_gateways.find(c.tgw); t != sc_.transit_gateways.end()) {
      const std::string att = vpn_attachment(t->second, cname);
      for (const auto& [aname, a] : t->second.attachments)
        if (a.vpc == vpc)
          for (const auto& [rname, rt] : t->second.route_tables)
            if (std::count(rt.associations.begin(), rt.associations.end(), att))
              return "propagate attachment " + aname + " into transit gateway route table " +
                     t->first + "/" + rname + " (the office learns what that table has)";
    }
  }
  return "connect office " + o.name + " to vpc " + vpc +
         " (a VPN connection or Direct Connect to its gateway or transit gateway)";
}

bool Walker::client_vpn(const ClientVpnEndpoint& e, Pkt p) {
  node_ = graph_ident("cvpn", e.name);
  if (!step()) return false;
  const std::string label = "client VPN endpoint " + e.name;
  const Cidr* best = nullptr;
  size_t bi = 0;
  if (!p.v6())
    for (size_t i = 0; i < e.authorization.size(); ++i)
      if (e.authorization[i].contains(*p.dst.v4()) &&
          (!best || e.authorization[i].prefix > best->prefix))
        best = &e.authorization[i], bi = i;
  if (!best)
    return deny({"", label + " authorization", "",
                 "no authorization rule of " + e.name + " allows " + p.dst.str(),
                 "add " + p.dst.str() + "/32 (or its network) to " + e.name + "'s authorization",
                 e.span});
  hop(label, "authorization " + best->str() + " allows it", e.authorization_spans[bi]);
  const Eni* eni = eni_named(Eni::Kind::kClientVpn, e.vpc, e.name);
  if (!eni || !eni->ip) return deny({"", label, "", "the endpoint has no ENI", "", e.span});
  nats_.push_back({"cvpn " + e.name, p.src, *eni->ip, p.sport, p.sport, {}, {}});
  hop(label, "source NAT " + p.src.str() + " → " + eni->ip->str(), e.span);
  p.src = *eni->ip;
  return leave_eni(*eni, p);
}

}  // namespace vpcemu::tracing
