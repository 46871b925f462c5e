// Endpoint services (PrivateLink).
#include "validate/checks.h"

namespace vpcemu::validation {

void validate_endpoint_services(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  // Endpoint services: a load balancer in the provider VPC's subnets, targets its instances.
  for (const auto& [_, es] : sc.endpoint_services) {
    const Vpc* pv = resolve(d, sc.vpcs, es.vpc, es.vpc_span, "vpc", "");
    if (!pv) continue;
    resolve_all(d, pv->subnets, es.subnets, es.subnet_spans, "subnet",
                " in vpc '" + pv->name + "'");
    ipv4_subnets_only(d, *pv, es.subnets, es.subnet_spans, "an endpoint service's load balancer");
    ipv4_targets_only(d, *pv, es.targets, es.target_spans, "the load balancer reaches targets");
    resolve_all(d, pv->instances, es.targets, es.target_spans, "target instance",
                " in vpc '" + pv->name + "' (targets are the provider's instances)");
  }
}

}  // namespace vpcemu::validation
