// Semantic validation: AWS rules 1-2 (CIDR sizes, containment, overlap, reserved addresses),
// name resolution and uniqueness, route targets, expect entries; one file per construct.
#include "validate/validate.h"

#include "model/addressing.h"
#include "validate/checks.h"

namespace vpcemu {

void validate(const Scenario& sc, Diagnostics& d) {
  using namespace validation;
  Validation v{sc, d, {}, {}};
  // Services are reachable by name too (`vpcemu exec s3`, `to: s3`).
  for (const auto& [name, svc] : sc.services) v.claim(name, svc.span, "service");
  for (const auto& [_, vpc] : sc.vpcs) {
    validate_vpc(sc, vpc, d);
    for (const auto& [_, in] : vpc.instances) v.claim(in.name, in.span, "instance");
  }
  validate_internet_hosts(v);
  validate_onprem(v);
  validate_elastic_ips(v);
  validate_peerings(v);
  validate_vpn_connections(v);
  validate_transit_gateways(v);
  validate_direct_connects(v);
  validate_client_vpn_endpoints(v);
  validate_endpoint_services(v);
  // Addresses that must be assigned automatically: reports exhausted subnets and pools.
  Diagnostics alloc;
  assign_addresses(sc, alloc);
  d.append(alloc);
  validate_expects(v);
}

}  // namespace vpcemu
