// Gateway Load Balancers: their VPC, subnets and target instances.
#include "validate/checks.h"

namespace vpcemu::validation {

void validate_gateway_load_balancers(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  for (const auto& [name, g] : sc.gateway_load_balancers) {
    const Vpc* pv = resolve(d, sc.vpcs, g.vpc, g.vpc_span, "vpc", "");
    if (!pv) continue;
    const std::string in_vpc = " in vpc '" + pv->name + "'";
    resolve_all(d, pv->subnets, g.subnets, g.subnet_spans, "subnet", in_vpc);
    ipv4_subnets_only(d, *pv, g.subnets, g.subnet_spans, "a gateway load balancer");
    resolve_all(d, pv->instances, g.targets, g.target_spans, "target instance",
                in_vpc + " (targets are appliances in the load balancer's VPC)");
    ipv4_targets_only(d, *pv, g.targets, g.target_spans, "GENEVE reaches targets");
    if (g.subnets.empty()) d.error(g.span, "gateway load balancer '" + name + "' has no subnets");
    if (g.targets.empty()) d.error(g.span, "gateway load balancer '" + name + "' has no targets");
  }
}

}  // namespace vpcemu::validation
