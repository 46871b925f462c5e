// Scenario → Plan. Pure and deterministic; expects a scenario that validated without errors.
#pragma once
#include <string>

#include "compile/plan.h"
#include "model/scenario.h"

namespace vpcemu {

// Netns names: "<scenario>.<instance|host>", "<scenario>.vpc.<vpc>", "<scenario>.igw.<vpc>",
// "<scenario>.net.internet". Scenario and resource names contain no '.', so the prefix
// "<scenario>." identifies everything one scenario owns.
std::string ns_name(const std::string& scenario, const std::string& kind, const std::string& name);
std::string endpoint_ns_name(const std::string& scenario, const std::string& name);

// A deterministic interface name of at most 15 characters: prefix + name when it fits, else
// prefix + the start of the name + a hash of all of it.
std::string short_ifname(const std::string& prefix, const std::string& name, int salt = 0);

// "02:" + 5 bytes of a stable hash: locally administered, unicast, stable across runs.
std::string stable_mac(const std::string& seed);

// The scenario's directory is where `run:` commands start.
Plan compile(const Scenario& sc, const std::string& scenario_dir);

// Transit-link addresses (169.254.0.0/16 never leaves the scenario).
inline const Ipv4 kRouterIgwSide{0xA9FE0001};  // 169.254.0.1 on the VPC router's "igw" port
inline const Ipv4 kIgwVpcSide{0xA9FE0002};     // 169.254.0.2 on the IGW's "vpc" port
inline const Ipv4 kInternetSide{0xA9FE0101};   // 169.254.1.1 on every internet-router port
inline const Ipv4 kIgwInetSide{0xA9FE0102};    // 169.254.1.2 on the IGW's "inet" port
inline const Ipv4 kOnpremGateway{0xA9FE0201};  // 169.254.2.1 on every on-prem LAN port
inline const Ipv4 kRouterVgwSide{0xA9FE0301};  // 169.254.3.1 on the VPC router's "vgw" port
inline const Ipv4 kVgwVpcSide{0xA9FE0302};     // 169.254.3.2 on the VGW's "vpc" port

// IPv6 on vpcemu's own links is link-local only, as on AWS's: the routing side of a link
// (VPC router port, internet router port, the VPC side of a gateway) is fe80::1, the far side
// fe80::2. Every end knows the other's MAC, so no neighbour discovery runs.
inline const IpAddr kLinkLocalRouter = *IpAddr::parse("fe80::1");
inline const IpAddr kLinkLocalPeer = *IpAddr::parse("fe80::2");

// NAT64 inside a NAT gateway's namespace (tayga): its pool of IPv4 source addresses, its own
// addresses, and the namespace's own address on the TUN device, all in 192.0.0.0/24 (IETF
// protocol assignments; validation refuses NAT64 in a VPC that overlaps it,
// kNat64Internal). They never leave the namespace (the gateway source-NATs them to its
// private address).
inline const Cidr kNat64Pool{Ipv4{0xC0000080}, 25};  // 192.0.0.128/25
inline const Ipv4 kNat64Tayga{0xC0000081};           // 192.0.0.129
inline const Ipv4 kNat64Host{0xC0000001};            // 192.0.0.1
inline const IpAddr kNat64TaygaIpv6 = *IpAddr::parse("fd00:64::1");

// The emulated internet's public DNS resolver, in its router (never leaves the scenario).
inline const Ipv4 kPublicResolver{0xA9FE0135};  // 169.254.1.53

// The instance metadata service's addresses, in every VPC router.
inline const Ipv4 kMetadataIpv4{0xA9FEA9FE};  // 169.254.169.254
inline const IpAddr kMetadataIpv6 = *IpAddr::parse("fd00:ec2::254");

// Where a VPC's DNS64 resolver (unbound) listens in its router; dns64 subnets' queries to
// kResolverIpv6 are sent there.
inline const IpAddr kDns64Ipv6 = *IpAddr::parse("fd00:ec2::64");

// The Amazon-provided DNS server's second IPv4 address, in every VPC.
inline const Ipv4 kResolverIpv4{0xA9FEA9FD};  // 169.254.169.253

// The Amazon-provided DNS server's IPv6 address on Nitro instances (and IMDS's neighbour).
inline const IpAddr kResolverIpv6 = *IpAddr::parse("fd00:ec2::253");

// MTUs as AWS sets them (EC2 guide, network MTU): 9001 on instances' interfaces and within a
// VPC (and across a peering in one region), 8500 through a transit gateway and PrivateLink,
// 1500 through the internet gateway, NAT gateway and VPN, on the internet and on-premises.
inline constexpr uint32_t kMtuVpc = 9001;
inline constexpr uint32_t kMtuTransitGateway = 8500;
inline constexpr uint32_t kMtuInternet = kMtuEthernet;

inline constexpr uint32_t kRulePrioMiddlebox = 90;  // subnet routes into the VPC
inline constexpr uint32_t kRulePrioLocal = 100;
inline constexpr uint32_t kRulePrioTables = 1000;
inline constexpr uint32_t kRulePrioUnreachable = 32000;
inline constexpr uint32_t kTableBase = 100;
// A gateway load balancer endpoint's table: everything from its ENI into its TUN.
inline constexpr uint32_t kGwlbeTable = 100;

}  // namespace vpcemu
