// The Plan: desired kernel state of a scenario as pure data. apply/ turns it into kernel
// objects; `vpcemu plan` prints it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compile/nft_text.h"
#include "util/net.h"

namespace vpcemu {

inline constexpr uint32_t kMtuEthernet = 1500;

struct NsPlan {
  std::string name;   // full netns name, "<scenario>.<...>"
  std::string role;   // router, internet-gateway, internet, instance, host
  std::string owner;  // the scenario object it stands for ("vpc prod", "instance web-1")
};

struct SysctlPlan {
  std::string ns;
  std::string key;  // path below /proc/sys, e.g. "net/ipv4/ip_forward"
  std::string value;
  bool after_links = false;  // per-device keys exist only once the link does
};

struct LinkEnd {
  std::string ns;
  std::string ifname;  // <= 15 characters
  std::string mac;     // "02:xx:xx:xx:xx:xx", deterministic
};

struct VethPlan {
  LinkEnd a;  // created here; b is the peer moved into its namespace at creation
  LinkEnd b;
  std::string purpose;
  // Non-zero: each end sends at most this many bits per second (a tbf qdisc on both ends), as
  // a Direct Connect port of that speed does.
  uint64_t rate_bps = 0;
  uint32_t mtu = kMtuEthernet;  // both ends; a router sends "fragmentation needed" past it
};

// Kernel objects take family-neutral addresses (IpAddr, IpPrefix): an Ipv4 or a Cidr converts.
struct AddrPlan {
  std::string ns;
  std::string dev;
  IpPrefix addr;  // address with its prefix length
};

enum class RouteType { kUnicast, kBlackhole };

struct RoutePlan {
  std::string ns;
  uint32_t table = 254;  // 254 = main
  IpPrefix dst;
  RouteType type = RouteType::kUnicast;
  std::optional<IpAddr> via;
  std::string dev;  // empty for blackhole
  bool onlink = false;
  std::string why;  // which scenario line it stands for ("route table public: 0.0.0.0/0 → igw")
  // For equal prefixes the lowest metric wins: a route table's own routes have 0, routes
  // propagated from a VPN gateway more (static VPN routes kPropagatedStatic, BGP kPropagatedBgp).
  uint32_t metric = 0;
  bool operator==(const RoutePlan&) const = default;
};

inline constexpr uint32_t kPropagatedStatic = 100;
inline constexpr uint32_t kPropagatedBgp = 200;

struct RulePlan {
  std::string ns;
  uint32_t priority = 0;
  std::optional<uint32_t> fwmark;
  std::optional<IpPrefix> to;
  uint32_t table = 0;
  // Instead of a lookup, drop silently (FR_ACT_BLACKHOLE): AWS's routers send no ICMP for a
  // packet they have no route for; the sender waits.
  bool drop = false;
  std::string why;
  std::string iif;                // "lo": only what the namespace itself sends
  Family family = Family::kIpv4;  // the rule list it joins (that of `to` when given)
};

struct NeighPlan {
  std::string ns;
  std::string dev;
  IpAddr ip;
  std::string mac;
};

struct NftPlan {
  std::string ns;
  NftTable table;
};

// wireguard-go is configured after it starts: UAPI text sent to its socket ("@key:F" and
// "@pub:F" stand for the hex of the X25519 private / public key in PEM file F of the state
// directory), then the interface gets its address and routes.
struct WireguardSetup {
  std::string ifname;
  std::string uapi;
  Cidr address;
  std::vector<Cidr> routes;
};

// A route in one table of a namespace (254: main).
struct TableRoute {
  uint32_t table = 254;
  IpPrefix dst;
  auto operator<=>(const TableRoute&) const = default;
};

// argv may hold "@self" (the vpcemu binary) and "@state/" (the scenario's state directory):
// apply substitutes them, so the plan itself stays free of machine paths.
struct ProcessPlan {
  std::string ns;
  std::string name;  // instance name, or dns-<vpc>, service-<name>, ...
  std::vector<std::string> argv;
  std::string cwd;
  std::string resolv_conf;       // a file of the plan to see as /etc/resolv.conf; empty: the host's
  std::vector<std::string> env;  // "KEY=VALUE" added to the environment
  bool daemon = false;           // infrastructure (not `run:`): gets a private /run
  // Opens other namespaces by their /run/netns path: starts from the host's mounts, not from
  // a copy without /run/netns (kernel/process.h: mount_namespace_without).
  bool opens_namespaces = false;
  // Readiness: this file (plan path) contains this text. Empty: the process is ready once it
  // listens. With ready_before_next the next process starts only then (later processes
  // depend on it); otherwise `up` waits for it with the others, once all have started.
  std::string ready_file;
  std::string ready_text;
  bool ready_before_next = true;
  bool wait_exit = false;  // a one-shot step: must exit 0 before the next process starts
  std::optional<WireguardSetup> wireguard;
  // A daemon that creates its own TUN device (charon with kernel-libipsec: "ipsec%d", its
  // number known only once it runs): apply finds the device through the daemon's open
  // /dev/net/tun and gives it this address.
  std::optional<Cidr> tun_address;
  std::vector<IpPrefix> tun_routes;  // with tun_address: prefixes routed into that device
  // bird: its control socket (plan path); `up` returns once its BGP sessions have converged.
  std::string bgp_socket;
  // With tun_address: a policy rule "iif <that TUN> lookup tun_rule_table" (a transit
  // gateway's association of a VPN attachment). 0: none.
  uint32_t tun_rule_priority = 0, tun_rule_table = 0;
  // A tunnel is ready once its SA carries traffic: its daemon has installed these routes in
  // its namespace (the peer's prefixes in its table, what a bird learned from them). `up`
  // waits for them with the rest, up to its tunnel timeout.
  std::vector<TableRoute> ready_routes;
};

// A file written into the state directory before processes start (path relative to it).
struct FilePlan {
  std::string path;
  std::string content;
};

// What status, exec and check need to know about every place a user can enter.
struct EndpointInfo {
  std::string name;
  std::string kind;  // instance | host | service | onprem-host (subnet: its network's name)
  std::string ns;
  std::string vpc;                 // empty for hosts
  std::string subnet;              // empty for hosts
  std::optional<Ipv4> private_ip;  // the host's address for hosts; none in an IPv6-only subnet
  std::optional<Ipv4> public_ip;
  std::vector<std::string> security_groups;  // instances: the ENI's groups
  std::string resolv_conf;                   // instances: their resolv.conf in the plan's files
  std::optional<IpAddr> ipv6;                // instances and hosts with an IPv6 address
  std::string availability_zone;             // instances: their subnet's
};

struct GatewayInfo {
  std::string kind;  // nat-gateway
  std::string vpc;
  std::string name;
  std::string ns;
  Ipv4 private_ip;
  std::optional<Ipv4> public_ip;
};

struct SubnetInfo {
  std::string vpc;
  std::string name;
  std::optional<Cidr> cidr;  // none in an IPv6-only subnet
  std::string route_table;   // "main" when it uses the main route table implicitly
  std::string network_acl;
  std::optional<IpPrefix> ipv6_cidr;
};

struct Plan {
  std::string scenario;
  std::vector<NsPlan> namespaces;
  std::vector<SysctlPlan> sysctls;
  std::vector<VethPlan> veths;
  std::vector<AddrPlan> addrs;
  std::vector<NeighPlan> neighs;
  std::vector<RoutePlan> routes;
  std::vector<RulePlan> rules;
  std::vector<NftPlan> nft;
  std::vector<FilePlan> files;
  std::vector<ProcessPlan> processes;
  std::vector<EndpointInfo> endpoints;
  std::vector<SubnetInfo> subnets;
  std::vector<GatewayInfo> gateways;

  const EndpointInfo* endpoint(const std::string& name) const {
    for (const auto& e : endpoints)
      if (e.name == name) return &e;
    return nullptr;
  }
};

}  // namespace vpcemu
