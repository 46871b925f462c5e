// VPC peering: two different VPCs whose CIDRs do not overlap, one peering per pair.
#include <algorithm>
#include <set>

#include "model/addressing.h"
#include "util/text.h"
#include "validate/checks.h"

namespace vpcemu::validation {

void validate_peerings(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  // Peerings: two different existing VPCs whose CIDRs do not overlap, one peering per pair.
  std::map<std::pair<std::string, std::string>, const Peering*> pairs;
  for (const auto& [_, p] : sc.peerings) {
    auto a = sc.vpcs.find(p.requester), b = sc.vpcs.find(p.accepter);
    if (!p.requester.empty() && a == sc.vpcs.end())
      unknown_ref(d, p.requester_span, "vpc", p.requester, keys(sc.vpcs), "");
    if (!p.accepter.empty() && b == sc.vpcs.end())
      unknown_ref(d, p.accepter_span, "vpc", p.accepter, keys(sc.vpcs), "");
    if (a == sc.vpcs.end() || b == sc.vpcs.end()) continue;
    if (a == b) {
      d.error(p.accepter_span, "peering '" + p.name + "' connects vpc '" + p.requester +
                                   "' with itself; a peering joins two different VPCs");
      continue;
    }
    if (a->second.cidr && b->second.cidr && a->second.cidr->overlaps(*b->second.cidr)) {
      d.error(p.span,
              "peering '" + p.name + "': the CIDRs of '" + p.requester + "' (" +
                  a->second.cidr->str() + ") and '" + p.accepter + "' (" + b->second.cidr->str() +
                  ") overlap; AWS refuses to peer overlapping VPCs (rule 22)",
              {{a->second.cidr_span, "'" + p.requester + "' CIDR"},
               {b->second.cidr_span, "'" + p.accepter + "' CIDR"}});
    }
    auto key = std::minmax(p.requester, p.accepter);
    auto [it, fresh] = pairs.emplace(key, &p);
    if (!fresh) {
      d.error(p.span,
              "vpc '" + p.requester + "' and vpc '" + p.accepter + "' are already peered by '" +
                  it->second->name + "'",
              {{it->second->span, "the first peering"}});
    }
  }
}

}  // namespace vpcemu::validation
