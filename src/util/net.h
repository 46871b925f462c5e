// IPv4 addresses and CIDR blocks: parsing, arithmetic and formatting (pure).
#pragma once
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

// AWS reserves network, +1 (router), +2 (DNS), +3 (future) and the last address of a subnet.
bool is_aws_reserved(const Cidr& subnet, Ipv4 ip);

}  // namespace vpcemu
