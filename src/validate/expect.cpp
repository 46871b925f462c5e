// expect entries: sources, destinations, protocols and ports.
#include "validate/checks.h"

namespace vpcemu::validation {

namespace {

// An IPv6 probe: both ends have an IPv6 address (an instance asks for one, a host has one).
void check_ipv6_ends(const Scenario& sc, const Expect& e, Diagnostics& d) {
  auto has_ipv6 = [&](const std::string& name, SourceSpan at, const char* role) {
    if (auto h = sc.hosts.find(name); h != sc.hosts.end()) {
      if (!h->second.ipv6)
        d.error(at, std::string("IPv6 probe: the ") + role + " host '" + name +
                        "' has no ipv6 address; give it 'ipv6: <address>'");
    } else if (const Instance* in = sc.find_instance(name)) {
      if (!in->ipv6)
        d.error(at, std::string("IPv6 probe: the ") + role + " instance '" + name +
                        "' has no IPv6 address; give it 'ipv6: true'");
    } else if (!IpAddr::parse(name)) {
      d.error(at, std::string("IPv6 probe: the ") + role + " '" + name +
                      "' is not an instance or internet host with an IPv6 address");
    }
  };
  if (!e.from.empty()) has_ipv6(e.from, e.from_span, "source");
  if (!e.to.empty()) has_ipv6(e.to, e.to_span, "destination");
  if (auto ip = IpAddr::parse(e.to); ip && ip->family != Family::kIpv6 && e.ip_version_span.known())
    d.error(e.ip_version_span, "ip_version 6, but the destination " + e.to + " is IPv4");
}

}  // namespace

void validate_expects(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  // expect entries.
  std::vector<std::string> names;
  for (const auto& [n, _] : v.endpoints) names.push_back(n);
  for (const auto& e : sc.expects) {
    if (!e.from.empty() && !v.endpoints.count(e.from)) {
      unknown_ref(d, e.from_span, "source", e.from, names, " (an instance or internet host)");
    }
    if (e.runs()) continue;  // a command: no destination, protocol or port
    // `to` may also name an interface endpoint of the source instance's VPC.
    bool vpc_endpoint = false;
    if (const Instance* in = sc.find_instance(e.from)) {
      auto vit = sc.vpcs.find(in->vpc);
      if (vit != sc.vpcs.end()) {
        auto ep = vit->second.endpoints.find(e.to);
        vpc_endpoint =
            ep != vit->second.endpoints.end() && ep->second.type == EndpointType::kInterface;
      }
    }
    if (!e.to.empty() && !v.endpoints.count(e.to) && !IpAddr::parse(e.to) && !vpc_endpoint) {
      unknown_ref(d, e.to_span, "destination", e.to, names,
                  " (an instance, an internet host, a service, an interface endpoint of the "
                  "source's VPC, or an IP address)");
    }
    if (e.ip_version == 6) check_ipv6_ends(sc, e, d);
    // IPv4 needs IPv4 at both ends: an instance of an IPv6-only subnet has none.
    for (const auto& [name, at] : {std::pair{e.from, e.from_span}, std::pair{e.to, e.to_span}}) {
      const Instance* in = e.ip_version == 4 ? sc.find_instance(name) : nullptr;
      if (!in) continue;
      const Vpc& vpc = sc.vpcs.at(in->vpc);
      if (auto s = vpc.subnets.find(in->subnet); s != vpc.subnets.end() && s->second.ipv6_native)
        d.error(at, "instance '" + name +
                        "' is IPv6-only and has no IPv4 address; add 'ip_version: 6'");
    }
    bool ported = e.protocol == Protocol::kTcp || e.protocol == Protocol::kUdp;
    if (ported && !e.port && e.protocol_span.known()) {
      d.error(e.span,
              std::string("expect entry for ") + protocol_name(e.protocol) + " needs a 'port'");
    }
    if (!ported && e.port) {
      d.error(e.port_span, "icmp has no ports; remove 'port' from this expect entry");
    }
  }
}

}  // namespace vpcemu::validation
