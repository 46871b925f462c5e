// Address assignment: private IPs (explicit or first free) and public IPs (elastic or from the
// emulated internet's pool). Pure and deterministic; validate reports its diagnostics, compile
// uses its result.
#pragma once
#include <map>
#include <string>

#include "model/scenario.h"

namespace vpcemu {

// Where automatic public addresses come from (TEST-NET-3, never routed on the real internet).
inline const Cidr kPublicPool{Ipv4{0xCB007100}, 24};  // 203.0.113.0/24

struct Addressing {
  std::map<std::string, Ipv4> private_ip;   // instance name → private address
  std::map<std::string, IpAddr> ipv6;       // instance name → IPv6 address (if it has one)
  std::map<std::string, Ipv4> public_ip;    // instance name → public address (if any)
  std::map<std::string, Ipv4> nat_private;  // nat_key(vpc, name) → private address
  std::map<std::string, Ipv4> nat_public;   // nat_key(vpc, name) → Elastic IP
  // Interface endpoint ENIs (eni_key("vpce", vpc, endpoint, subnet)) and load balancer nodes
  // of endpoint services (eni_key("nlb", vpc, service, subnet)), gateway load balancer
  // endpoints (eni_key("gwlbe", vpc, endpoint, subnet)) and nodes (eni_key("gwlb", ...)).
  std::map<std::string, Ipv4> eni_private;
  std::map<std::string, Ipv4> tunnel_public;  // "<vpn connection>/<1|2>" → VGW outside address
  // "<vpn connection>/<1|2>" → the tunnel's inside /30 (BGP connections): the VGW has its
  // first address, the customer gateway the second, as AWS assigns them.
  std::map<std::string, Cidr> tunnel_inside;
  // "<direct connect>" → its link's /30, from the same pool (Amazon side first, as AWS's
  // private virtual interfaces).
  std::map<std::string, Cidr> dx_link;
  // "<transit gateway>/<attachment>" → the /30 between the VPC router (first address) and the
  // hub (second), from 169.254.32.0/20.
  std::map<std::string, Cidr> tgw_link;
};

// Inside addresses of BGP tunnels come from here, clear of vpcemu's own link addresses.
inline const Cidr kTunnelInsidePool{Ipv4{0xA9FE8000}, 17};  // 169.254.128.0/17

inline std::string eni_key(const std::string& kind, const std::string& vpc, const std::string& name,
                           const std::string& subnet) {
  return kind + "/" + vpc + "/" + name + "/" + subnet;
}

inline std::string nat_key(const std::string& vpc, const std::string& name) {
  return vpc + "/" + name;
}

Addressing assign_addresses(const Scenario& sc, Diagnostics& diags);

// Where `ipv6_cidr: auto` VPCs take their /56 (AWS allocates from its own ranges; these
// addresses exist only inside the scenario's namespaces): 2600:1f18:4a3c:NN00::/56.
inline const IpPrefix kIpv6Pool = *IpPrefix::parse("2600:1f18:4a3c::/48");

// `ipv6_cidr: auto`: each such VPC the next /56 of kIpv6Pool that no VPC has asked for, in
// name order (none once the pool's 256 are gone: validate says so); each such subnet the next free
// /64 of its VPC's /56; and every instance of an IPv6-only subnet asks for IPv6. Run once after
// parsing, so later stages see only concrete blocks and requests.
void assign_ipv6_blocks(Scenario& sc);

// Whether any part of the scenario speaks IPv6 (then its namespaces have IPv6 on).
bool uses_ipv6(const Scenario& sc);

}  // namespace vpcemu
