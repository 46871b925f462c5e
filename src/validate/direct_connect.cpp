// Direct Connect connections.
#include <set>

#include "validate/checks.h"

namespace vpcemu::validation {

void validate_direct_connects(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  // Direct Connect: an existing VPC and on-premises network, distinct ASNs, no overlap; one
  // connection per pair (a second would be a second BGP session between the same routers).
  std::set<std::pair<std::string, std::string>> dx_pairs;
  for (const auto& [_, x] : sc.direct_connects) {
    const Vpc* vpc =
        resolve(d, sc.vpcs, x.vpc, x.vpc_span, "vpc", " for the Direct Connect gateway");
    const Onprem* office =
        resolve(d, sc.onprem, x.onprem, x.onprem_span, "on-premises network", "");
    if (!vpc || !office) continue;
    if (!dx_pairs.insert({x.vpc, x.onprem}).second)
      d.error(x.span, "a second Direct Connect between '" + x.onprem + "' and vpc '" + x.vpc +
                          "'; one per pair (AWS would need a second virtual interface)");
    check_bgp_asn(d, x.span, *office, "the on-premises router", "Direct Connect");
    check_onprem_overlap(d, x.span, *office, *vpc, "Direct Connect");
  }
}

}  // namespace vpcemu::validation
