// Endpoint services (PrivateLink).
#include <algorithm>
#include <set>

#include "model/addressing.h"
#include "util/text.h"
#include "validate/checks.h"

namespace vpcemu::validation {

void validate_endpoint_services(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  // Endpoint services: a load balancer in the provider VPC's subnets, targets its instances.
  for (const auto& [_, es] : sc.endpoint_services) {
    auto vit = sc.vpcs.find(es.vpc);
    if (vit == sc.vpcs.end()) {
      if (!es.vpc.empty()) unknown_ref(d, es.vpc_span, "vpc", es.vpc, keys(sc.vpcs), "");
      continue;
    }
    const Vpc& pv = vit->second;
    for (size_t i = 0; i < es.subnets.size(); ++i)
      if (!pv.subnets.count(es.subnets[i]))
        unknown_ref(d, es.subnet_spans[i], "subnet", es.subnets[i], keys(pv.subnets),
                    " in vpc '" + pv.name + "'");
    for (size_t i = 0; i < es.targets.size(); ++i)
      if (!pv.instances.count(es.targets[i]))
        unknown_ref(d, es.target_spans[i], "target instance", es.targets[i], keys(pv.instances),
                    " in vpc '" + pv.name + "' (targets are the provider's instances)");
  }
}

}  // namespace vpcemu::validation
