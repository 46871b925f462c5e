// Readers of YAML nodes with source positions: keys, names, scalars, addresses, numbers, rules.
#include "scenario/reader.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "scenario/parse.h"
#include "util/text.h"

namespace vpcemu::parsing {

namespace {

// Keys of the scenario format that later versions implement: a clear error, not "unknown key".
const std::set<std::string> kNotYet = {};

}  // namespace

SourceSpan Reader::span(const yaml::Node& n, SourceSpan fallback) {
  auto m = n.Mark();
  if (m.line < 0) return fallback;
  return SourceSpan{m.line + 1, m.column + 1};
}

const char* Reader::kind(const yaml::Node& n) {
  switch (n.Type()) {
    case yaml::NodeType::Map:
      return "a mapping";
    case yaml::NodeType::Sequence:
      return "a list";
    case yaml::NodeType::Scalar:
      return "a scalar";
    case yaml::NodeType::Null:
      return "nothing";
    default:
      return "an undefined value";
  }
}

// Each item of a list; nothing (null) is an empty list; anything else is `what`'s error.
void Reader::each_item(const yaml::Node& v, SourceSpan ks, const std::string& what,
                       const std::function<void(const yaml::Node&)>& fn) {
  if (v.IsNull()) return;
  if (!v.IsSequence()) {
    d.error(span(v, ks), what + ", found " + kind(v));
    return;
  }
  for (const auto& item : v) fn(item);
}

// Walks a mapping, rejecting unknown and duplicate keys. A null node is an empty mapping.
void Reader::each_key(const yaml::Node& node, const std::string& what,
                      const std::vector<std::string>& allowed, const KeyFn& fn) {
  if (node.IsNull()) return;
  if (!node.IsMap()) {
    d.error(span(node), what + " must be a mapping, found " + kind(node));
    return;
  }
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    SourceSpan ks = span(it->first);
    if (!it->first.IsScalar()) {
      d.error(ks, "keys of " + what + " must be plain words");
      continue;
    }
    std::string key = it->first.Scalar();
    if (!seen.insert(key).second) {
      d.error(ks, "duplicate key '" + key + "' in " + what);
      continue;
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      if (kNotYet.count(key)) {
        d.error(ks, "'" + key +
                        "' is part of the scenario format but not implemented yet "
                        "in this version of vpcemu");
      } else if (auto near = nearest(key, allowed)) {
        d.error(ks, "unknown key '" + key + "' in " + what + "; did you mean '" + *near + "'?");
      } else {
        std::string list;
        for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
        d.error(ks, "unknown key '" + key + "' in " + what + "; valid keys: " + list);
      }
      continue;
    }
    fn(key, ks, it->second);
  }
}

// Named resources: each key a resource name, checked against the naming rule.
void Reader::each_named(const yaml::Node& node, const std::string& what, const KeyFn& fn) {
  each_key(node, what, {}, [&](const std::string& key, SourceSpan ks, const yaml::Node& v) {
    if (!valid_resource_name(key)) {
      d.error(ks, "invalid name '" + key + "' in " + what +
                      ": names are 1-32 characters of a-z, 0-9 and '-', starting with a "
                      "letter or digit");
      return;
    }
    fn(key, ks, v);
  });
}

std::optional<std::string> Reader::scalar(const yaml::Node& n, const std::string& what,
                                          SourceSpan fallback) {
  if (!n.IsScalar()) {
    d.error(span(n, fallback), what + " must be a single value, found " + kind(n));
    return std::nullopt;
  }
  // An empty name would mean "not given" to every later stage: refuse it here, once.
  if (n.Scalar().empty()) {
    d.error(span(n, fallback), what + " must not be empty");
    return std::nullopt;
  }
  return n.Scalar();
}

void Reader::into(const yaml::Node& n, const std::string& what, SourceSpan fb, std::string& field,
                  SourceSpan& at) {
  at = span(n, fb);
  if (auto s = scalar(n, what, fb)) field = *s;
}

