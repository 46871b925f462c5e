// The internet's hosts and every public address: routable, outside every VPC, used once.
#include "validate/checks.h"

namespace vpcemu::validation {

void validate_internet_hosts(Validation& v) {
  const Scenario& sc = v.sc;
  // Public addresses: elastic IPs and hosts must be usable and unique.
  for (const auto& [name, h] : sc.hosts) {
    v.claim(name, h.span, "internet host");
    if (h.ip) v.claim_public(*h.ip, "internet host '" + name + "'", h.ip_span);
    if (h.ipv6) validate_host_ipv6(sc, name, *h.ipv6, h.ipv6_span, v.d);
  }
}

// An internet host's IPv6 address: global, outside every VPC's /56, and its own.
void validate_host_ipv6(const Scenario& sc, const std::string& name, const IpAddr& ip,
                        SourceSpan at, Diagnostics& d) {
  if (IpPrefix(*IpAddr::parse("fe80::"), 10).contains(ip) || ip == IpAddr::parse("::") ||
      ip == IpAddr::parse("::1") || IpPrefix(*IpAddr::parse("ff00::"), 8).contains(ip)) {
    d.error(at, "internet host '" + name + "' needs a global IPv6 address, not " + ip.str());
    return;
  }
  for (const auto& [vname, vpc] : sc.vpcs)
    if (vpc.ipv6_cidr && vpc.ipv6_cidr->contains(ip))
      d.error(at, "internet host '" + name + "' (" + ip.str() + ") is inside vpc '" + vname +
                      "' (" + vpc.ipv6_cidr->str() + "); an internet host's address is its own");
  for (const auto& [other, h] : sc.hosts)
    if (other < name && h.ipv6 && *h.ipv6 == ip)
      d.error(at, "internet host '" + name + "' has the IPv6 address of host '" + other + "'",
              {{h.ipv6_span, "'" + other + "' has it here"}});
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
