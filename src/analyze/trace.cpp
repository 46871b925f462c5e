// vpcemu trace: the packet's path through the AWS model, the reply's path back, and why.
#include "analyze/trace.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "analyze/graph.h"
#include "util/text.h"

namespace vpcemu {

namespace {

// Linux's default ephemeral ports (instances, hosts, offices) and a NAT gateway's (AWS).
constexpr PortRange kLinuxEphemeral{32768, 60999};
constexpr PortRange kNatEphemeral{1024, 65535};
constexpr int kMaxHops = 64;  // as Reachability Analyzer: a longer path is a loop

int protocol_number(Protocol p) {
  switch (p) {
    case Protocol::kTcp:
      return 6;
    case Protocol::kUdp:
      return 17;
    case Protocol::kIcmp:
      return 1;
    case Protocol::kIcmpv6:
      return 58;
    default:
      return -1;
  }
}

struct Pkt {
  IpAddr src, dst;
  Protocol proto = Protocol::kTcp;  // tcp, udp, icmp or icmpv6
  PortRange sport{0, 0}, dport{0, 0};
  int icmp_type = -1;
  bool v6() const { return dst.family == Family::kIpv6; }
  bool ports() const { return proto == Protocol::kTcp || proto == Protocol::kUdp; }
};

std::string range_text(const PortRange& r) {
  return r.from == r.to ? std::to_string(r.from)
                        : std::to_string(r.from) + "-" + std::to_string(r.to);
}

std::string pkt_text(const Pkt& p) {
  std::string s = std::string(protocol_name(p.proto)) + " " + p.src.str();
  if (p.ports()) s += ":" + range_text(p.sport);
  s += " → " + p.dst.str();
  if (p.ports()) s += ":" + range_text(p.dport);
  if (!p.ports() && p.icmp_type >= 0) s += " (type " + std::to_string(p.icmp_type) + ")";
  return s;
}

std::string traffic_text(const TrafficMatch& m) {
  std::string s = m.protocol == Protocol::kNumber ? "protocol " + std::to_string(m.protocol_number)
                                                  : protocol_name(m.protocol);
  if (m.ports) s += " " + range_text(*m.ports);
  if (m.icmp_type >= 0) s += " type " + std::to_string(m.icmp_type);
  return s;
}

// A rule's traffic (protocol, ports, ICMP type) against a packet at one destination port.
bool traffic_matches(const TrafficMatch& m, const Pkt& p, int port) {
  switch (m.protocol) {
    case Protocol::kAll:
      return true;
    case Protocol::kNumber:
      return m.protocol_number == protocol_number(p.proto);
    case Protocol::kTcp:
    case Protocol::kUdp:
      return m.protocol == p.proto && (!m.ports || (port >= m.ports->from && port <= m.ports->to));
    case Protocol::kIcmp:
    case Protocol::kIcmpv6:
      return m.protocol == p.proto && (m.icmp_type < 0 || m.icmp_type == p.icmp_type) &&
             (m.icmp_code < 0 || m.icmp_code == 0);
  }
  return false;
}

// An ENI of the model: whose, where, its addresses and groups.
struct Eni {
  enum class Kind {
    kInstance,
    kNat,
    kInterfaceEndpoint,
    kLoadBalancer,
    kGwlbEndpoint,
    kGwlb,
    kClientVpn
  };
  Kind kind = Kind::kInstance;
  std::string vpc, subnet, name;
  std::optional<Ipv4> ip;
  std::optional<IpAddr> ip6;
  std::vector<std::string> groups;  // empty: no security groups apply (gateways, nodes)
  const Instance* instance = nullptr;
  std::string label() const {
    switch (kind) {
      case Kind::kInstance:
        return "instance " + name;
      case Kind::kNat:
        return "NAT gateway " + name;
      case Kind::kInterfaceEndpoint:
        return "interface endpoint " + name + " (ENI in " + subnet + ")";
      case Kind::kLoadBalancer:
        return "load balancer of endpoint service " + name + " (node in " + subnet + ")";
      case Kind::kGwlbEndpoint:
        return "gateway load balancer endpoint " + name;
      case Kind::kGwlb:
        return "gateway load balancer " + name;
      case Kind::kClientVpn:
        return "client VPN endpoint " + name + " (ENI in " + subnet + ")";
    }
    return name;
  }
  bool owns(const IpAddr& a) const { return (ip && IpAddr(*ip) == a) || (ip6 && *ip6 == a); }
};

// A translation made on the way there, undone for the reply where it was made.
struct Nat {
  std::string where;
  IpAddr inside, outside;  // source address before and after
  PortRange inside_port, outside_port;
  std::optional<IpAddr> dst_before;  // a destination rewritten too (a load balancer's target)
  std::optional<IpAddr> dst_after;
};

struct Deny {
  std::string code, component, rule, reason, fix;
  SourceSpan span;
};

// A candidate route of a VPC route table, the table's own or one it gets.
struct VRoute {
  IpPrefix dst;
  int rank = 0;  // among equal prefixes the lowest: local, static, prefix list, propagated
  const Route* route = nullptr;
  std::string gateway_endpoint;  // a prefix-list route of a gateway endpoint
  std::string service;
  std::string text;
  SourceSpan span;
  bool vgw = false;  // propagated from the virtual private gateway
};

class Walker {
 public:
  Walker(const Scenario& sc, const Addressing& ad, TraceResult& out) : sc_(sc), ad_(ad), out_(out) {
    index();
  }

