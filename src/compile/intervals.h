// First-match rule sets over (address range × port range) compiled to disjoint regions, so
// that nftables can look them up in one interval set or verdict map instead of walking a
// chain. A NACL is an ordered allow/deny list (first match wins); a security group is the
// all-allow case (the union of its rules).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "util/net.h"

namespace vpcemu {

// An address as a number: IPv4 in the low 32 bits, IPv6 all 128.
using u128 = unsigned __int128;
u128 to_u128(const IpAddr& a);
IpAddr from_u128(u128 v, Family f);

struct Box {
  u128 addr_lo = 0, addr_hi = 0xffffffff;  // inclusive
  u128 port_lo = 0, port_hi = 65535;       // inclusive
  bool operator==(const Box&) const = default;
};

struct OrderedRule {
  Box box;
  bool allow = true;
};

struct Region {
  Box box;
  bool allow = true;
  bool operator==(const Region&) const = default;
};

// Disjoint regions, sorted by address then port, covering exactly the union of the rules'
// boxes; each takes the verdict of the first rule (in vector order) that covers it. Adjacent
// regions with the same verdict are merged.
std::vector<Region> first_match(const std::vector<OrderedRule>& rules);

Box box_of(const IpPrefix& c, uint32_t port_lo = 0, uint32_t port_hi = 65535);

// nft element text: "10.0.0.0/16" or "10.0.0.5-10.0.0.9" ("2600:1f18::/56" for IPv6); with
// ports " . 80" or " . 80-90".
std::string nft_addr_range(u128 lo, u128 hi, Family f = Family::kIpv4);
std::string nft_port_range(u128 lo, u128 hi);

}  // namespace vpcemu
