// Client VPN endpoints.
#include "validate/checks.h"

namespace vpcemu::validation {

void validate_client_vpn_endpoints(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  // Client VPN endpoints.
  for (const auto& [_, e] : sc.client_vpn_endpoints) {
    for (const auto& [cname, cspan] : e.clients) v.claim(cname, cspan, "client VPN client");
    const Vpc* vpc = resolve(d, sc.vpcs, e.vpc, e.vpc_span, "vpc", "");
    if (!vpc) continue;
    resolve_all(d, vpc->subnets, e.subnets, e.subnet_spans, "subnet", " in vpc '" + e.vpc + "'");
    ipv4_subnets_only(d, *vpc, e.subnets, e.subnet_spans, "a client VPN endpoint");
    if (e.client_cidr) {
      if (e.transport == ClientVpnTransport::kWireguard &&
          e.clients.size() + 2 >= e.client_cidr->size()) {
        d.error(e.client_cidr_span,
                "client_cidr " + e.client_cidr->str() + " has no address for every client");
      }
      if (e.client_cidr->prefix < 12 || e.client_cidr->prefix > 22) {
        d.error(e.client_cidr_span, "client_cidr " + e.client_cidr->str() + " is a /" +
                                        std::to_string(e.client_cidr->prefix) +
                                        "; AWS allows /12 to /22");
      }
      if (vpc->cidr && vpc->cidr->overlaps(*e.client_cidr)) {
        d.error(e.client_cidr_span,
                "client_cidr " + e.client_cidr->str() + " overlaps vpc '" + e.vpc + "' (" +
                    vpc->cidr->str() + ")",
                {{vpc->cidr_span, "the VPC's CIDR"}});
      }
    }
    if (e.authorization.empty()) {
      d.warning(e.span, "client VPN endpoint '" + e.name +
                            "' has no authorization rules: "
                            "clients connect but reach nothing (rules only allow)");
    }
  }
}

}  // namespace vpcemu::validation