  // The walk: from the source, then the reply from wherever the packet arrived.
  void run(const std::function<bool(Pkt)>& start, Pkt p, const std::string& source) {
    const Pkt sent = p;
    if (source_node_.size()) {
      node_ = source_node_;
      hop(source, "sends " + pkt_text(p), {});
    }
    if (!start(p)) return finish();
    const Pkt got = arrived_pkt_;
    auto responder = responder_;
    const std::string at = arrived_;
    reply_ = true;
    steps_ = 0;
    Pkt r;
    r.src = got.dst;
    r.dst = got.src;
    r.proto = got.proto;
    r.sport = got.dport;
    r.dport = got.sport;
    r.icmp_type = got.proto == Protocol::kIcmpv6 ? 129 : got.proto == Protocol::kIcmp ? 0 : -1;
    if (!responder) {
      deny({"", at, "", at + " does not answer connections", "", {}});
      return finish();
    }
    hop(at, "answers: " + pkt_text(r), {});
    if (!responder(r)) return finish();
    if (arrived_ != source || arrived_pkt_.dst != sent.src || arrived_pkt_.src != sent.dst) {
      deny({"",
            arrived_,
            "",
            "the reply arrives at " + arrived_ + " from " + arrived_pkt_.src.str() + ", not at " +
                source + " from " + sent.dst.str() + ": the connection does not complete",
            "",
            {}});
      return finish();
    }
    out_.allow = true;
    finish();
  }

  // --- starting points ---

  const Eni* eni_of_instance(const std::string& name) const {
    auto it = instance_eni_.find(name);
    return it == instance_eni_.end() ? nullptr : &enis_.at(it->second);
  }
  const Eni* eni_at(const std::string& vpc, const IpAddr& a) const {
    auto it = by_addr_.find({vpc, a});
    return it == by_addr_.end() ? nullptr : &enis_.at(it->second);
  }
  const Eni* eni_named(Eni::Kind k, const std::string& vpc, const std::string& name,
                       const std::string& subnet = "") const {
    for (const auto& e : enis_)
      if (e.kind == k && e.vpc == vpc && e.name == name && (subnet.empty() || e.subnet == subnet))
        return &e;
    return nullptr;
  }

  static std::string eni_node(const Eni& e) {
    switch (e.kind) {
      case Eni::Kind::kInstance:
        return graph_ident("host", e.name);
      case Eni::Kind::kNat:
        return graph_ident("nat", e.vpc + "_" + e.name);
      case Eni::Kind::kInterfaceEndpoint:
      case Eni::Kind::kGwlbEndpoint:
        return graph_ident("vpce", e.vpc + "_" + e.name);
      case Eni::Kind::kLoadBalancer:
        return graph_ident("vpces", e.name);
      case Eni::Kind::kGwlb:
        return graph_ident("gwlb", e.name);
      case Eni::Kind::kClientVpn:
        return graph_ident("cvpn", e.name);
    }
    return "";
  }

  bool leave_eni(const Eni& e, Pkt p) {
    node_ = eni_node(e);
    if (!step()) return false;
    hop(e.label(), "sends " + pkt_text(p), e.instance ? e.instance->span : SourceSpan{});
    if (!reply_ && !e.groups.empty() && !sg_check(e, p, false)) return false;
    const Vpc& vpc = sc_.vpcs.at(e.vpc);
    return route_vpc(vpc, table_of(vpc, e.subnet), p, &e);
  }

  bool internet(Pkt p) {
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
              "service " + name, p, [this](Pkt r) { return internet(r); },
              graph_ident("svc", name));
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