void Reader::into(const yaml::Node& n, const std::string& what, SourceSpan fb,
                  std::optional<Cidr>& field, SourceSpan& at) {
  at = span(n, fb);
  field = cidr(n, what, fb);
}

void Reader::into(const yaml::Node& n, const std::string& what, SourceSpan fb,
                  std::optional<Ipv4>& field, SourceSpan& at) {
  at = span(n, fb);
  field = address(n, what, fb);
}

void Reader::into(const yaml::Node& n, const std::string& what, SourceSpan fb,
                  std::optional<IpPrefix>& field, SourceSpan& at) {
  at = span(n, fb);
  field = prefix(n, what, fb);
}

std::optional<bool> Reader::boolean(const yaml::Node& n, const std::string& what, SourceSpan fb) {
  auto s = scalar(n, what, fb);
  if (!s) return std::nullopt;
  if (*s == "true") return true;
  if (*s == "false") return false;
  d.error(span(n, fb), what + " must be true or false, found '" + *s + "'");
  return std::nullopt;
}

std::optional<Cidr> Reader::cidr(const yaml::Node& n, const std::string& what, SourceSpan fb) {
  auto s = scalar(n, what, fb);
  if (!s) return std::nullopt;
  auto c = Cidr::parse(*s);
  if (!c) {
    d.error(span(n, fb), what + " '" + *s + "' is not a CIDR block; write it like 10.0.0.0/16");
    return std::nullopt;
  }
  if (c->has_host_bits()) {
    d.warning(span(n, fb), what + " '" + *s + "' has host bits set; using " + c->canonical().str());
  }
  return c->canonical();
}

std::optional<Ipv4> Reader::address(const yaml::Node& n, const std::string& what, SourceSpan fb) {
  auto s = scalar(n, what, fb);
  if (!s) return std::nullopt;
  auto ip = Ipv4::parse(*s);
  if (!ip) d.error(span(n, fb), what + " '" + *s + "' is not an IPv4 address like 10.0.1.10");
  return ip;
}

std::optional<IpPrefix> Reader::prefix(const yaml::Node& n, const std::string& what, SourceSpan fb,
                                       std::optional<Family> only) {
  auto s = scalar(n, what, fb);
  if (!s) return std::nullopt;
  auto c = IpPrefix::parse(*s);
  if (!c || (only && c->family() != *only)) {
    const bool v6 = only == Family::kIpv6, v4 = only == Family::kIpv4;
    d.error(span(n, fb), what + " '" + *s + "' is not " +
                             (v6   ? "an IPv6 CIDR block; write it like 2600:1f18:4a3c:6e00::/56"
                              : v4 ? "an IPv4 CIDR block; write it like 10.0.0.0/16"
                                   : "a CIDR block; write it like 10.0.0.0/16 or ::/0"));
    return std::nullopt;
  }
  if (c->has_host_bits()) {
    d.warning(span(n, fb), what + " '" + *s + "' has host bits set; using " + c->canonical().str());
  }
  return c->canonical();
}

std::optional<IpAddr> Reader::ipv6_address(const yaml::Node& n, const std::string& what,
                                           SourceSpan fb) {
  auto s = scalar(n, what, fb);
  if (!s) return std::nullopt;
  auto ip = IpAddr::parse(*s);
  if (!ip || ip->family != Family::kIpv6) {
    d.error(span(n, fb), what + " '" + *s + "' is not an IPv6 address like 2600:1f18::10");
    return std::nullopt;
  }
  return ip;
}

std::optional<int> Reader::number(const yaml::Node& n, const std::string& what, SourceSpan fb,
                                  int lo, int hi) {
  auto s = scalar(n, what, fb);
  if (!s) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc{} || p != s->data() + s->size() || v < lo || v > hi) {
    d.error(span(n, fb), what + " must be a whole number from " + std::to_string(lo) + " to " +
                             std::to_string(hi) + ", found '" + *s + "'");
    return std::nullopt;
  }
  return v;
}

