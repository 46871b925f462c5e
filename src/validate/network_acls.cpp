// Network ACLs: rule numbers, ports, associations.
#include <algorithm>

#include "validate/checks.h"

namespace vpcemu::validation {

void validate_acls(const Vpc& vpc, Diagnostics& d) {
  auto acls = keys(vpc.network_acls);
  if (!vpc.network_acls.count(kDefaultAcl)) acls.insert(acls.begin(), kDefaultAcl);
  for (const auto& [_, acl] : vpc.network_acls) {
    for (const auto* rules : {&acl.ingress, &acl.egress}) {
      std::map<int, const NaclRule*> numbers;
      for (const auto& r : *rules) {
        check_match(d, r, r.span);
        check_icmp_family(d, r.protocol, r.cidr, r.protocol_span);
        if (!r.number_span.known()) continue;
        if (r.number < 1 || r.number > 32766) {
          d.error(r.number_span, "rule number " + std::to_string(r.number) +
                                     " is outside 1-32766 (AWS evaluates 1 first; * is the final "
                                     "implicit deny)");
          continue;
        }
        auto [it, fresh] = numbers.emplace(r.number, &r);
        if (!fresh) {
          d.error(r.number_span,
                  "rule number " + std::to_string(r.number) + " is used twice in the " +
                      (rules == &acl.ingress ? "ingress" : "egress") + " rules of network ACL '" +
                      acl.name + "'",
                  {{it->second->number_span, "first used here"}});
        }
      }
    }
  }
  for (const auto& [_, s] : vpc.subnets) {
    if (!s.network_acl.empty() &&
        std::find(acls.begin(), acls.end(), s.network_acl) == acls.end()) {
      unknown_ref(d, s.network_acl_span, "network ACL", s.network_acl, acls,
                  " in vpc '" + vpc.name + "'");
    }
  }
}
}  // namespace vpcemu::validation