  bool onprem_router(const Onprem& o, Pkt p, bool from_lan) {
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
          return deny({"NO_ROUTE_TO_DESTINATION", label, "",
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
    return deny({"NO_ROUTE_TO_DESTINATION", label, "", "the office has no route to " + p.dst.str(),
                 "", o.span});
  }

  // A private address that reached the internet: the table that sent it there lacks a route
  // to a VPC it is connected to, or the instance needs a public address.
  std::string internet_private_fix(const std::string& instance) const {
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

  // How an office would reach a VPC privately: its transit gateway's table learns the VPC.
  std::string office_fix(const Onprem& o, const std::string& vpc) const {
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

  bool client_vpn(const ClientVpnEndpoint& e, Pkt p) {
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

  Deny denied() const { return *deny_; }

  std::string arrived_;
  Pkt arrived_pkt_;

 private:
  // --- the model's indexes ---
  void index() {
    auto add = [&](Eni e) {
      const size_t i = enis_.size();
      if (e.ip) by_addr_[{e.vpc, IpAddr(*e.ip)}] = i;
      if (e.ip6) by_addr_[{e.vpc, *e.ip6}] = i;
      if (e.kind == Eni::Kind::kInstance) instance_eni_[e.name] = i;
      enis_.push_back(std::move(e));
    };
    auto ip_of = [&](const std::string& key) -> std::optional<Ipv4> {
      auto it = ad_.eni_private.find(key);
      if (it == ad_.eni_private.end()) return std::nullopt;
      return it->second;
    };
    for (const auto& [vname, vpc] : sc_.vpcs) {
      for (const auto& [iname, in] : vpc.instances) {
        Eni e{Eni::Kind::kInstance, vname, in.subnet, iname};
        if (auto a = ad_.private_ip.find(iname); a != ad_.private_ip.end()) e.ip = a->second;
        if (auto a = ad_.ipv6.find(iname); a != ad_.ipv6.end()) e.ip6 = a->second;
        e.groups = in.security_groups.empty() ? std::vector<std::string>{kDefaultGroup}
                                              : in.security_groups;
        e.instance = &in;
        add(std::move(e));
      }
      for (const auto& [nname, n] : vpc.nat_gateways) {
        Eni e{Eni::Kind::kNat, vname, n.subnet, nname};
        e.ip = ad_.nat_private.at(nat_key(vname, nname));
        add(std::move(e));
      }
      for (const auto& [ename, ep] : vpc.endpoints) {
        if (ep.type == EndpointType::kInterface) {
          for (const auto& sub : ep.subnets) {
            Eni e{Eni::Kind::kInterfaceEndpoint, vname, sub, ename};
            e.ip = ip_of(eni_key("vpce", vname, ename, sub));
            e.groups = ep.security_groups.empty() ? std::vector<std::string>{kDefaultGroup}
                                                  : ep.security_groups;
            add(std::move(e));
          }
        } else if (ep.type == EndpointType::kGatewayLoadBalancer && !ep.subnets.empty()) {
          Eni e{Eni::Kind::kGwlbEndpoint, vname, ep.subnets[0], ename};
          e.ip = ip_of(eni_key("gwlbe", vname, ename, ep.subnets[0]));
          add(std::move(e));
        }
      }
      for (const auto& [cname, c] : sc_.client_vpn_endpoints) {
        if (c.vpc != vname || c.subnets.empty()) continue;
        Eni e{Eni::Kind::kClientVpn, vname, c.subnets[0], cname};
        e.ip = ip_of(eni_key("cvpn", vname, cname, c.subnets[0]));
        e.groups = {kDefaultGroup};
        add(std::move(e));
      }
    }
    for (const auto& [sname, es] : sc_.endpoint_services)
      for (const auto& sub : es.subnets) {
        Eni e{Eni::Kind::kLoadBalancer, es.vpc, sub, sname};
        e.ip = ip_of(eni_key("nlb", es.vpc, sname, sub));
        add(std::move(e));
      }
    for (const auto& [gname, g] : sc_.gateway_load_balancers)
      if (!g.subnets.empty()) {
        Eni e{Eni::Kind::kGwlb, g.vpc, g.subnets[0], gname};
        e.ip = ip_of(eni_key("gwlb", g.vpc, gname, g.subnets[0]));
        add(std::move(e));
      }
  }

  static bool is_private(Ipv4 a) {
    for (const char* c : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"})
      if (Cidr::parse(c)->contains(a)) return true;
    return false;
  }

  // --- bookkeeping ---
  bool step() {
    if (++steps_ <= kMaxHops) return true;
    return deny({"", "path", "", "the path loops (more than 64 hops)", "", {}});
  }
  void hop(const std::string& component, const std::string& detail, SourceSpan span) {
    out_.hops.push_back({component, detail, span, reply_, node_});
  }
  bool deny(Deny d) {
    if (!deny_) deny_ = std::move(d), deny_node_ = node_;
    return false;
  }
  bool arrive(const std::string& who, const Pkt& p, std::function<bool(Pkt)> responder,
              const std::string& node = "") {
    if (!node.empty()) node_ = node;
    hop(who, reply_ ? "receives the reply" : "receives " + pkt_text(p), {});
    arrived_ = who;
    arrived_pkt_ = p;
    responder_ = std::move(responder);
    return true;
  }
  void finish() {
    if (deny_) {
      out_.allow = false;
      out_.code = deny_->code;
      out_.component = deny_->component;
      out_.rule = deny_->rule;
      out_.reason = deny_->reason;
      out_.fix = deny_->fix;
      out_.span = deny_->span;
      out_.reply = reply_;
      out_.denied_node = deny_node_;
    }
  }
  const Nat* find_nat(const std::string& where, const Pkt& p) const {
    for (auto it = nats_.rbegin(); it != nats_.rend(); ++it)
      if (it->where == where && it->outside == p.dst) return &*it;
    return nullptr;
  }

  // --- security groups ---
  bool is_member(const std::string& vpc, const std::string& group, const IpAddr& a) const {
    const Eni* e = eni_at(vpc, a);
    return e && std::find(e->groups.begin(), e->groups.end(), group) != e->groups.end();
  }

  bool peer_matches(const Vpc& vpc, const Peer& peer, const IpAddr& a) const {
    switch (peer.kind) {
      case Peer::Kind::kCidr:
        return peer.cidr && peer.cidr->family() == a.family && peer.cidr->contains(a);
      case Peer::Kind::kGroup:
        return is_member(peer.vpc.empty() ? vpc.name : peer.vpc, peer.name, a);
      case Peer::Kind::kPrefixList: {
        auto s = sc_.services.find(peer.name);
        return s != sc_.services.end() && a.v4() && s->second.cidr.contains(*a.v4());
      }
    }
    return false;
  }

  static std::string peer_text(const Peer& p) {
    switch (p.kind) {
      case Peer::Kind::kCidr:
        return p.cidr ? p.cidr->str() : "?";
      case Peer::Kind::kGroup:
        return (p.vpc.empty() ? "" : "vpc/" + p.vpc + "/") + "sg/" + p.name;
      case Peer::Kind::kPrefixList:
        return "pl/" + p.name;
    }
    return "?";
  }

  // Union of the ENI's groups' rules in one direction; the first that matches is named.
  bool sg_check(const Eni& e, const Pkt& p, bool ingress) {
    const Vpc& vpc = sc_.vpcs.at(e.vpc);
    const IpAddr& other = ingress ? p.src : p.dst;
    const std::string dir = ingress ? "ingress" : "egress";
    for (const auto& gname : e.groups) {
      auto g = vpc.security_groups.find(gname);
      if (g == vpc.security_groups.end()) {
        // The implicit default group: members may come in, everything may go out.
        if (!ingress || is_member(vpc.name, kDefaultGroup, other)) {
          hop("security group " + gname + " (" + dir + ")",
              ingress ? "allows members of sg/default (implicit rule)"
                      : "allows all outbound (implicit rule)",
              {});
          return true;
        }
        continue;
      }
      if (!ingress && !g->second.egress) {
        hop("security group " + gname + " (egress)", "allows all outbound (no egress rules given)",
            g->second.span);
        return true;
      }
      const auto& rules = ingress ? g->second.ingress : *g->second.egress;
      for (const auto& r : rules)
        if (traffic_matches(r, p, p.dport.from) && peer_matches(vpc, r.peer, other)) {
          hop("security group " + gname + " (" + dir + ")",
              "allows " + traffic_text(r) + (ingress ? " from " : " to ") + peer_text(r.peer),
              r.span);
          return true;
        }
    }
    // The smallest fix: one rule in the first group.
    const std::string g0 = e.groups.front();
    std::string what = std::string(protocol_name(p.proto));
    if (p.ports()) what += " " + std::to_string(p.dport.from);
    std::string peer = other.str() + (other.family == Family::kIpv6 ? "/128" : "/32");
    if (ingress)
      if (const Eni* src = eni_at(e.vpc, other); src && !src->groups.empty())
        peer = "sg/" + src->groups.front();
    auto g = vpc.security_groups.find(g0);
    return deny(
        {"ENI_SG_RULES_MISMATCH", "security group " + g0 + " (" + dir + ")", "",
         std::string("no rule of ") + (e.groups.size() > 1 ? "the groups of " : "the group of ") +
             e.label() + " (" + join(e.groups, ", ") + ") allows " + dir + " " + pkt_text(p),
         "add " + dir + " " + what + (ingress ? " from " : " to ") + peer + " to group " + g0,
         g == vpc.security_groups.end() ? SourceSpan{} : g->second.span});
  }

  // --- network ACLs ---
  bool acl_check(const Vpc& vpc, const std::string& subnet, const Pkt& p, bool inbound) {
    const Subnet& sub = vpc.subnets.at(subnet);
    const std::string name = effective_acl(sub);
    const std::string comp =
        "network ACL " + name + " of " + subnet + (inbound ? " (inbound)" : " (outbound)");
    auto it = vpc.network_acls.find(name);
    if (it == vpc.network_acls.end()) {
      hop(comp, "rule 100 allows all (the default network ACL)", {});
      return true;
    }
    const NetworkAcl& acl = it->second;
    std::vector<const NaclRule*> rules;
    for (const auto& r : inbound ? acl.ingress : acl.egress) rules.push_back(&r);
    std::stable_sort(rules.begin(), rules.end(),
                     [](const NaclRule* a, const NaclRule* b) { return a->number < b->number; });
    const IpAddr& other = inbound ? p.src : p.dst;
    auto first = [&](int port) -> const NaclRule* {
      for (const NaclRule* r : rules)
        if (r->cidr && r->cidr->family() == other.family && r->cidr->contains(other) &&
            traffic_matches(*r, p, port))
          return r;
      return nullptr;
    };
    // Ports: the first matching rule is constant between the rules' port boundaries.
    std::vector<int> cuts = {p.dport.from};
    if (p.ports())
      for (const NaclRule* r : rules)
        if (r->ports) {
          if (r->ports->from > p.dport.from && r->ports->from <= p.dport.to)
            cuts.push_back(r->ports->from);
          if (r->ports->to + 1 > p.dport.from && r->ports->to + 1 <= p.dport.to)
            cuts.push_back(r->ports->to + 1);
        }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    const NaclRule* allowed_by = nullptr;
    for (size_t i = 0; i < cuts.size(); ++i) {
      const int lo = cuts[i], hi = i + 1 < cuts.size() ? cuts[i + 1] - 1 : p.dport.to;
      const NaclRule* r = first(lo);
      if (r && r->allow) {
        if (!allowed_by) allowed_by = r;
        continue;
      }
      const std::string ports = p.ports() ? " " + range_text(PortRange{lo, hi}) : "";
      const bool partial = p.ports() && p.dport.from != p.dport.to;
      std::string what = std::string(protocol_name(p.proto)) +
                         (p.ports() ? " " + range_text(p.dport) : "") +
                         (inbound ? " from " : " to ") + other.str();
      std::string fix;
      if (r)
        fix = "rule " + std::to_string(r->number) + " denies it first: add an " +
              (inbound ? "inbound" : "outbound") + " allow rule numbered below " +
              std::to_string(r->number) + " for " + what + " to network ACL " + name;
      else
        fix = std::string("add ") + (inbound ? "an inbound" : "an outbound") + " rule allowing " +
              what + " to network ACL " + name;
      if (reply_ && partial)
        fix += " (a reply goes to the client's ephemeral ports; " +
               std::string(p.v6() ? "::/0" : "0.0.0.0/0") + " serves every client)";
      return deny({"SUBNET_ACL_RESTRICTION", comp,
                   r ? "rule " + std::to_string(r->number) + " deny " + traffic_text(*r) + " " +
                           (r->cidr ? r->cidr->str() : "")
                     : "rule * deny",
                   std::string(r ? "rule " + std::to_string(r->number) + " denies "
                                 : "no rule allows (the final * rule denies) ") +
                       protocol_name(p.proto) + ports + (inbound ? " from " : " to ") +
                       other.str() +
                       (p.ports() && ports != " " + range_text(p.dport)
                            ? " (of ports " + range_text(p.dport) + ")"
                            : ""),
                   fix, r ? r->span : acl.span});
    }
    hop(comp,
        "rule " + std::to_string(allowed_by->number) + " allows " + traffic_text(*allowed_by) +
            " " + (allowed_by->cidr ? allowed_by->cidr->str() : ""),
        allowed_by->span);
    return true;
  }

  // --- VPC routing ---
  static std::optional<std::string> table_of(const Vpc& vpc, const std::string& subnet) {
    const std::string& t = vpc.route_table_of(vpc.subnets.at(subnet));
    return t;  // empty: the implicit main table
  }
  static std::optional<std::string> edge_table(const Vpc& vpc, const std::string& gateway) {
    for (const auto& [name, rt] : vpc.route_tables)
      if (std::count(rt.edge_associations.begin(), rt.edge_associations.end(), gateway))
        return name;
    return std::nullopt;  // the local route only
  }

  std::optional<VRoute> lookup(const Vpc& vpc, const std::optional<std::string>& table,
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
          consider(
              {IpPrefix(s->second.cidr), 2, nullptr, ename, s->first,
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

  static std::string table_label(const std::optional<std::string>& table) {
    if (!table) return "local route";
    return table->empty() ? "main route table" : "route table " + *table;
  }

  // The smallest change that gives a table a route to `dst`.
  std::string route_fix(const Vpc& vpc, const std::string& table, const Pkt& p,
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

  // A packet in the VPC router, looked up in a table (nullopt: the local route only, as for
  // what enters from a peering or from a gateway without a gateway route table).
  bool route_vpc(const Vpc& vpc, const std::optional<std::string>& table, Pkt p, const Eni* from) {
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
        return deny({"", "vpc " + vpc.name, "", "no ENI in vpc " + vpc.name + " has " + p.dst.str(),
                     "", vpc.span});
      }
    } else if (r->route) {
      const RouteTarget& t = r->route->target;
      if (t.kind == RouteTarget::Kind::kInstance) to = eni_of_instance(t.name);
      if (t.kind == RouteTarget::Kind::kNatGateway)
        to = eni_named(Eni::Kind::kNat, vpc.name, t.name);
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

  // --- what an ENI does with what it receives ---
  bool at_eni(const Eni& e, Pkt p) {
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
          return deny({"", e.label(), "",
                       e.label() + " drops " + p.dst.str() +
                           ": not its address (the source/destination check is on)",
                       "set source_dest_check: false on instance " + e.name,
                       e.instance->source_dest_check_span.known()
                           ? e.instance->source_dest_check_span
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
              if (IpAddr(client_address(sc_.client_vpn_endpoints.at(e.name), client)) == p.dst)
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

  bool nat_gateway(const Vpc& vpc, const Eni& e, Pkt p) {
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
                   "a NAT gateway accepts no connection from outside: only flows its VPC starts",
                   "", n.span});
    }
    if (reply_)
      return deny({"", label, "", "a reply the NAT gateway did not translate", "", n.span});
    const Ipv4 ip = *e.ip;
    Nat t{"nat " + vpc.name + "/" + e.name, p.src, ip, p.sport, kNatEphemeral, {}, {}};
    if (p.v6()) {
      if (!kNat64Prefix.contains(p.dst))
        return deny({"", label, "", "a NAT gateway translates IPv6 only to 64:ff9b::/96 (NAT64)",
                     "", n.span});
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

  bool interface_endpoint(const Vpc& vpc, const Eni& e, Pkt p) {
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
      return deny(
          {"", "endpoint service " + es.name, "", "its target has no address", "", es.span});
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

  // --- gateways ---
  bool igw_out(const Vpc& vpc, Pkt p, const Eni* from) {
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
      return deny({"", label, "",
                   p.src.str() + (src ? " (" + src->label() + ")" : "") +
                       " has no public address: the internet gateway drops it",
                   fix, vpc.span});
    }
    hop(label, "1:1 NAT " + p.src.str() + " → " + pub->str(), vpc.span);
    p.src = *pub;
    return internet(p);
  }

  bool igw_in(const Vpc& vpc, Pkt p) {
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

  bool eigw_out(const Vpc& vpc, Pkt p) {
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

  bool eigw_in(const Vpc& vpc, Pkt p) {
    node_ = graph_ident("eigw", vpc.name);
    const std::string label = "egress-only internet gateway " + vpc.name;
    if (!reply_)
      return deny({"", label, "",
                   "an egress-only internet gateway lets in only replies to what went out", "",
                   vpc.egress_only_span});
    hop(label, "a reply: in", vpc.egress_only_span);
    return route_vpc(vpc, std::nullopt, p, nullptr);
  }

  bool peering(const Peering& pc, const Vpc& from, Pkt p) {
    node_ = graph_ident("pcx", pc.name);
    if (!step()) return false;
    const std::string label = "peering " + pc.name;
    const Vpc& other = sc_.vpcs.at(pc.requester == from.name ? pc.accepter : pc.requester);
    auto in = [&](const Vpc& v, const IpAddr& a) {
      return a.family == Family::kIpv6 ? v.ipv6_cidr && v.ipv6_cidr->contains(a)
                                       : v.cidr && v.cidr->contains(*a.v4());
    };
    if (!in(from, p.src))
      return deny({"", label, "",
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
        return deny({"", label, "",
                     "a peering reaches only vpc " + other.name + "'s addresses: " + p.dst.str() +
                         " is in vpc " + holder + " (peering is not transitive)",
                     "peer vpc " + from.name + " with vpc " + holder +
                         " directly, or attach both to a transit gateway",
                     pc.span});
      return deny(
          {"", label, "",
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

  static std::string vpn_attachment(const TransitGateway& t, const std::string& conn) {
    for (const auto& [name, a] : t.attachments)
      if (a.vpn == conn) return name;
    return "";
  }

  // What an office learns over its VPN to a transit gateway: the VPCs propagated into the VPN
  // attachment's route table and that table's static routes not back to the office.
  std::vector<Cidr> office_routes(const TransitGateway& t, const std::string& att) const {
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

  bool tgw_in(const TransitGateway& t, const std::string& att, Pkt p) {
    node_ = graph_ident("tgw", t.name);
    if (!step()) return false;
    const std::string label = "transit gateway " + t.name;
    const TgwRouteTable* table = nullptr;
    for (const auto& [_, rt] : t.route_tables)
      if (std::count(rt.associations.begin(), rt.associations.end(), att)) table = &rt;
    if (!table)
      return deny({"", label, "",
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
                  r.destination->str() + " → " + (r.blackhole ? "blackhole" : r.attachment),
                  r.span});
    for (size_t i = 0; i < table->propagations.size(); ++i) {
      const std::string& a = table->propagations[i];
      const TgwAttachment& x = t.attachments.at(a);
      const SourceSpan sp =
          i < table->propagation_spans.size() ? table->propagation_spans[i] : table->span;
      if (!x.vpc.empty()) {
        const Vpc& v = sc_.vpcs.at(x.vpc);
        consider(
            {IpPrefix(*v.cidr), 1, nullptr, a, v.cidr->str() + " → " + a + " (propagated)", sp});
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
      return deny({"TGW_RTB_CANNOT_ROUTE", tl, "", "no route of " + tl + " matches " + p.dst.str(),
                   fix, table->span});
    }
    hop(tl, best->text, best->span);
    if (best->route && best->route->blackhole)
      return deny({"BAD_STATE_ROUTE", tl, best->text,
                   "the route " + best->text + " drops it (a blackhole)",
                   "remove the blackhole route " + best->dst.str() + " from " + tl, best->span});
    const TgwAttachment& x = t.attachments.at(best->attachment);
    if (!x.vpc.empty()) {
      const Vpc& v = sc_.vpcs.at(x.vpc);
      hop(label,
          "attachment " + x.name + " into vpc " + v.name + " (subnet " + x.subnets.at(0) + ")",
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

  bool vgw_out(const Vpc& vpc, Pkt p) {
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

  bool vgw_in(const Vpc& vpc, Pkt p) {
    node_ = graph_ident("vgw", vpc.name);
    if (!step()) return false;
    hop("virtual private gateway " + vpc.name, "into vpc " + vpc.name, vpc.span);
    return route_vpc(vpc, edge_table(vpc, "vpn_gateway"), p, nullptr);
  }

 public:
  static Ipv4 client_address(const ClientVpnEndpoint& e, const std::string& client) {
    uint64_t i = 2;
    for (const auto& [c, _] : e.clients) {
      if (c == client) break;
      ++i;
    }
    return e.client_cidr->at(i);
  }

 private:
  const Scenario& sc_;
  const Addressing& ad_;
  TraceResult& out_;
  std::vector<Eni> enis_;
  std::map<std::pair<std::string, IpAddr>, size_t> by_addr_;
  std::map<std::string, size_t> instance_eni_;
  std::vector<Nat> nats_;
  std::map<size_t, std::string> nat_vpc_;  // a load balancer's translation: the consumer's VPC
  std::set<std::string> eigw_out_;  // VPCs whose egress-only gateway the connection started by
  std::string node_, deny_node_;

 public:
  std::string source_node_;  // a source that is not an ENI (which says what it sends itself)
 private:                    // the graph node the walk is at; where it was denied
  std::string last_vpc_;     // the last VPC route table a packet was looked up in
  std::optional<std::string> last_table_;
  bool reply_ = false;
  int steps_ = 0;
  std::optional<Deny> deny_;
  std::function<bool(Pkt)> responder_;
};

// Where `to` is, as a real client of `from` would address it (vpcemu check's choice).
struct Dest {
  IpAddr addr;
  std::string error;
};

Dest destination(const Scenario& sc, const Addressing& ad, const TraceQuery& q,
                 const std::string& src_vpc, const std::string& src_kind,
                 const std::string& src_site) {
  Dest d;
  if (auto ip = IpAddr::parse(q.to)) {
    d.addr = *ip;
    return d;
  }
  const bool v6 = q.ip_version == 6;
  if (const Instance* in = sc.find_instance(q.to)) {
    if (v6) {
      auto a = ad.ipv6.find(q.to);
      if (a == ad.ipv6.end()) return {{}, "instance " + q.to + " has no IPv6 address"};
      d.addr = a->second;
      return d;
    }
    bool vpn = false;
    for (const auto& [_, c] : sc.vpn_connections) {
      bool reaches = c.vpc == in->vpc;
      if (auto t = sc.transit_gateways.find(c.tgw); t != sc.transit_gateways.end())
        for (const auto& [_, a] : t->second.attachments) reaches |= a.vpc == in->vpc;
      vpn |= src_kind == "onprem" && c.customer_gateway == src_site && reaches;
    }
    for (const auto& [_, x] : sc.direct_connects)
      vpn |= src_kind == "onprem" && x.onprem == src_site && x.vpc == in->vpc;
    vpn |= src_kind == "vpn-client" && src_vpc == in->vpc;
    const bool outside =
        (src_kind != "instance" && !vpn) ||
        (src_kind == "instance" && src_vpc != in->vpc && !sc.privately_connected(src_vpc, in->vpc));
    auto pub = ad.public_ip.find(q.to);
    auto priv = ad.private_ip.find(q.to);
    if (outside && pub != ad.public_ip.end())
      d.addr = pub->second;
    else if (priv != ad.private_ip.end())
      d.addr = priv->second;
    else
      return {{}, "instance " + q.to + " has no IPv4 address"};
    return d;
  }
  if (auto h = sc.hosts.find(q.to); h != sc.hosts.end()) {
    if (v6 && !h->second.ipv6) return {{}, "host " + q.to + " has no IPv6 address"};
    d.addr = v6 ? *h->second.ipv6 : IpAddr(*h->second.ip);
    return d;
  }
  for (const auto& [_, o] : sc.onprem)
    if (auto h = o.hosts.find(q.to); h != o.hosts.end()) {
      d.addr = *h->second.ip;
      return d;
    }
  if (auto s = sc.services.find(q.to); s != sc.services.end()) {
    d.addr = s->second.address();
    return d;
  }
  for (const auto& [_, e] : sc.client_vpn_endpoints)
    if (e.clients.count(q.to)) {
      d.addr = Walker::client_address(e, q.to);
      return d;
    }
  if (!src_vpc.empty()) {
    const Vpc& vpc = sc.vpcs.at(src_vpc);
    if (auto ep = vpc.endpoints.find(q.to); ep != vpc.endpoints.end() &&
                                            ep->second.type == EndpointType::kInterface &&
                                            !ep->second.subnets.empty()) {
      auto a = ad.eni_private.find(eni_key("vpce", src_vpc, q.to, ep->second.subnets[0]));
      if (a != ad.eni_private.end()) {
        d.addr = a->second;
        return d;
      }
    }
  }
  return {{},
          "'" + q.to + "' is not an instance, host, service, client, interface endpoint of " +
              (src_vpc.empty() ? "the source's VPC" : "vpc " + src_vpc) + " or an address"};
}

}  // namespace

TraceQuery trace_query(const Expect& e) {
  TraceQuery q;
  q.from = e.from;
  q.to = e.to;
  q.protocol = e.protocol;
  q.port = e.port;
  q.ip_version = e.ip_version;
  if (auto ip = IpAddr::parse(e.to); ip && ip->family == Family::kIpv6) q.ip_version = 6;
  return q;
}

TraceOutcome trace(const Scenario& sc, const Addressing& ad, const TraceQuery& q) {
  TraceOutcome o;
  TraceResult r;
  Walker w(sc, ad, r);
  const bool v6 = q.ip_version == 6;
  Pkt p;
  p.proto = q.protocol == Protocol::kIcmp && v6 ? Protocol::kIcmpv6 : q.protocol;
  if (p.proto != Protocol::kTcp && p.proto != Protocol::kUdp && p.proto != Protocol::kIcmp &&
      p.proto != Protocol::kIcmpv6) {
    o.error = "trace follows tcp, udp and icmp";
    return o;
  }
  if (p.ports()) {
    if (!q.port) {
      o.error = std::string(protocol_name(p.proto)) + " needs a port";
      return o;
    }
    p.dport = {*q.port, *q.port};
  }
  p.icmp_type = p.proto == Protocol::kIcmpv6 ? 128 : p.proto == Protocol::kIcmp ? 8 : -1;

  // The source: where it starts and its address.
  std::function<bool(Pkt)> start;
  std::string src_vpc, src_kind, src_site, source;
  if (const Eni* e = w.eni_of_instance(q.from)) {
    src_vpc = e->vpc;
    src_kind = "instance";
    source = e->label();
    if (v6 ? !e->ip6 : !e->ip) {
      o.error = "instance " + q.from + " has no " + (v6 ? "IPv6" : "IPv4") + " address";
      return o;
    }
    p.src = v6 ? *e->ip6 : IpAddr(*e->ip);
    start = [&w, e](Pkt x) { return w.leave_eni(*e, x); };
  } else if (auto h = sc.hosts.find(q.from); h != sc.hosts.end()) {
    src_kind = "host";
    source = "host " + q.from;
    if (v6 ? !h->second.ipv6 : !h->second.ip) {
      o.error = "host " + q.from + " has no " + (v6 ? "IPv6" : "IPv4") + " address";
      return o;
    }
    p.src = v6 ? *h->second.ipv6 : IpAddr(*h->second.ip);
    w.source_node_ = graph_ident("host", q.from);
    start = [&w](Pkt x) { return w.internet(x); };
  } else {
    for (const auto& [oname, on] : sc.onprem)
      if (auto h = on.hosts.find(q.from); h != on.hosts.end()) {
        src_kind = "onprem";
        src_site = oname;
        source = "host " + q.from;
        p.src = *h->second.ip;
        const Onprem* op = &on;
        w.source_node_ = graph_ident("host", q.from);
        start = [&w, op](Pkt x) { return w.onprem_router(*op, x, true); };
      }
    for (const auto& [ename, e] : sc.client_vpn_endpoints)
      if (e.clients.count(q.from)) {
        src_kind = "vpn-client";
        src_vpc = e.vpc;
        source = "vpn client " + q.from;
        p.src = Walker::client_address(e, q.from);
        const ClientVpnEndpoint* ce = &e;
        w.source_node_ = graph_ident("host", q.from);
        start = [&w, ce](Pkt x) { return w.client_vpn(*ce, x); };
      }
  }
  if (!start) {
    o.error = "'" + q.from + "' is not an instance, internet host, on-premises host or VPN client";
    return o;
  }
  if (v6 && src_kind != "instance" && src_kind != "host") {
    o.error = "'" + q.from + "' has no IPv6 address";
    return o;
  }
  Dest d = destination(sc, ad, q, src_vpc, src_kind, src_site);
  if (!d.error.empty()) {
    o.error = d.error;
    return o;
  }
  p.dst = d.addr;
  if (p.dst.family != p.src.family) {
    o.error = "'" + q.to + "' is " + (p.dst.family == Family::kIpv6 ? "an IPv6" : "an IPv4") +
              " address; the source sends " + (v6 ? "IPv6" : "IPv4");
    return o;
  }
  if (p.ports()) p.sport = kLinuxEphemeral;
  w.run(start, p, source);
  o.result = std::move(r);
  return o;
}

namespace {
std::string where(const SourceSpan& s, const std::string& file) {
  if (!s.known()) return "";
  return file + ":" + std::to_string(s.line) + ":" + std::to_string(s.col);
}
}  // namespace

std::string trace_text(const TraceResult& r, const std::string& file) {
  std::string out;
  bool reply = false;
  for (const auto& h : r.hops) {
    if (h.reply && !reply) {
      out += "reply:\n";
      reply = true;
    }
    out += "  " + h.component + ": " + h.detail;
    if (h.span.known()) out += "  [" + where(h.span, file) + "]";
    out += "\n";
  }
  if (r.allow) {
    out += "allow";
    if (!r.appliances.empty())
      out += " (through " + join(r.appliances, ", ") +
             ", whose own software decides what it forwards; trace assumes it passes)";
    out += "\n";
    return out;
  }
  out += "deny" + std::string(r.reply ? " (the reply)" : "") + ": " + r.reason + "\n";
  out += "  at: " + r.component;
  if (!r.rule.empty()) out += ", " + r.rule;
  if (r.span.known()) out += "  [" + where(r.span, file) + "]";
  out += "\n";
  if (!r.code.empty()) out += "  code: " + r.code + "\n";
  if (!r.fix.empty()) out += "  fix: " + r.fix + "\n";
  return out;
}

std::string trace_json(const TraceResult& r, const TraceQuery& q, const std::string& file) {
  std::string o = "{\"schema_version\":1,\"from\":";
  append_json_string(o, q.from);
  o += ",\"to\":";
  append_json_string(o, q.to);
  o += ",\"protocol\":";
  append_json_string(o, protocol_name(q.protocol));
  o += ",\"port\":" + (q.port ? std::to_string(*q.port) : std::string("null"));
  o += ",\"ip_version\":" + std::to_string(q.ip_version);
  o += ",\"verdict\":";
  append_json_string(o, r.allow ? "allow" : "deny");
  auto opt = [&](const char* key, const std::string& v) {
    o += ",\"" + std::string(key) + "\":";
    if (v.empty())
      o += "null";
    else
      append_json_string(o, v);
  };
  opt("code", r.allow ? "" : r.code);
  opt("component", r.allow ? "" : r.component);
  opt("rule", r.allow ? "" : r.rule);
  opt("file", !r.allow && r.span.known() ? file : "");
  o += ",\"line\":" + (!r.allow && r.span.known() ? std::to_string(r.span.line) : "null");
  opt("reason", r.allow ? "" : r.reason);
  opt("fix", r.allow ? "" : r.fix);
  o += ",\"reply\":";
  o += !r.allow && r.reply ? "true" : "false";
  o += ",\"appliances\":[";
  for (size_t i = 0; i < r.appliances.size(); ++i) {
    if (i) o += ",";
    append_json_string(o, r.appliances[i]);
  }
  o += "],\"hops\":[";
  for (size_t i = 0; i < r.hops.size(); ++i) {
    const auto& h = r.hops[i];
    if (i) o += ",";
    o += "{\"component\":";
    append_json_string(o, h.component);
    o += ",\"detail\":";
    append_json_string(o, h.detail);
    o += ",\"line\":" + (h.span.known() ? std::to_string(h.span.line) : "null");
    o += std::string(",\"reply\":") + (h.reply ? "true" : "false") + "}";
  }
  o += "]}";
  return o;
}

}  // namespace vpcemu
