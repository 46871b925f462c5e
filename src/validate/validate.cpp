// Semantic validation: AWS rules 1-2 (CIDR sizes, containment, overlap, reserved addresses),
// name resolution and uniqueness, route targets, expect entries; one file per construct.
#include "validate/validate.h"

#include <algorithm>
#include <cctype>

#include "model/addressing.h"
#include "validate/checks.h"

namespace vpcemu {

namespace {
// AWS's region names: a geography, a direction, a digit (us-east-1, ap-southeast-2,
// us-gov-west-1, eu-central-2).
bool valid_region(const std::string& r) {
  std::vector<std::string> parts;
  size_t at = 0;
  for (size_t dash; (dash = r.find('-', at)) != std::string::npos; at = dash + 1)
    parts.push_back(r.substr(at, dash - at));
  parts.push_back(r.substr(at));
  if (parts.size() < 3 || parts.size() > 4 || parts[0].size() != 2) return false;
  for (size_t i = 0; i + 1 < parts.size(); ++i)
    if (parts[i].empty() || !std::all_of(parts[i].begin(), parts[i].end(), ::islower)) return false;
  const std::string& n = parts.back();
  return n.size() == 1 && n[0] >= '1' && n[0] <= '9';
}
}  // namespace

void validate(const Scenario& sc, Diagnostics& d) {
  using namespace validation;
  Validation v{sc, d, {}, {}};
  // Services are reachable by name too (`vpcemu exec s3`, `to: s3`).
  for (const auto& [name, svc] : sc.services) v.claim(name, svc.span, "service");
  if (!valid_region(sc.region)) {
    d.error(sc.region_span, "region '" + sc.region +
                                "' is not an AWS region name; write one like us-east-1, "
                                "eu-west-2 or ap-southeast-1");
  }
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
  validate_gateway_load_balancers(v);
  validate_hosted_zones(v);
  // Addresses that must be assigned automatically: reports exhausted subnets and pools.
  Diagnostics alloc;
  assign_addresses(sc, alloc);
  d.append(alloc);
  validate_expects(v);
  lint_traps(v);
}

}  // namespace vpcemu
