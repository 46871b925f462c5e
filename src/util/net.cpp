// Address and prefix parsing, arithmetic and formatting.
#include "util/net.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace vpcemu {

std::string Ipv4::str() const {
  return std::to_string(value >> 24) + "." + std::to_string((value >> 16) & 0xff) + "." +
         std::to_string((value >> 8) & 0xff) + "." + std::to_string(value & 0xff);
}

std::optional<Ipv4> Ipv4::parse(std::string_view text) {
  uint32_t result = 0;
  const char* p = text.data();
  const char* end = text.data() + text.size();
  for (int i = 0; i < 4; ++i) {
    if (i > 0) {
      if (p == end || *p != '.') return std::nullopt;
      ++p;
    }
    if (p == end || *p < '0' || *p > '9') return std::nullopt;
    // Reject leading zeros ("010") which some parsers read as octal.
    if (*p == '0' && p + 1 != end && p[1] >= '0' && p[1] <= '9') return std::nullopt;
    unsigned octet = 0;
    auto [next, ec] = std::from_chars(p, end, octet);
    if (ec != std::errc{} || octet > 255) return std::nullopt;
    result = (result << 8) | octet;
    p = next;
  }
  if (p != end) return std::nullopt;
  return Ipv4{result};
}

std::optional<Cidr> Cidr::parse(std::string_view text) {
  auto p = IpPrefix::parse(text);
  if (!p || p->family() != Family::kIpv4) return std::nullopt;
  return Cidr{*p->addr.v4(), p->prefix};
}

std::string Cidr::str() const {
  return addr.str() + "/" + std::to_string(prefix);
}

bool is_aws_reserved(const Cidr& subnet, Ipv4 ip) {
  if (!subnet.contains(ip)) return false;
  uint32_t offset = ip.value - subnet.network().value;
  return offset <= 3 || ip == subnet.last();
}

IpAddr::IpAddr(Ipv4 ip) {
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<uint8_t>(ip.value >> (24 - 8 * i));
}

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  if (auto v4 = Ipv4::parse(text)) return IpAddr(*v4);
  if (text.find(':') == std::string_view::npos || text.size() >= INET6_ADDRSTRLEN)
    return std::nullopt;
  IpAddr a;
  a.family = Family::kIpv6;
  const std::string s(text);
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
  return a;
}

std::optional<Ipv4> IpAddr::v4() const {
  if (family != Family::kIpv4) return std::nullopt;
  return Ipv4{uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 | uint32_t{bytes[2]} << 8 |
              bytes[3]};
}

std::string IpAddr::str() const {
  if (auto v = v4()) return v->str();
  char buf[INET6_ADDRSTRLEN];
  return inet_ntop(AF_INET6, bytes.data(), buf, sizeof(buf)) ? buf : "?";
}

IpPrefix::IpPrefix(const Cidr& c) : addr(c.addr), prefix(c.prefix) {}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto ip = IpAddr::parse(text.substr(0, slash));
  if (!ip) return std::nullopt;
  auto len = text.substr(slash + 1);
  int prefix = 0;
  auto [next, ec] = std::from_chars(len.data(), len.data() + len.size(), prefix);
  const size_t digits = ip->family == Family::kIpv4 ? 2 : 3;  // "/24", "/128"; never "/024"
  if (len.empty() || len.size() > digits || ec != std::errc{} || next != len.data() + len.size() ||
      prefix < 0 || prefix > ip->bits())
    return std::nullopt;
  return IpPrefix(*ip, prefix);
}

IpAddr IpPrefix::network() const {
  IpAddr n = addr;
  for (int i = 0; i < 16; ++i) {
    const int keep = std::clamp(prefix - 8 * i, 0, 8);
    n.bytes[i] &= static_cast<uint8_t>(0xff00 >> keep);
  }
  return n;
}

bool IpPrefix::contains(const IpAddr& ip) const {
  return ip.family == addr.family && IpPrefix(ip, prefix).network() == network();
}

IpAddr IpPrefix::at(uint64_t offset) const {
  IpAddr a = network();
  for (size_t i = a.size(); i-- > 0 && offset; offset >>= 8) {
    const unsigned sum = a.bytes[i] + static_cast<unsigned>(offset & 0xff);
    a.bytes[i] = static_cast<uint8_t>(sum);
    if (sum > 0xff) offset += 0x100;  // the carry
  }
  return a;
}

std::optional<Cidr> IpPrefix::v4() const {
  if (auto a = addr.v4()) return Cidr{*a, prefix};
  return std::nullopt;
}

bool is_aws_reserved(const IpPrefix& subnet, const IpAddr& ip) {
  if (auto c = subnet.v4()) return ip.v4() && is_aws_reserved(*c, *ip.v4());
  if (!subnet.contains(ip)) return false;
  for (uint64_t i = 0; i <= 3; ++i)
    if (subnet.at(i) == ip) return true;
  IpAddr last = subnet.network();  // every host bit set
  for (int i = 0; i < 16; ++i) {
    const int host = std::clamp(8 * (i + 1) - subnet.prefix, 0, 8);
    last.bytes[i] |= static_cast<uint8_t>((1u << host) - 1);
  }
  return ip == last;
}

std::string IpPrefix::str() const {
  return addr.str() + "/" + std::to_string(prefix);
}

}  // namespace vpcemu
