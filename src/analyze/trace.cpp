// vpcemu trace: the packet's path through the AWS model, the reply's path back, and why
// (analyze/trace.h). This file: the walk, its bookkeeping and indexes, where it starts and
// what it is sent to, and the results as text and JSON; trace_walk.h says where the rest is.
#include "analyze/trace.h"

#include <algorithm>

#include "analyze/graph.h"
#include "analyze/probe_target.h"
#include "analyze/trace_walk.h"
#include "util/text.h"

namespace vpcemu::tracing {

void Walker::run(const std::function<bool(Pkt)>& start, Pkt p, const std::string& source) {
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

const Eni* Walker::eni_of_instance(const std::string& name) const {
  auto it = instance_eni_.find(name);
  return it == instance_eni_.end() ? nullptr : &enis_.at(it->second);
}

const Eni* Walker::eni_at(const std::string& vpc, const IpAddr& a) const {
  auto it = by_addr_.find({vpc, a});
  return it == by_addr_.end() ? nullptr : &enis_.at(it->second);
}

const Eni* Walker::eni_named(Eni::Kind k, const std::string& vpc, const std::string& name,
                             const std::string& subnet) const {
  for (const auto& e : enis_)
    if (e.kind == k && e.vpc == vpc && e.name == name && (subnet.empty() || e.subnet == subnet))
      return &e;
  return nullptr;
}

std::string Walker::eni_node(const Eni& e) {
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

void Walker::index() {
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
      e.groups =
          in.security_groups.empty() ? std::vector<std::string>{kDefaultGroup} : in.security_groups;
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

bool Walker::is_private(Ipv4 a) {
  for (const char* c : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"})
    if (Cidr::parse(c)->contains(a)) return true;
  return false;
}

bool Walker::step() {
  if (++steps_ <= kMaxHops) return true;
  return deny({"", "path", "", "the path loops (more than 64 hops)", "", {}});
}

void Walker::hop(const std::string& component, const std::string& detail, SourceSpan span) {
  out_.hops.push_back({component, detail, span, reply_, node_});
}

bool Walker::deny(Deny d) {
  if (!deny_) deny_ = std::move(d), deny_node_ = node_;
  return false;
}

bool Walker::arrive(const std::string& who, const Pkt& p, std::function<bool(Pkt)> responder,
                    const std::string& node) {
  if (!node.empty()) node_ = node;
  hop(who, reply_ ? "receives the reply" : "receives " + pkt_text(p), {});
  arrived_ = who;
  arrived_pkt_ = p;
  responder_ = std::move(responder);
  return true;
}

void Walker::finish() {
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

const Nat* Walker::find_nat(const std::string& where, const Pkt& p) const {
  for (auto it = nats_.rbegin(); it != nats_.rend(); ++it)
    if (it->where == where && it->outside == p.dst) return &*it;
  return nullptr;
}

}  // namespace vpcemu::tracing

namespace vpcemu {

using namespace tracing;

namespace {

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
    const bool outside = !addresses_privately(sc, src_kind, src_vpc, src_site, in->vpc);
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
      d.addr = client_vpn_address(e, q.to);
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
  q.ip_version = e.ip_version;  // the parser made it 6 for an IPv6 `to`
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
        src_kind = "onprem-host";
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
        p.src = client_vpn_address(e, q.from);
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
