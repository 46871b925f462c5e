// vpcemu trace: a VPC's routing (the local route, route tables with their propagated and
// prefix-list routes, middlebox routes, the smallest missing route) and what its ENIs do with
// what they receive: instances and appliances, NAT gateways (NAT64 too), interface endpoints
// and endpoint services, gateway load balancer endpoints, client VPN.
#include "analyze/graph.h"
#include "analyze/trace_walk.h"
#include "util/text.h"

namespace vpcemu::tracing {

bool Walker::leave_eni(const Eni& e, Pkt p) {
  node_ = eni_node(e);
  if (!step()) return false;
  hop(e.label(), "sends " + pkt_text(p), e.instance ? e.instance->span : SourceSpan{});
  if (!reply_ && !e.groups.empty() && !sg_check(e, p, false)) return false;
  const Vpc& vpc = sc_.vpcs.at(e.vpc);
  return route_vpc(vpc, table_of(vpc, e.subnet), p, &e);
}

std::optional<std::string> Walker::table_of(const Vpc& vpc, const std::string& subnet) {
  const std::string& t = vpc.route_table_of(vpc.subnets.at(subnet));
  return t;  // empty: the implicit main table
}

std::optional<std::string> Walker::edge_table(const Vpc& vpc, const std::string& gateway) {
  for (const auto& [name, rt] : vpc.route_tables)
    if (std::count(rt.edge_associations.begin(), rt.edge_associations.end(), gateway)) return name;
  return std::nullopt;  // the local route only
}

std::optional<VRoute> Walker::lookup(const Vpc& vpc, const std::optional<std::string>& table,
                                     const IpAddr& dst) const {
  std::optional<VRoute> best;
  auto consider = [&](VRoute r) {
    if (!r.dst.contains(dst)) return;
    r.vgw = r.rank >= 3;
    if (!best || r.dst.prefix > best->dst.prefix ||
        (r.dst.prefix == best->dst.prefix && r.rank < best->rank))
      best = std::move(r);
  };
  if (vpc.cidr)
    consider(
        {IpPrefix(*vpc.cidr), 0, nullptr, "", "", vpc.cidr->str() + " → local", vpc.cidr_span});
  if (vpc.ipv6_cidr)
    consider({*vpc.ipv6_cidr, 0, nullptr, "", "", vpc.ipv6_cidr->str() + " → local",
              vpc.ipv6_cidr_span});
  if (!table || table->empty()) return best;
  const RouteTable& rt = vpc.route_tables.at(*table);
  for (const auto& r : rt.routes)
    if (r.destination)
      consider(
          {*r.destination, 1, &r, "", "", r.destination->str() + " → " + r.target.str(), r.span});
  for (const auto& [ename, ep] : vpc.endpoints)
    if (ep.type == EndpointType::kGateway &&
        std::count(ep.route_tables.begin(), ep.route_tables.end(), *table))
      if (auto s = sc_.services.find(ep.service.name); s != sc_.services.end())
        consider({IpPrefix(s->second.cidr), 2, nullptr, ename, s->first,
                  "pl/" + s->first + " (" + s->second.cidr.str() + ") → gateway endpoint " + ename,
                  ep.span});
  if (std::count(rt.propagations.begin(), rt.propagations.end(), "vpn_gateway")) {
    const SourceSpan ps = rt.propagation_spans.empty() ? rt.span : rt.propagation_spans[0];
    for (const auto& [xname, x] : sc_.direct_connects)
      if (x.vpc == vpc.name)
        consider({IpPrefix(*sc_.onprem.at(x.onprem).cidr), 3, nullptr, "", "",
                  sc_.onprem.at(x.onprem).cidr->str() + " → vgw (propagated, Direct Connect " +
                      xname + ")",
                  ps});
    for (const auto& [cname, c] : sc_.vpn_connections) {
      if (c.vpc != vpc.name) continue;
      if (c.routing == VpnRouting::kBgp)
        consider({IpPrefix(*sc_.onprem.at(c.customer_gateway).cidr), 5, nullptr, "", "",
                  sc_.onprem.at(c.customer_gateway).cidr->str() + " → vgw (propagated, BGP of " +
                      cname + ")",
                  ps});
      else
        for (const auto& s : c.static_routes)
          consider({IpPrefix(s), 4, nullptr, "", "",
                    s.str() + " → vgw (propagated, static route of " + cname + ")", ps});
    }
  }
  return best;
}

std::string Walker::table_label(const std::optional<std::string>& table) {
  if (!table) return "local route";
  return table->empty() ? "main route table" : "route table " + *table;
}

std::string Walker::route_fix(const Vpc& vpc, const std::string& table, const Pkt& p,
                              const Eni* from) const {
  const std::string to = " to " + (table.empty() ? "the main route table" : "table " + table);
  for (const auto& [pname, pc] : sc_.peerings) {
    const std::string other = pc.requester == vpc.name  ? pc.accepter
                              : pc.accepter == vpc.name ? pc.requester
                                                        : "";
    if (other.empty()) continue;
    const Vpc& o = sc_.vpcs.at(other);
    if (!p.v6() && o.cidr && o.cidr->contains(*p.dst.v4()))
      return "add a route " + o.cidr->str() + " → peering/" + pname + to;
    if (p.v6() && o.ipv6_cidr && o.ipv6_cidr->contains(p.dst))
      return "add a route " + o.ipv6_cidr->str() + " → peering/" + pname + to;
  }
  for (const auto& [tname, t] : sc_.transit_gateways)
    for (const auto& [_, a] : t.attachments)
      if (a.vpc == vpc.name)
        for (const auto& [_, v] : sc_.vpcs)
          if (!p.v6() && v.cidr && v.cidr->contains(*p.dst.v4()))
            return "add a route " + v.cidr->str() + " → transit_gateway/" + tname + to;
  if (!p.v6())
    for (const auto& [_, o] : sc_.onprem)
      if (o.cidr && o.cidr->contains(*p.dst.v4())) {
        if (sc_.has_vpn_gateway(vpc.name))
          return "add a route " + o.cidr->str() + " → vpn_gateway" + to +
                 " (or propagations: [vpn_gateway])";
        for (const auto& [tname, t] : sc_.transit_gateways)
          for (const auto& [_, a] : t.attachments)
            if (a.vpc == vpc.name)
              return "add a route " + o.cidr->str() + " → transit_gateway/" + tname + to;
      }
  if (p.v6()) {
    if (vpc.internet_gateway) return "add a route ::/0 → internet_gateway" + to;
    if (vpc.egress_only_internet_gateway)
      return "add a route ::/0 → egress_only_internet_gateway" + to;
    return "add an internet gateway to vpc " + vpc.name + " and a route ::/0 → internet_gateway" +
           to;
  }
  const bool instance = from && from->kind == Eni::Kind::kInstance;
  if (vpc.internet_gateway && instance && ad_.public_ip.count(from->name))
    return "add a route 0.0.0.0/0 → internet_gateway" + to;
  for (const auto& [nname, n] : vpc.nat_gateways)
    if (!from || n.subnet != from->subnet)
      return "add a route 0.0.0.0/0 → nat_gateway/" + nname + to;
  if (vpc.internet_gateway && instance)
    return "add a NAT gateway in a public subnet and a route 0.0.0.0/0 → nat_gateway/<it>" + to +
           " (or give instance " + from->name +
           " a public address and a route 0.0.0.0/0 → internet_gateway)";
  if (vpc.internet_gateway) return "add a route 0.0.0.0/0 → internet_gateway" + to;
  return "add an internet gateway (internet_gateway: true) to vpc " + vpc.name +
         " and a route 0.0.0.0/0 → internet_gateway" + to;
}

bool Walker::route_vpc(const Vpc& vpc, const std::optional<std::string>& table, Pkt p,
                       const Eni* from) {
  node_ = graph_ident("vpc", vpc.name);
  if (!step()) return false;
  const std::string tl = table_label(table);
  const RouteTable* rt = table && !table->empty() ? &vpc.route_tables.at(*table) : nullptr;
  auto r = lookup(vpc, table, p.dst);
  if (!r) {
    if (from) {
      if (!acl_check(vpc, from->subnet, p, false)) return false;
    }
    const std::string fix = table ? route_fix(vpc, *table, p, from) : "";
    return deny({"NO_ROUTE_TO_DESTINATION", tl + " of vpc " + vpc.name, "",
                 "no route matches " + p.dst.str() +
                     (table ? "" : " (what enters here is routed by the local route only)"),
                 fix, rt ? rt->span : vpc.span});
  }
  last_vpc_ = vpc.name;
  last_table_ = table;
  // The ENI a local route (or a route to an ENI) delivers to, to know whether NACLs apply.
  const Eni* to = nullptr;
  if (!r->route && r->gateway_endpoint.empty() && !r->vgw) {
    to = eni_at(vpc.name, p.dst);
    if (!to) {
      if (from && !acl_check(vpc, from->subnet, p, false)) return false;
      hop(tl, r->text, r->span);
      return deny({"NO_POSSIBLE_DESTINATION", "vpc " + vpc.name, "",
                   "no ENI in vpc " + vpc.name + " has " + p.dst.str(), "", vpc.span});
    }
  } else if (r->route) {
    const RouteTarget& t = r->route->target;
    if (t.kind == RouteTarget::Kind::kInstance) to = eni_of_instance(t.name);
    if (t.kind == RouteTarget::Kind::kNatGateway) to = eni_named(Eni::Kind::kNat, vpc.name, t.name);
    if (t.kind == RouteTarget::Kind::kEndpoint)
      to = eni_named(Eni::Kind::kGwlbEndpoint, vpc.name, t.name);
  }
  const bool same_subnet = from && to && from->subnet == to->subnet;
  if (from && !same_subnet && !acl_check(vpc, from->subnet, p, false)) return false;
  hop(tl, r->text, r->span);
  if (to) {
    if (same_subnet) hop("subnet " + to->subnet, "same subnet: network ACLs do not apply", {});
    if (!same_subnet && !acl_check(vpc, to->subnet, p, true)) return false;
    node_ = eni_node(*to);
    if (!reply_ && !to->groups.empty() && !sg_check(*to, p, true)) return false;
    return at_eni(*to, p);
  }
  if (r->vgw) return vgw_out(vpc, p);
  if (!r->gateway_endpoint.empty()) {
    hop("gateway endpoint " + r->gateway_endpoint, "to " + r->service + " without the internet",
        r->span);
    const std::string svc = r->service;
    const Vpc* v = &vpc;
    if (reply_)
      return deny({"", "gateway endpoint " + r->gateway_endpoint, "",
                   "a reply routed to a gateway endpoint", "", r->span});
    node_ = graph_ident("vpce", vpc.name + "_" + r->gateway_endpoint);
    const std::string gwe = node_;
    return arrive(
        "service " + svc, p,
        [this, v, gwe](Pkt q) {
          node_ = gwe;
          hop("gateway endpoint", "the reply enters vpc " + v->name, {});
          return route_vpc(*v, std::nullopt, q, nullptr);
        },
        graph_ident("svc", svc));
  }
  const RouteTarget& t = r->route->target;
  switch (t.kind) {
    case RouteTarget::Kind::kBlackhole:
      return deny({"BAD_STATE_ROUTE", tl, r->text,
                   "the route " + r->text + " drops it (a blackhole)",
                   "remove the blackhole route " + r->route->destination->str() + " from " + tl +
                       " (or add a more specific route for " + p.dst.str() + ")",
                   r->span});
    case RouteTarget::Kind::kInternetGateway:
      return igw_out(vpc, p, from);
    case RouteTarget::Kind::kEgressOnlyInternetGateway:
      return eigw_out(vpc, p);
    case RouteTarget::Kind::kPeering:
      return peering(sc_.peerings.at(t.name), vpc, p);
    case RouteTarget::Kind::kTransitGateway: {
      const TransitGateway& tg = sc_.transit_gateways.at(t.name);
      for (const auto& [aname, a] : tg.attachments)
        if (a.vpc == vpc.name) return tgw_in(tg, aname, p);
      return deny({"", "transit gateway " + t.name, "",
                   "vpc " + vpc.name + " has no attachment to " + t.name, "", tg.span});
    }
    case RouteTarget::Kind::kVpnGateway:
      return vgw_out(vpc, p);
    default:
      return deny({"", tl, r->text, "the route's target is unknown", "", r->span});
  }
}

bool Walker::at_eni(const Eni& e, Pkt p) {
  node_ = eni_node(e);
  if (!step()) return false;
  const Vpc& vpc = sc_.vpcs.at(e.vpc);
  switch (e.kind) {
    case Eni::Kind::kInstance: {
      if (e.owns(p.dst)) {
        if (reply_ && e.instance && !e.instance->source_dest_check)
          if (const Nat* n = find_nat("appliance " + e.name, p)) {
            hop(e.label(), "undoes its source NAT: " + p.dst.str() + " → " + n->inside.str(),
                e.instance->span);
            p.dst = n->inside;
            p.dport = n->inside_port;
            return leave_eni(e, p);
          }
        const Eni* self = &e;
        return arrive(e.label(), p, [this, self](Pkt r) { return leave_eni(*self, r); });
      }
      if (e.instance->source_dest_check)
        return deny({"ENI_SOURCE_DEST_CHECK_RESTRICTION", e.label(), "",
                     e.label() + " drops " + p.dst.str() +
                         ": not its address (the source/destination check is on)",
                     "set source_dest_check: false on instance " + e.name,
                     e.instance->source_dest_check_span.known() ? e.instance->source_dest_check_span
                                                                : e.instance->span});
      if (std::find(out_.appliances.begin(), out_.appliances.end(), e.name) ==
          out_.appliances.end())
        out_.appliances.push_back(e.name);
      bool masq = false;
      for (const auto& w : e.instance->run) masq |= w.find("masquerade") != std::string::npos;
      if (masq && !reply_ && e.ip && !p.v6()) {
        hop(e.label(),
            "forwards it, source-NATed to " + e.ip->str() +
                " (its run: masquerades; trace assumes its software passes it)",
            e.instance->run_span);
        nats_.push_back({"appliance " + e.name, p.src, *e.ip, p.sport, p.sport, {}, {}});
        p.src = *e.ip;
      } else {
        hop(e.label(),
            "forwards it (source/destination check off; trace assumes its software passes it)",
            e.instance->run_span.known() ? e.instance->run_span : e.instance->span);
      }
      return leave_eni(e, p);
    }
    case Eni::Kind::kNat:
      return nat_gateway(vpc, e, p);
    case Eni::Kind::kInterfaceEndpoint:
      return interface_endpoint(vpc, e, p);
    case Eni::Kind::kLoadBalancer: {
      if (!reply_ || !e.owns(p.dst))
        return deny({"", e.label(), "", "a load balancer node accepts only its own flows", "",
                     sc_.endpoint_services.at(e.name).span});
      const Nat* n = find_nat("lb " + e.name, p);
      if (!n) return deny({"", e.label(), "", "no connection for this reply", "", {}});
      hop(e.label(), "back to the consumer: " + n->dst_before->str() + " → " + n->inside.str(),
          sc_.endpoint_services.at(e.name).span);
      const std::string consumer_vpc = nat_vpc_.at(n - nats_.data());
      p.src = *n->dst_before;
      p.dst = n->inside;
      p.dport = n->inside_port;
      const Eni* vpce = eni_at(consumer_vpc, p.src);
      if (!vpce) return deny({"", e.label(), "", "the endpoint's ENI is gone", "", {}});
      return leave_eni(*vpce, p);
    }
    case Eni::Kind::kGwlbEndpoint: {
      const Endpoint& ep = vpc.endpoints.at(e.name);
      const auto& glb = sc_.gateway_load_balancers.at(ep.service.name);
      for (const auto& t : glb.targets)
        if (std::find(out_.appliances.begin(), out_.appliances.end(), t) == out_.appliances.end())
          out_.appliances.push_back(t);
      hop(e.label(),
          "sends it to gateway load balancer " + glb.name + " and its appliances (" +
              join(glb.targets, ", ") +
              ") in GENEVE; trace assumes they pass it, and it leaves through the endpoint",
          ep.span);
      return route_vpc(vpc, table_of(vpc, e.subnet), p, &e);
    }
    case Eni::Kind::kClientVpn: {
      if (reply_ && e.owns(p.dst))
        if (const Nat* n = find_nat("cvpn " + e.name, p)) {
          hop(e.label(),
              "undoes its source NAT and sends it down the tunnel: " + p.dst.str() + " → " +
                  n->inside.str(),
              sc_.client_vpn_endpoints.at(e.name).span);
          p.dst = n->inside;
          p.dport = n->inside_port;
          for (const auto& [client, span] : sc_.client_vpn_endpoints.at(e.name).clients)
            if (IpAddr(client_vpn_address(sc_.client_vpn_endpoints.at(e.name), client)) == p.dst)
              return arrive("vpn client " + client, p, nullptr, graph_ident("host", client));
        }
      return deny({"", e.label(), "", "a client VPN endpoint accepts only its clients' flows", "",
                   sc_.client_vpn_endpoints.at(e.name).span});
    }
    case Eni::Kind::kGwlb:
      return deny({"", e.label(), "", "a gateway load balancer accepts only GENEVE", "", {}});
  }
  return false;
}

bool Walker::nat_gateway(const Vpc& vpc, const Eni& e, Pkt p) {
  const NatGateway& n = vpc.nat_gateways.at(e.name);
  const std::string label = e.label();
  if (e.owns(p.dst)) {
    if (reply_)
      if (const Nat* t = find_nat("nat " + vpc.name + "/" + e.name, p)) {
        hop(label, "undoes its NAT: " + p.dst.str() + " → " + t->inside.str(), n.span);
        p.dst = t->inside;
        p.dport = t->inside_port;
        if (t->inside.family == Family::kIpv6) {  // NAT64: back to IPv6
          IpAddr s = kNat64Prefix.addr;
          const Ipv4 v4 = *p.src.v4();
          for (int i = 0; i < 4; ++i) s.bytes[12 + i] = (v4.value >> (24 - 8 * i)) & 0xff;
          p.src = s;
          if (p.proto == Protocol::kIcmp) p.proto = Protocol::kIcmpv6, p.icmp_type = 129;
        }
        return route_vpc(vpc, table_of(vpc, e.subnet), p, &e);
      }
    return deny({"", label, "",
                 "a NAT gateway accepts no connection from outside: only flows its VPC starts", "",
                 n.span});
  }
  if (reply_) return deny({"", label, "", "a reply the NAT gateway did not translate", "", n.span});
  const Ipv4 ip = *e.ip;
  Nat t{"nat " + vpc.name + "/" + e.name, p.src, ip, p.sport, kNatEphemeral, {}, {}};
  if (p.v6()) {
    if (!kNat64Prefix.contains(p.dst))
      return deny({"", label, "", "a NAT gateway translates IPv6 only to 64:ff9b::/96 (NAT64)", "",
                   n.span});
    Ipv4 d{0};
    for (int i = 0; i < 4; ++i) d.value = (d.value << 8) | p.dst.bytes[12 + i];
    hop(label, "NAT64: " + p.src.str() + " → " + ip.str() + ", " + p.dst.str() + " → " + d.str(),
        n.span);
    p.dst = d;
    if (p.proto == Protocol::kIcmpv6) p.proto = Protocol::kIcmp, p.icmp_type = 8;
  } else {
    hop(label, "source NAT " + p.src.str() + " → " + ip.str() + " (ports 1024-65535)", n.span);
  }
  nats_.push_back(t);
  p.src = ip;
  if (p.ports()) p.sport = kNatEphemeral;
  return route_vpc(vpc, table_of(vpc, e.subnet), p, &e);
}

bool Walker::interface_endpoint(const Vpc& vpc, const Eni& e, Pkt p) {
  const Endpoint& ep = vpc.endpoints.at(e.name);
  if (!e.owns(p.dst))
    return deny({"", e.label(), "", "an interface endpoint accepts only what is addressed to it",
                 "", ep.span});
  if (reply_) return deny({"", e.label(), "", "a reply addressed to an endpoint", "", ep.span});
  const Eni* self = &e;
  if (!ep.service.endpoint_service)
    return arrive(
        "service " + ep.service.name + " (through interface endpoint " + e.name + ")", p,
        [this, self](Pkt r) { return leave_eni(*self, r); }, graph_ident("svc", ep.service.name));
  const EndpointService& es = sc_.endpoint_services.at(ep.service.name);
  if (p.proto != Protocol::kTcp || p.dport.from != es.port)
    return deny({"ELBV2_LISTENER_PORT_RESTRICTION", "endpoint service " + es.name, "",
                 "its load balancer listens on tcp " + std::to_string(es.port) + " only", "",
                 es.port_span.known() ? es.port_span : es.span});
  const Eni* node = eni_named(Eni::Kind::kLoadBalancer, es.vpc, es.name, es.subnets.at(0));
  if (!node || !node->ip || es.targets.empty())
    return deny({"", "endpoint service " + es.name, "", "no load balancer target", "", es.span});
  const Eni* target = eni_of_instance(es.targets.front());
  if (!target || !target->ip)
    return deny({"", "endpoint service " + es.name, "", "its target has no address", "", es.span});
  Nat t{"lb " + es.name, p.src, *node->ip, p.sport, p.sport, p.dst, IpAddr(*target->ip)};
  nats_.push_back(t);
  nat_vpc_[nats_.size() - 1] = vpc.name;
  node_ = graph_ident("vpces", es.name);
  hop("endpoint service " + es.name,
      "its load balancer (" + node->ip->str() + ") sends it to target " + target->name + " (" +
          target->ip->str() + ")" +
          (es.targets.size() > 1 ? ", the first of " + std::to_string(es.targets.size()) : ""),
      es.span);
  p.src = *node->ip;
  p.dst = *target->ip;
  return route_vpc(sc_.vpcs.at(es.vpc), table_of(sc_.vpcs.at(es.vpc), node->subnet), p, node);
}

}  // namespace vpcemu::tracing
