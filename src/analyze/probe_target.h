// Which address a real client uses to reach an `expect:` destination, and where the answer may
// come from: pure, from the scenario and its plan (what `vpcemu check` probes).
#pragma once
#include <string>
#include <vector>

#include "compile/plan.h"
#include "model/scenario.h"

namespace vpcemu {

struct ProbeTarget {
  std::string src_ns;               // where the probe starts
  IpAddr dst;                       // the address it is sent to
  std::vector<std::string> dst_ns;  // namespaces that may answer (a listener runs in each)
};

// From outside the destination's VPC a client uses its public address; from a peered or
// transit-gateway-connected VPC, a VPN or Direct Connect office, or a client VPN, the private
// one, as it would in AWS. An interface endpoint by name is its first ENI; behind an endpoint
// service its targets answer. Over IPv6 (ip_version: 6) every address is public: the
// destination's own. The expect entry must have validated against the scenario.
ProbeTarget probe_target(const Scenario& sc, const Plan& plan, const Expect& e);

// Whether a client addresses an instance of `dst_vpc` at its private address (else at its
// public one): from its own, a peered or a transit-gateway-connected VPC, from an office
// (`site`) with a VPN or Direct Connect that reaches it, from a client VPN into its VPC.
// `kind` as the plan's endpoints: instance, host, onprem-host, vpn-client.
bool addresses_privately(const Scenario& sc, const std::string& kind, const std::string& vpc,
                         const std::string& site, const std::string& dst_vpc);

}  // namespace vpcemu
