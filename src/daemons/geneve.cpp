// GENEVE encoding and decoding, and the flow keys the load balancer sticks flows by.
#include "daemons/geneve.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <tuple>

namespace vpcemu {

namespace {

void put16(std::vector<uint8_t>& v, uint16_t x) {
  v.push_back(static_cast<uint8_t>(x >> 8));
  v.push_back(static_cast<uint8_t>(x));
}
void put32(std::vector<uint8_t>& v, uint32_t x) {
  put16(v, static_cast<uint16_t>(x >> 16));
  put16(v, static_cast<uint16_t>(x));
}
void put64(std::vector<uint8_t>& v, uint64_t x) {
  put32(v, static_cast<uint32_t>(x >> 32));
  put32(v, static_cast<uint32_t>(x));
}
uint16_t get16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t get32(const uint8_t* p) {
  return static_cast<uint32_t>(get16(p)) << 16 | get16(p + 2);
}
uint64_t get64(const uint8_t* p) {
  return static_cast<uint64_t>(get32(p)) << 32 | get32(p + 4);
}

// One option's 4-byte header: class, type, and its data length in 4-byte words.
void option(std::vector<uint8_t>& v, uint8_t type, uint8_t words) {
  put16(v, kAwsOptionClass);
  v.push_back(type);
  v.push_back(words & 0x1f);
}

}  // namespace

std::vector<uint8_t> geneve_encapsulate(const GwlbOptions& o, const uint8_t* inner, size_t len) {
  std::vector<uint8_t> v;
  v.reserve(8 + 32 + len);
  const uint8_t opt_words = (4 + 8 + 4 + 8 + 4 + 4) / 4;  // three options with their headers
  v.push_back(opt_words);                                 // version 0, options length
  v.push_back(0);                                         // O, C, reserved
  put16(v, len && (inner[0] >> 4) == 6 ? 0x86dd : 0x0800);
  put32(v, 0);  // VNI 0, reserved
  option(v, 1, 2);
  put64(v, o.endpoint_id);
  option(v, 2, 2);
  put64(v, o.attachment_id);
  option(v, 3, 1);
  put32(v, o.flow_cookie);
  v.insert(v.end(), inner, inner + len);
  return v;
}

std::optional<GeneveHeader> geneve_parse(const uint8_t* p, size_t len) {
  if (len < 8 || (p[0] >> 6) != 0) return std::nullopt;
  GeneveHeader h;
  h.protocol = get16(p + 2);
  if (h.protocol != 0x0800 && h.protocol != 0x86dd) return std::nullopt;
  h.vni = get32(p + 4) >> 8;
  const size_t opt_len = static_cast<size_t>(p[0] & 0x3f) * 4;
  if (8 + opt_len > len) return std::nullopt;
  h.length = 8 + opt_len;
  GwlbOptions o;
  int seen = 0;
  for (size_t at = 8; at + 4 <= h.length;) {
    const uint16_t cls = get16(p + at);
    const uint8_t type = p[at + 2];
    const size_t data = static_cast<size_t>(p[at + 3] & 0x1f) * 4;
    if (at + 4 + data > h.length) return std::nullopt;
    const uint8_t* d = p + at + 4;
    if (cls == kAwsOptionClass) {
      if (type == 1 && data == 8) o.endpoint_id = get64(d), seen |= 1;
      if (type == 2 && data == 8) o.attachment_id = get64(d), seen |= 2;
      if (type == 3 && data == 4) o.flow_cookie = get32(d), seen |= 4;
    }
    at += 4 + data;
  }
  if (seen == 7) h.aws = o;
  return h;
}

bool FlowKey::operator<(const FlowKey& o) const {
  return std::tie(protocol, ipv6, a, b, port_a, port_b) <
         std::tie(o.protocol, o.ipv6, o.a, o.b, o.port_a, o.port_b);
}
bool FlowKey::operator==(const FlowKey& o) const {
  return std::tie(protocol, ipv6, a, b, port_a, port_b) ==
         std::tie(o.protocol, o.ipv6, o.a, o.b, o.port_a, o.port_b);
}

std::string FlowKey::str() const {
  char sa[INET6_ADDRSTRLEN], sb[INET6_ADDRSTRLEN];
  inet_ntop(ipv6 ? AF_INET6 : AF_INET, a.data(), sa, sizeof(sa));
  inet_ntop(ipv6 ? AF_INET6 : AF_INET, b.data(), sb, sizeof(sb));
  std::string proto = protocol == 6    ? "tcp"
                      : protocol == 17 ? "udp"
                      : protocol == 1  ? "icmp"
                      : protocol == 58 ? "icmpv6"
                                       : std::to_string(protocol);
  return proto + " " + sa + ":" + std::to_string(port_a) + " <-> " + sb + ":" +
         std::to_string(port_b);
}

std::optional<FlowKey> flow_key(const uint8_t* p, size_t len) {
  if (len < 1) return std::nullopt;
  FlowKey k;
  size_t l4 = 0, alen = 4;
  const uint8_t *src, *dst;
  if ((p[0] >> 4) == 4) {
    if (len < 20) return std::nullopt;
    k.protocol = p[9];
    l4 = static_cast<size_t>(p[0] & 0x0f) * 4;
    src = p + 12;
    dst = p + 16;
  } else if ((p[0] >> 4) == 6) {
    if (len < 40) return std::nullopt;
    k.ipv6 = true;
    k.protocol = p[6];  // extension headers are not followed: their flows share one key
    l4 = 40;
    alen = 16;
    src = p + 8;
    dst = p + 24;
  } else {
    return std::nullopt;
  }
  std::memcpy(k.a.data(), src, alen);
  std::memcpy(k.b.data(), dst, alen);
  if ((k.protocol == 6 || k.protocol == 17 || k.protocol == 132) && len >= l4 + 4) {
    k.port_a = get16(p + l4);
    k.port_b = get16(p + l4 + 2);
  } else if ((k.protocol == 1 || k.protocol == 58) && len >= l4 + 8) {
    k.port_a = k.port_b = get16(p + l4 + 4);  // the echo identifier
  }
  if (std::tie(k.b, k.port_b) < std::tie(k.a, k.port_a)) {
    std::swap(k.a, k.b);
    std::swap(k.port_a, k.port_b);
  }
  return k;
}

uint32_t flow_hash(const FlowKey& k) {
  uint32_t h = 2166136261u;
  auto mix = [&](const uint8_t* p, size_t n) {
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 16777619u;
  };
  mix(&k.protocol, 1);
  mix(k.a.data(), k.a.size());
  mix(k.b.data(), k.b.size());
  const uint8_t ports[4] = {static_cast<uint8_t>(k.port_a >> 8), static_cast<uint8_t>(k.port_a),
                            static_cast<uint8_t>(k.port_b >> 8), static_cast<uint8_t>(k.port_b)};
  mix(ports, 4);
  return h;
}

}  // namespace vpcemu
