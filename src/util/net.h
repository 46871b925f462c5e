// Addresses and prefixes: IPv4 with its arithmetic (Ipv4, Cidr), and the family-neutral IpAddr
// and IpPrefix that hold IPv4 or IPv6 and are what the kernel layer takes (pure).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vpcemu {

struct Ipv4 {
  uint32_t value = 0;  // host byte order
  auto operator<=>(const Ipv4&) const = default;
  std::string str() const;
  static std::optional<Ipv4> parse(std::string_view text);
};

struct Cidr {
  Ipv4 addr;
  int prefix = 32;
  auto operator<=>(const Cidr&) const = default;

  // Parses "a.b.c.d/n". Host bits are kept; see canonical()/has_host_bits().
  static std::optional<Cidr> parse(std::string_view text);
  uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix); }
  Ipv4 network() const { return Ipv4{addr.value & mask()}; }
  Ipv4 last() const { return Ipv4{network().value | ~mask()}; }
  Cidr canonical() const { return Cidr{network(), prefix}; }
  bool has_host_bits() const { return (addr.value & ~mask()) != 0; }
  uint64_t size() const { return uint64_t{1} << (32 - prefix); }
  bool contains(Ipv4 ip) const { return (ip.value & mask()) == network().value; }
  bool contains(const Cidr& other) const {
    return other.prefix >= prefix && contains(other.network());
  }
  bool overlaps(const Cidr& other) const { return contains(other) || other.contains(*this); }
  Ipv4 at(uint64_t offset) const { return Ipv4{network().value + static_cast<uint32_t>(offset)}; }
  std::string str() const;
};

enum class Family { kIpv4, kIpv6 };

// An IPv4 or IPv6 address, in network byte order. Every Ipv4 converts to one.
struct IpAddr {
  Family family = Family::kIpv4;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4

  IpAddr() = default;
  IpAddr(Ipv4 ip);  // NOLINT(google-explicit-constructor): an IPv4 address is an address
  // "10.0.1.10" or "2600:1f18::10" (what inet_pton accepts).
  static std::optional<IpAddr> parse(std::string_view text);
  size_t size() const { return family == Family::kIpv4 ? 4 : 16; }
  int bits() const { return family == Family::kIpv4 ? 32 : 128; }
  std::optional<Ipv4> v4() const;
  std::string str() const;
  auto operator<=>(const IpAddr&) const = default;
};

// An address with a prefix length, of either family. Host bits are kept; network() clears them.
struct IpPrefix {
  IpAddr addr;
  int prefix = 32;

  IpPrefix() = default;
  IpPrefix(const Cidr& c);  // NOLINT(google-explicit-constructor): a CIDR block is a prefix
  IpPrefix(IpAddr a, int len) : addr(a), prefix(len) {}
  // "10.0.0.0/16" or "2600:1f18:4a3c:6e00::/56".
  static std::optional<IpPrefix> parse(std::string_view text);
  Family family() const { return addr.family; }
  IpAddr network() const;
  IpPrefix canonical() const { return IpPrefix(network(), prefix); }
  bool has_host_bits() const { return network() != addr; }
  bool contains(const IpAddr& ip) const;
  bool contains(const IpPrefix& other) const {
    return other.family() == family() && other.prefix >= prefix && contains(other.addr);
  }
  bool overlaps(const IpPrefix& other) const { return contains(other) || other.contains(*this); }
  // The address `offset` after the network address (IPv6: within the low 64 bits).
  IpAddr at(uint64_t offset) const;
  // The same prefix as a Cidr, if it is IPv4.
  std::optional<Cidr> v4() const;
  std::string str() const;
  auto operator<=>(const IpPrefix&) const = default;
};

// AWS reserves network, +1 (router), +2 (DNS), +3 (future) and the last address of a subnet,
// of IPv4 and IPv6 subnets alike.
bool is_aws_reserved(const Cidr& subnet, Ipv4 ip);
bool is_aws_reserved(const IpPrefix& subnet, const IpAddr& ip);

}  // namespace vpcemu
