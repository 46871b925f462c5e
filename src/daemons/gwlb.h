// The Gateway Load Balancer's data plane and a reference appliance for its targets, both in
// userspace (this kernel has no GENEVE device): TUN devices and a UDP socket on 6081.
#pragma once
#include <cstdint>
#include <string>

namespace vpcemu {

// `vpcemu gateway-load-balancer --config FILE --state FILE`: runs in the load balancer's node
// namespace. Makes a TUN in each endpoint's namespace (and its route), health-checks the
// targets, sends each endpoint's packets to a healthy target in GENEVE with AWS's options (flows
// stick to their target, 5-tuple), and writes what returns into the endpoint it names. The state
// file (JSON) says each target's health and counts; the log says each change of health.
int run_gateway_load_balancer(const std::string& config_file, const std::string& state_file);

// `vpcemu appliance`: a GENEVE target. Decapsulates what the load balancer sends into TUN
// device `tun` (the namespace forwards it back out of that device, through the user's nftables
// rules on the way), and sends what comes back out to the load balancer with the options it
// came with. Answers health checks on `health_port` (TCP, or HTTP 200) unless it is 0.
struct ApplianceOptions {
  std::string tun = "gwlb0";
  int port = 6081;
  int health_port = 80;
  uint32_t table = 6081;  // the policy routing table for what the TUN delivers
};
int run_appliance(const ApplianceOptions& o);

}  // namespace vpcemu
