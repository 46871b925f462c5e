// expect entries: sources, destinations, protocols and ports.
#include "validate/checks.h"

namespace vpcemu::validation {

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
    if (!e.to.empty() && !v.endpoints.count(e.to) && !Ipv4::parse(e.to) && !vpc_endpoint) {
      unknown_ref(d, e.to_span, "destination", e.to, names,
                  " (an instance, an internet host, a service, an interface endpoint of the "
                  "source's VPC, or an IPv4 address)");
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