std::optional<Protocol> Reader::protocol(const yaml::Node& n, SourceSpan fb, int* number) {
  auto s = scalar(n, "protocol", fb);
  if (!s) return std::nullopt;
  int v = -2;
  auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  const bool numeric = ec == std::errc{} && end == s->data() + s->size();
  if (number && numeric && v >= 0 && v <= 255 && v != 1 && v != 6 && v != 17 && v != 58) {
    *number = v;
    return Protocol::kNumber;
  }
  if (*s == "tcp" || *s == "6") return Protocol::kTcp;
  if (*s == "udp" || *s == "17") return Protocol::kUdp;
  if (*s == "icmp" || *s == "1") return Protocol::kIcmp;
  if (*s == "icmpv6" || *s == "58") return Protocol::kIcmpv6;
  if (*s == "all" || *s == "-1") return Protocol::kAll;
  d.error(span(n, fb), "unknown protocol '" + *s +
                           "'; use tcp, udp, icmp, icmpv6, all (-1) or a protocol number 0-255");
  return std::nullopt;
}

// "80" or "1024-65535".
std::optional<PortRange> Reader::ports(const yaml::Node& n, SourceSpan fb) {
  auto s = scalar(n, "ports", fb);
  if (!s) return std::nullopt;
  auto num = [](std::string_view t, int& out) {
    auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return ec == std::errc{} && p == t.data() + t.size() && !t.empty() && out >= 0 && out <= 65535;
  };
  PortRange r;
  auto dash = s->find('-');
  bool ok = dash == std::string::npos
                ? num(*s, r.from) && (r.to = r.from, true)
                : num(std::string_view(*s).substr(0, dash), r.from) &&
                      num(std::string_view(*s).substr(dash + 1), r.to) && r.from <= r.to;
  if (!ok) {
    d.error(span(n, fb), "ports '" + *s +
                             "' is not a port or a range; write 443 or "
                             "1024-65535 (0-65535, the first not above the second)");
    return std::nullopt;
  }
  return r;
}

// CIDR, sg/<name>, vpc/<vpc>/sg/<name> or pl/<name>.
std::optional<Peer> Reader::peer(const yaml::Node& n, const std::string& what, SourceSpan fb,
                                 const std::string& own_vpc) {
  auto s = scalar(n, what, fb);
  if (!s) return std::nullopt;
  Peer p;
  if (s->rfind("sg/", 0) == 0) {
    p.kind = Peer::Kind::kGroup, p.vpc = own_vpc, p.name = s->substr(3);
  } else if (s->rfind("pl/", 0) == 0) {
    p.kind = Peer::Kind::kPrefixList, p.name = s->substr(3);
  } else if (s->rfind("vpc/", 0) == 0) {
    auto rest = s->substr(4);
    auto slash = rest.find("/sg/");
    if (slash == std::string::npos) {
      d.error(span(n, fb), what + " '" + *s +
                               "' is not a group of another VPC; write "
                               "vpc/<vpc>/sg/<group>");
      return std::nullopt;
    }
    p.kind = Peer::Kind::kGroup, p.vpc = rest.substr(0, slash), p.name = rest.substr(slash + 4);
  } else {
    auto c = IpPrefix::parse(*s);
    if (!c) {
      d.error(span(n, fb), what + " '" + *s +
                               "' is not a CIDR block (IPv4 or IPv6), sg/<group> or "
                               "pl/<prefix-list>");
      return std::nullopt;
    }
    if (c->has_host_bits())
      d.warning(span(n, fb),
                what + " '" + *s + "' has host bits set; using " + c->canonical().str());
    p.cidr = c->canonical();
  }
  return p;
}

// A list of names ([a, b]); spans per item.
void Reader::names(const yaml::Node& v, SourceSpan ks, const std::string& what,
                   std::vector<std::string>& out, std::vector<SourceSpan>& spans) {
  if (!v.IsSequence()) {
    d.error(span(v, ks), what + " must be a list of names, found " + std::string(kind(v)));
    return;
  }
  for (const auto& x : v) {
    if (auto n = scalar(x, what, ks)) out.push_back(*n), spans.push_back(span(x, ks));
  }
}

}  // namespace vpcemu::parsing
