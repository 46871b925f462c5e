// The internet's hosts and every public address: routable, outside every VPC, used once.
#include "validate/checks.h"

namespace vpcemu::validation {

void validate_internet_hosts(Validation& v) {
  const Scenario& sc = v.sc;
  // Public addresses: elastic IPs and hosts must be usable and unique.
  for (const auto& [name, h] : sc.hosts) {
    v.claim(name, h.span, "internet host");
    if (h.ip) v.claim_public(*h.ip, "internet host '" + name + "'", h.ip_span);
  }
}

// Elastic IPs of instances and NAT gateways.
void validate_elastic_ips(Validation& v) {
  const Scenario& sc = v.sc;
  for (const auto& [_, vpc] : sc.vpcs) {
    for (const auto& [_, in] : vpc.instances) {
      if (in.elastic_ip)
        v.claim_public(*in.elastic_ip, "instance '" + in.name + "'", in.public_span);
    }
    for (const auto& [_, nat] : vpc.nat_gateways) {
      if (nat.elastic_ip)
        v.claim_public(*nat.elastic_ip, "NAT gateway '" + nat.name + "'", nat.elastic_ip_span);
    }
  }
}

}  // namespace vpcemu::validation
