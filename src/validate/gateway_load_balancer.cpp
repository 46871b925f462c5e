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
    for (size_t i = 0; i < g.targets.size(); ++i)
      if (auto t = pv->instances.find(g.targets[i]); t != pv->instances.end())
        if (auto s = pv->subnets.find(t->second.subnet);
            s != pv->subnets.end() && s->second.ipv6_native)
          d.error(g.target_spans[i],
                  "target '" + g.targets[i] + "' is IPv6-only; GENEVE reaches targets over IPv4");
    if (g.subnets.empty()) d.error(g.span, "gateway load balancer '" + name + "' has no subnets");
    if (g.targets.empty()) d.error(g.span, "gateway load balancer '" + name + "' has no targets");
  }
}

}  // namespace vpcemu::validation
