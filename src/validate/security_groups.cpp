// Security groups: rule ports, references to groups (own VPC or across a peering) and prefix lists,
// at most five groups per ENI.
#include <algorithm>
#include <set>

#include "validate/checks.h"

namespace vpcemu::validation {

void validate_groups(const Scenario& sc, const Vpc& vpc, Diagnostics& d) {
  const auto groups = group_names(vpc);
  std::vector<std::string> lists;  // AWS-managed prefix lists: the gateway services'
  for (const auto& [n, svc] : sc.services)
    if (svc.gateway) lists.push_back(n);
  auto check_rule = [&](const SgRule& r) {
    check_match(d, r, r.span);
    check_icmp_family(d, r.protocol, r.peer.cidr, r.protocol_span);
    if (r.peer.kind == Peer::Kind::kGroup) {
      if (r.peer.vpc != vpc.name && !sc.peering_between(vpc.name, r.peer.vpc)) {
        d.error(r.peer_span, "vpc '" + vpc.name + "' is not peered with vpc '" + r.peer.vpc +
                                 "'; a rule can reference a group of another VPC only across a "
                                 "peering (AWS rule 25)");
      } else if (r.peer.vpc != vpc.name && !sc.vpcs.count(r.peer.vpc)) {
        unknown_ref(d, r.peer_span, "vpc", r.peer.vpc, keys(sc.vpcs), "");
      } else if (r.peer.vpc != vpc.name) {
        const Vpc& other = sc.vpcs.at(r.peer.vpc);
        auto names = group_names(other);
        if (std::find(names.begin(), names.end(), r.peer.name) == names.end())
          unknown_ref(d, r.peer_span, "security group", r.peer.name, names,
                      " in vpc '" + other.name + "'");
      } else if (std::find(groups.begin(), groups.end(), r.peer.name) == groups.end()) {
        unknown_ref(d, r.peer_span, "security group", r.peer.name, groups,
                    " in vpc '" + vpc.name + "'");
      }
    } else if (r.peer.kind == Peer::Kind::kPrefixList) {
      if (std::find(lists.begin(), lists.end(), r.peer.name) == lists.end()) {
        unknown_ref(d, r.peer_span, "prefix list", r.peer.name, lists, "");
      }
    }
  };
  for (const auto& [_, g] : vpc.security_groups) {
    for (const auto& r : g.ingress) check_rule(r);
    if (g.egress)
      for (const auto& r : *g.egress) check_rule(r);
  }
  for (const auto& [_, in] : vpc.instances) {
    std::set<std::string> seen;
    for (size_t i = 0; i < in.security_groups.size(); ++i) {
      const auto& g = in.security_groups[i];
      if (std::find(groups.begin(), groups.end(), g) == groups.end()) {
        unknown_ref(d, in.security_group_spans[i], "security group", g, groups,
                    " in vpc '" + vpc.name + "'");
      } else if (!seen.insert(g).second) {
        d.error(in.security_group_spans[i], "security group '" + g + "' is listed twice");
      }
    }
    if (in.security_groups.size() > 5) {
      d.error(in.security_group_spans[5], "an ENI can have at most 5 security groups (AWS quota)");
    }
  }
}
}  // namespace vpcemu::validation
