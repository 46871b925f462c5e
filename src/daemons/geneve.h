// GENEVE (RFC 8926) as AWS's Gateway Load Balancer speaks it on UDP 6081: an 8-byte header, the
// AWS options (class 0x0108: type 1 the GWLB endpoint's id, 8 bytes; type 2 the attachment id,
// 8 bytes; type 3 the flow cookie, 4 bytes), then the inner IPv4 or IPv6 packet. Pure: bytes in,
// bytes out, no sockets.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vpcemu {

inline constexpr uint16_t kGenevePort = 6081;
inline constexpr uint16_t kAwsOptionClass = 0x0108;

struct GwlbOptions {
  uint64_t endpoint_id = 0;    // the GWLB endpoint (vpce-…) the flow came through
  uint64_t attachment_id = 0;  // 0 unless it came through a transit gateway attachment
  uint32_t flow_cookie = 0;
};

// Header + AWS options + inner packet (its protocol type read from the IP version nibble).
std::vector<uint8_t> geneve_encapsulate(const GwlbOptions& o, const uint8_t* inner, size_t len);

struct GeneveHeader {
  size_t length = 0;      // 8 + options: where the inner packet starts
  uint16_t protocol = 0;  // 0x0800 or 0x86dd
  uint32_t vni = 0;
  std::optional<GwlbOptions> aws;  // set only when all three AWS options are present
};
// The header of a GENEVE payload; nullopt when it is not one (short, version, protocol, options
// overrunning the packet).
std::optional<GeneveHeader> geneve_parse(const uint8_t* p, size_t len);

// A flow as both of its directions see it: protocol, the two (address, port) ends in sorted
// order, so A→B and B→A give the same key. Ports are 0 for protocols without them (ICMP by its
// identifier for echo, as conntrack does).
struct FlowKey {
  uint8_t protocol = 0;
  bool ipv6 = false;
  std::array<uint8_t, 16> a{}, b{};
  uint16_t port_a = 0, port_b = 0;
  bool operator<(const FlowKey& o) const;
  bool operator==(const FlowKey& o) const;
  std::string str() const;  // "tcp 10.0.1.4:40000 <-> 198.51.100.20:80"
};
std::optional<FlowKey> flow_key(const uint8_t* packet, size_t len);
// A hash of the key, the same on every run and for both directions (FNV-1a).
uint32_t flow_hash(const FlowKey& k);

}  // namespace vpcemu
