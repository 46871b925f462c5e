// What every construct's parser shares: the diagnostics, and readers of YAML nodes that report
// every unknown key, wrong type and malformed value at its line and column and go on, so that
// one run lists every problem.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/scenario.h"
#include "scenario/yaml.h"
#include "util/diag.h"

namespace vpcemu::parsing {

struct Reader {
  Diagnostics& d;

  using KeyFn =
      std::function<void(const std::string& key, SourceSpan key_span, const yaml::Node& value)>;

  static SourceSpan span(const yaml::Node& n, SourceSpan fallback = {});
  static const char* kind(const yaml::Node& n);
  // Each item of a list; nothing (null) is an empty list; anything else is `what`'s error.
  void each_item(const yaml::Node& v, SourceSpan ks, const std::string& what,
                 const std::function<void(const yaml::Node&)>& fn);
  // Walks a mapping, rejecting unknown and duplicate keys. A null node is an empty mapping.
  void each_key(const yaml::Node& node, const std::string& what,
                const std::vector<std::string>& allowed, const KeyFn& fn);
  // Named resources: each key a resource name, checked against the naming rule.
  void each_named(const yaml::Node& node, const std::string& what, const KeyFn& fn);
  std::optional<std::string> scalar(const yaml::Node& n, const std::string& what,
                                    SourceSpan fallback);
  std::optional<bool> boolean(const yaml::Node& n, const std::string& what, SourceSpan fb);
  std::optional<Cidr> cidr(const yaml::Node& n, const std::string& what, SourceSpan fb);
  std::optional<Ipv4> address(const yaml::Node& n, const std::string& what, SourceSpan fb);
  // A prefix of either family ("10.0.0.0/16", "::/0"), or of `only` that family; canonical.
  std::optional<IpPrefix> prefix(const yaml::Node& n, const std::string& what, SourceSpan fb,
                                 std::optional<Family> only = std::nullopt);
  // An IPv6 address ("2600:1f18::10").
  std::optional<IpAddr> ipv6_address(const yaml::Node& n, const std::string& what, SourceSpan fb);
  std::optional<int> number(const yaml::Node& n, const std::string& what, SourceSpan fb, int lo,
                            int hi);
  // tcp, udp, icmp, icmpv6, all, or their numbers (6, 17, 1, 58, -1); with `number`, any other
  // protocol number 0-255 too (kNumber, the number stored there).
  std::optional<Protocol> protocol(const yaml::Node& n, SourceSpan fb, int* number = nullptr);
  // "80" or "1024-65535".
  std::optional<PortRange> ports(const yaml::Node& n, SourceSpan fb);
  // CIDR, sg/<name>, vpc/<vpc>/sg/<name> or pl/<name>.
  std::optional<Peer> peer(const yaml::Node& n, const std::string& what, SourceSpan fb,
                           const std::string& own_vpc);
  // One key's value into a field of the model, with the value's position (kept even when the
  // value is refused, so later stages can still point at it).
  void into(const yaml::Node& n, const std::string& what, SourceSpan fb, std::string& field,
            SourceSpan& at);
  void into(const yaml::Node& n, const std::string& what, SourceSpan fb, std::optional<Cidr>& field,
            SourceSpan& at);
  void into(const yaml::Node& n, const std::string& what, SourceSpan fb, std::optional<Ipv4>& field,
            SourceSpan& at);
  void into(const yaml::Node& n, const std::string& what, SourceSpan fb,
            std::optional<IpPrefix>& field, SourceSpan& at);
  // A list of names ([a, b]); spans per item.
  void names(const yaml::Node& v, SourceSpan ks, const std::string& what,
             std::vector<std::string>& out, std::vector<SourceSpan>& spans);

  // A mapping, or nothing at all (`prod:` alone): either way its required keys are missing.
  static bool mapping_or_empty(const yaml::Node& n) { return n.IsMap() || n.IsNull(); }
  // Each named resource of a mapping, into `out`: a T with its name and the key's position, whose
  // own keys `fill(T&, node)` reads.
  template <typename T, typename Fill>
  void each_resource(const yaml::Node& node, const std::string& what, std::map<std::string, T>& out,
                     Fill fill) {
    each_named(node, what, [&](const std::string& n, SourceSpan nks, const yaml::Node& v) {
      T t{};
      t.name = n;
      t.span = nks;
      fill(t, v);
      out.emplace(n, std::move(t));
    });
  }
  // `protocol` and `ports`, which security-group and NACL rules share. True if `k` was one.
  bool protocol_or_ports(const std::string& k, const yaml::Node& x, SourceSpan ks,
                         TrafficMatch& rule, bool& has_proto) {
    if (k == "protocol") {
      rule.protocol_span = span(x, ks);
      has_proto = true;
      if (auto p = protocol(x, ks, &rule.protocol_number)) rule.protocol = *p;
      return true;
    }
    if (k == "ports") {
      rule.ports_span = span(x, ks);
      rule.ports = ports(x, ks);
      return true;
    }
    if (k == "icmp_type" || k == "icmp_code") {
      const bool type = k == "icmp_type";
      (type ? rule.icmp_type_span : rule.icmp_code_span) = span(x, ks);
      if (auto n = number(x, k, ks, -1, 255)) (type ? rule.icmp_type : rule.icmp_code) = *n;
      return true;
    }
    return false;
  }
  // An `ingress` or `egress` list: each rule parsed by `one`.
  template <typename Rule, typename Fn>
  std::vector<Rule> rule_list(const yaml::Node& v, SourceSpan ks, bool ingress, Fn one) {
    std::vector<Rule> out;
    each_item(
        v, ks, std::string(ingress ? "ingress" : "egress") + " must be a list of rules",
        [&](const yaml::Node& r) { out.push_back(one(r, ingress ? "source" : "destination")); });
    return out;
  }
};

}  // namespace vpcemu::parsing
