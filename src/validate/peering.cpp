// VPC peering: two different VPCs whose CIDRs do not overlap, one peering per pair.
#include <algorithm>

#include "validate/checks.h"

namespace vpcemu::validation {

void validate_peerings(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  // Peerings: two different existing VPCs whose CIDRs do not overlap, one peering per pair.
  std::map<std::pair<std::string, std::string>, const Peering*> pairs;
  for (const auto& [_, p] : sc.peerings) {
    const Vpc* a = resolve(d, sc.vpcs, p.requester, p.requester_span, "vpc", "");
    const Vpc* b = resolve(d, sc.vpcs, p.accepter, p.accepter_span, "vpc", "");
    if (!a || !b) continue;
    if (a == b) {
      d.error(p.accepter_span, "peering '" + p.name + "' connects vpc '" + p.requester +
                                   "' with itself; a peering joins two different VPCs");
      continue;
    }
    if (a->cidr && b->cidr && a->cidr->overlaps(*b->cidr)) {
      d.error(p.span,
              "peering '" + p.name + "': the CIDRs of '" + p.requester + "' (" + a->cidr->str() +
                  ") and '" + p.accepter + "' (" + b->cidr->str() +
                  ") overlap; AWS refuses to peer overlapping VPCs (rule 22)",
              {{a->cidr_span, "'" + p.requester + "' CIDR"},
               {b->cidr_span, "'" + p.accepter + "' CIDR"}});
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
