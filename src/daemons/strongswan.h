// strongSwan configuration for one IPsec tunnel (pure): charon-systemd with kernel-libipsec,
// because this kernel has no ESP; ESP always travels in UDP. Recipe and pitfalls:
// ../shared/vpn-notes.md.
#pragma once
#include <string>
#include <vector>

#include "util/net.h"

namespace vpcemu {

struct IpsecTunnel {
  std::string name;    // connection name inside charon
  std::string dir;     // config/socket/log directory ("@state/..." until apply substitutes it)
  Ipv4 local, remote;  // outside addresses
  int local_port = 500, local_nat_port = 4500, remote_port = 500;
  std::vector<Cidr> local_ts, remote_ts;
  std::string psk;
  bool initiator = false;
  // Several charons share a namespace (two tunnels per connection): each installs its routes
  // into a table of its own, consulted in priority order, so when one daemon (and with it its
  // TUN device and routes) is gone, traffic falls through to the next tunnel.
  uint32_t table = 221;
  // The priority of that table's policy rule. Policy-based (static) tunnels: before main, so
  // the selectors decide (or after it, where a bird copies the table's routes into main).
  // Route-based (BGP, selectors 0.0.0.0/0): after main (40000+), where
  // the learned routes decide; before main its default route would swallow everything.
  // 0: the table's number.
  uint32_t table_priority = 0;
};

// Ports of the k-th charon in a namespace: the first uses IKE's 500/4500.
inline int ike_port(int k) {
  return k == 0 ? 500 : 10000 + 2 * k;
}
inline int nat_t_port(int k) {
  return k == 0 ? 4500 : 10001 + 2 * k;
}

std::string strongswan_conf(const IpsecTunnel& t);
std::string swanctl_conf(const IpsecTunnel& t);

}  // namespace vpcemu
