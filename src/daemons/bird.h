// bird2 configuration for BGP over site-to-site VPN tunnels (pure). One bird per namespace:
// the virtual private gateway (eBGP to each tunnel, iBGP to the VPC router), the VPC router
// (iBGP from its gateway; learned routes into the route tables that propagate them) and the
// customer gateway (eBGP to each tunnel). Timers are short so a lost tunnel is noticed in
// seconds, not AWS's 30.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "util/net.h"

namespace vpcemu {

struct BgpSession {
  std::string name;  // bird protocol name: letters, digits and '_'
  Ipv4 local, neighbor;
  int neighbor_asn = 0;
  // What goes to the peer: the routes this bird originates (`announce`), or what it learned
  // over BGP (a gateway passing tunnel routes on to its VPC router).
  enum class Export { kNone, kOriginated, kLearned } exports = Export::kOriginated;
  bool import = true;  // take the peer's routes
  int preference = 0;  // bird's route preference for what this session learns; 0: BGP's 100
};

// Direct Connect's routes win over VPN routes to the same prefix (AWS rule 17).
inline constexpr int kDirectConnectPreference = 150;

struct KernelExport {
  uint32_t table = 254;
  uint32_t metric = 0;                 // 0: the kernel's default
  std::vector<std::string> protocols;  // only what these sessions learned; empty: all of BGP
  bool with_learned = false;           // also the routes learned from kernel tables (`learn`)
  bool from_master = true;             // false: only this table's own static routes
};

// A static route into one kernel table via a neighbour (a tunnel's inside peer): bird keeps
// it while the neighbour is reachable, so it leaves with the tunnel's TUN device. Among equal
// prefixes the highest preference wins; it is installed at kernel metric 1, ahead of
// propagated routes.
struct StaticVia {
  uint32_t table = 0;
  Cidr dst;
  Ipv4 via;
  int preference = 200;
};

// A kernel table another daemon fills (a static VPN tunnel's charon): bird learns its routes
// with this preference, so they compete with BGP's in one table and leave with the tunnel.
struct KernelLearn {
  uint32_t table = 0;
  int preference = 0;
};

struct BirdConfig {
  Ipv4 router_id;
  int asn = 0;
  std::vector<Cidr> announce;  // originated (never installed in the kernel)
  std::vector<BgpSession> sessions;
  std::vector<KernelExport> kernel;  // where learned routes are installed
  std::vector<KernelLearn> learn;
  std::vector<StaticVia> statics;
};

// At a virtual private gateway, for the same prefix (AWS rule 17): Direct Connect (150) over
// static VPN routes (120) over VPN BGP (bird's BGP default, 100).
inline constexpr int kStaticVpnPreference = 120;

// "office-vpn-1" → "office_vpn_1": a valid bird protocol name.
std::string bird_name(const std::string& s);
// The kernel protocol that learns kernel table `table` (KernelLearn).
std::string bird_learn_name(uint32_t table);
std::string bird_conf(const BirdConfig& c);

}  // namespace vpcemu
