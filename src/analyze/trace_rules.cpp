// vpcemu trace: security groups (stateful, allow-only, the union of an ENI's groups; group and
// prefix-list references) and network ACLs (stateless, first match by number, the ports of a
// reply's whole ephemeral range).
#include "analyze/graph.h"
#include "analyze/trace_walk.h"
#include "util/text.h"

namespace vpcemu::tracing {

bool Walker::is_member(const std::string& vpc, const std::string& group, const IpAddr& a) const {
  const Eni* e = eni_at(vpc, a);
  return e && std::find(e->groups.begin(), e->groups.end(), group) != e->groups.end();
}

bool Walker::peer_matches(const Vpc& vpc, const Peer& peer, const IpAddr& a) const {
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

std::string Walker::peer_text(const Peer& p) {
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

bool Walker::sg_check(const Eni& e, const Pkt& p, bool ingress) {
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
  return deny({"ENI_SG_RULES_MISMATCH", "security group " + g0 + " (" + dir + ")", "",
               std::string("no rule of ") +
                   (e.groups.size() > 1 ? "the groups of " : "the group of ") + e.label() + " (" +
                   join(e.groups, ", ") + ") allows " + dir + " " + pkt_text(p),
               "add " + dir + " " + what + (ingress ? " from " : " to ") + peer + " to group " + g0,
               g == vpc.security_groups.end() ? SourceSpan{} : g->second.span});
}

bool Walker::acl_check(const Vpc& vpc, const std::string& subnet, const Pkt& p, bool inbound) {
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
                     protocol_name(p.proto) + ports + (inbound ? " from " : " to ") + other.str() +
                     (p.ports() && ports != " " + range_text(p.dport)
                          ? " (of ports " + range_text(p.dport) + ")"
                          : ""),
                 fix, r ? r->span : acl.span});
  }
  hop(comp,
      "rule " + std::to_string(allowed_by->number) + " allows " + traffic_text(*allowed_by) + " " +
          (allowed_by->cidr ? allowed_by->cidr->str() : ""),
      allowed_by->span);
  return true;
}

}  // namespace vpcemu::tracing
