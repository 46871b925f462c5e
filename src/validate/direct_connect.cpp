// Direct Connect connections.
#include <algorithm>
#include <set>

#include "model/addressing.h"
#include "util/text.h"
#include "validate/checks.h"

namespace vpcemu::validation {

void validate_direct_connects(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  // Direct Connect: an existing VPC and on-premises network, distinct ASNs, no overlap; one
  // connection per pair (a second would be a second BGP session between the same routers).
  std::set<std::pair<std::string, std::string>> dx_pairs;
  for (const auto& [_, x] : sc.direct_connects) {
    auto vit = sc.vpcs.find(x.vpc);
    auto oit = sc.onprem.find(x.onprem);
    if (!x.vpc.empty() && vit == sc.vpcs.end())
      unknown_ref(d, x.vpc_span, "vpc", x.vpc, keys(sc.vpcs), " for the Direct Connect gateway");
    if (!x.onprem.empty() && oit == sc.onprem.end())
      unknown_ref(d, x.onprem_span, "on-premises network", x.onprem, keys(sc.onprem), "");
    if (vit == sc.vpcs.end() || oit == sc.onprem.end()) continue;
    if (!dx_pairs.insert({x.vpc, x.onprem}).second)
      d.error(x.span, "a second Direct Connect between '" + x.onprem + "' and vpc '" + x.vpc +
                          "'; one per pair (AWS would need a second virtual interface)");
    check_bgp_asn(d, x.span, oit->second, "the on-premises router", "Direct Connect");
    check_onprem_overlap(d, x.span, oit->second, vit->second, "Direct Connect");
  }
}

}  // namespace vpcemu::validation
