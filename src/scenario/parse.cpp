// YAML parsing with yaml-cpp: every unknown key, wrong type and malformed value is reported
// with its line and column; parsing goes on so that all problems are listed at once.
#include "scenario/parse.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "util/text.h"

namespace vpcemu {
namespace {

// Keys of the scenario format that later versions implement: a clear error, not "unknown key".
const std::set<std::string> kNotYet = {};

class Parser {
 public:
  explicit Parser(Diagnostics& d) : d_(d) {}

  static SourceSpan span(const YAML::Node& n, SourceSpan fallback = {}) {
    auto m = n.Mark();
    if (m.line < 0) return fallback;
    return SourceSpan{m.line + 1, m.column + 1};
  }

  // A mapping, or nothing at all (`prod:` alone): either way its required keys are missing.
  static bool mapping_or_empty(const YAML::Node& n) { return n.IsMap() || n.IsNull(); }

  static const char* kind(const YAML::Node& n) {
    switch (n.Type()) {
      case YAML::NodeType::Map:
        return "a mapping";
      case YAML::NodeType::Sequence:
        return "a list";
      case YAML::NodeType::Scalar:
        return "a scalar";
      case YAML::NodeType::Null:
        return "nothing";
      default:
        return "an undefined value";
    }
  }

  using KeyFn =
      std::function<void(const std::string& key, SourceSpan key_span, const YAML::Node& value)>;

  // Each item of a list; nothing (null) is an empty list; anything else is `what`'s error.
  void each_item(const YAML::Node& v, SourceSpan ks, const std::string& what,
                 const std::function<void(const YAML::Node&)>& fn) {
    if (v.IsNull()) return;
    if (!v.IsSequence()) {
      d_.error(span(v, ks), what + ", found " + kind(v));
      return;
    }
    for (const auto& item : v) fn(item);
  }

  // Walks a mapping, rejecting unknown and duplicate keys. A null node is an empty mapping.
  void each_key(const YAML::Node& node, const std::string& what,
                const std::vector<std::string>& allowed, const KeyFn& fn) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      d_.error(span(node), what + " must be a mapping, found " + kind(node));
      return;
    }
    std::set<std::string> seen;
    for (auto it = node.begin(); it != node.end(); ++it) {
      SourceSpan ks = span(it->first);
      if (!it->first.IsScalar()) {
        d_.error(ks, "keys of " + what + " must be plain words");
        continue;
      }
      std::string key = it->first.Scalar();
      if (!seen.insert(key).second) {
        d_.error(ks, "duplicate key '" + key + "' in " + what);
        continue;
      }
      if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        if (kNotYet.count(key)) {
          d_.error(ks, "'" + key +
                           "' is part of the scenario format but not implemented yet "
                           "in this version of vpcemu");
        } else if (auto near = nearest(key, allowed)) {
          d_.error(ks, "unknown key '" + key + "' in " + what + "; did you mean '" + *near + "'?");
        } else {
          std::string list;
          for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
          d_.error(ks, "unknown key '" + key + "' in " + what + "; valid keys: " + list);
        }
        continue;
      }
      fn(key, ks, it->second);
    }
  }

  // Named resources: each key a resource name, checked against the naming rule.
  void each_named(const YAML::Node& node, const std::string& what, const KeyFn& fn) {
    each_key(node, what, {}, [&](const std::string& key, SourceSpan ks, const YAML::Node& v) {
      if (!valid_resource_name(key)) {
        d_.error(ks, "invalid name '" + key + "' in " + what +
                         ": names are 1-32 characters of a-z, 0-9 and '-', starting with a "
                         "letter or digit");
        return;
      }
      fn(key, ks, v);
    });
  }

  std::optional<std::string> scalar(const YAML::Node& n, const std::string& what,
                                    SourceSpan fallback) {
    if (!n.IsScalar()) {
      d_.error(span(n, fallback), what + " must be a single value, found " + kind(n));
      return std::nullopt;
    }
    // An empty name would mean "not given" to every later stage: refuse it here, once.
    if (n.Scalar().empty()) {
      d_.error(span(n, fallback), what + " must not be empty");
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<bool> boolean(const YAML::Node& n, const std::string& what, SourceSpan fb) {
    auto s = scalar(n, what, fb);
    if (!s) return std::nullopt;
    if (*s == "true") return true;
    if (*s == "false") return false;
    d_.error(span(n, fb), what + " must be true or false, found '" + *s + "'");
    return std::nullopt;
  }

  std::optional<Cidr> cidr(const YAML::Node& n, const std::string& what, SourceSpan fb) {
    auto s = scalar(n, what, fb);
    if (!s) return std::nullopt;
    auto c = Cidr::parse(*s);
    if (!c) {
      d_.error(span(n, fb), what + " '" + *s + "' is not a CIDR block; write it like 10.0.0.0/16");
      return std::nullopt;
    }
    if (c->has_host_bits()) {
      d_.warning(span(n, fb),
                 what + " '" + *s + "' has host bits set; using " + c->canonical().str());
    }
    return c->canonical();
  }

  std::optional<Ipv4> address(const YAML::Node& n, const std::string& what, SourceSpan fb) {
    auto s = scalar(n, what, fb);
    if (!s) return std::nullopt;
    auto ip = Ipv4::parse(*s);
    if (!ip) d_.error(span(n, fb), what + " '" + *s + "' is not an IPv4 address like 10.0.1.10");
    return ip;
  }

  std::optional<int> number(const YAML::Node& n, const std::string& what, SourceSpan fb, int lo,
                            int hi) {
    auto s = scalar(n, what, fb);
    if (!s) return std::nullopt;
    int v = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec != std::errc{} || p != s->data() + s->size() || v < lo || v > hi) {
      d_.error(span(n, fb), what + " must be a whole number from " + std::to_string(lo) + " to " +
                                std::to_string(hi) + ", found '" + *s + "'");
      return std::nullopt;
    }
    return v;
  }

  void parse_route_table(RouteTable& rt, const YAML::Node& node) {
    each_key(node, "route table '" + rt.name + "'", {"routes", "propagations"},
             [&](const std::string& key, SourceSpan ks, const YAML::Node& v) {
               if (key == "propagations") {
                 names(v, ks, "propagations", rt.propagations, rt.propagation_spans);
                 return;
               }
               each_item(v, ks, "routes must be a list", [&](const YAML::Node& r) {
                 Route route;
                 route.span = span(r, ks);
                 each_key(r, "route", {"destination", "target"},
                          [&](const std::string& k, SourceSpan rks, const YAML::Node& rv) {
                            if (k == "destination") {
                              route.destination_span = span(rv, rks);
                              route.destination = cidr(rv, "destination", rks);
                            } else {
                              route.target_span = span(rv, rks);
                              if (auto s = scalar(rv, "target", rks)) route.target = *s;
                            }
                          });
                 if (mapping_or_empty(r)) {
                   if (!r["destination"]) d_.error(route.span, "route has no 'destination'");
                   if (!r["target"]) d_.error(route.span, "route has no 'target'");
                 }
                 rt.routes.push_back(std::move(route));
               });
             });
  }

  void parse_instance(Instance& in, const YAML::Node& node) {
    each_key(node, "instance '" + in.name + "'",
             {"subnet", "private_ip", "public_ip", "elastic_ip", "run", "security_groups"},
             [&](const std::string& k, SourceSpan ks, const YAML::Node& v) {
               if (k == "subnet") {
                 in.subnet_span = span(v, ks);
                 if (auto s = scalar(v, "subnet", ks)) in.subnet = *s;
               } else if (k == "private_ip") {
                 in.private_ip_span = span(v, ks);
                 in.private_ip = address(v, "private_ip", ks);
               } else if (k == "public_ip") {
                 in.public_span = span(v, ks);
                 if (auto b = boolean(v, "public_ip", ks)) in.public_ip = *b;
               } else if (k == "elastic_ip") {
                 in.public_span = span(v, ks);
                 in.elastic_ip = address(v, "elastic_ip", ks);
               } else if (k == "run") {
                 in.run_span = span(v, ks);
                 parse_run(in, v, ks);
               } else if (k == "security_groups") {
                 if (!v.IsSequence()) {
                   d_.error(span(v, ks), "security_groups must be a list of group names, found " +
                                             std::string(kind(v)));
                   return;
                 }
                 for (const auto& g : v) {
                   if (auto name = scalar(g, "security group", ks)) {
                     in.security_groups.push_back(*name);
                     in.security_group_spans.push_back(span(g, ks));
                   }
                 }
                 if (in.security_groups.empty()) {
                   d_.error(span(v, ks),
                            "an instance needs at least one security group; leave "
                            "the key out for the VPC's default group");
                 }
               }
             });
    if (mapping_or_empty(node) && !node["subnet"]) {
      d_.error(in.span, "instance '" + in.name + "' has no 'subnet'");
    }
  }

  void parse_run(Instance& in, const YAML::Node& v, SourceSpan ks) {
    if (v.IsSequence()) {
      for (const auto& w : v) {
        if (auto s = scalar(w, "run argument", ks)) in.run.push_back(*s);
      }
    } else if (auto s = scalar(v, "run", ks)) {
      auto words = split_command(*s);
      if (!words) {
        d_.error(span(v, ks), "run: unterminated quote in '" + *s + "'");
        return;
      }
      in.run = std::move(*words);
    }
    if (in.run.empty()) d_.error(span(v, ks), "run: empty command");
  }

  std::optional<Protocol> protocol(const YAML::Node& n, SourceSpan fb) {
    auto s = scalar(n, "protocol", fb);
    if (!s) return std::nullopt;
    if (*s == "tcp" || *s == "6") return Protocol::kTcp;
    if (*s == "udp" || *s == "17") return Protocol::kUdp;
    if (*s == "icmp" || *s == "1") return Protocol::kIcmp;
    if (*s == "all" || *s == "-1") return Protocol::kAll;
    d_.error(span(n, fb), "unknown protocol '" + *s + "'; use tcp, udp, icmp or all (-1)");
    return std::nullopt;
  }

  // "80" or "1024-65535".
  std::optional<PortRange> ports(const YAML::Node& n, SourceSpan fb) {
    auto s = scalar(n, "ports", fb);
    if (!s) return std::nullopt;
    auto num = [](std::string_view t, int& out) {
      auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
      return ec == std::errc{} && p == t.data() + t.size() && !t.empty() && out >= 0 &&
             out <= 65535;
    };
    PortRange r;
    auto dash = s->find('-');
    bool ok = dash == std::string::npos
                  ? num(*s, r.from) && (r.to = r.from, true)
                  : num(std::string_view(*s).substr(0, dash), r.from) &&
                        num(std::string_view(*s).substr(dash + 1), r.to) && r.from <= r.to;
    if (!ok) {
      d_.error(span(n, fb), "ports '" + *s +
                                "' is not a port or a range; write 443 or "
                                "1024-65535 (0-65535, the first not above the second)");
      return std::nullopt;
    }
    return r;
  }

  // `protocol` and `ports`, which security-group and NACL rules share. True if `k` was one.
  template <typename Rule>
  bool protocol_or_ports(const std::string& k, const YAML::Node& x, SourceSpan ks, Rule& rule,
                         bool& has_proto) {
    if (k == "protocol") {
      rule.protocol_span = span(x, ks);
      has_proto = true;
      if (auto p = protocol(x, ks)) rule.protocol = *p;
      return true;
    }
    if (k == "ports") {
      rule.ports_span = span(x, ks);
      rule.ports = ports(x, ks);
      return true;
    }
    return false;
  }

  // CIDR, sg/<name>, vpc/<vpc>/sg/<name> or pl/<name>.
  std::optional<Peer> peer(const YAML::Node& n, const std::string& what, SourceSpan fb,
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
        d_.error(span(n, fb), what + " '" + *s +
                                  "' is not a group of another VPC; write "
                                  "vpc/<vpc>/sg/<group>");
        return std::nullopt;
      }
      p.kind = Peer::Kind::kGroup, p.vpc = rest.substr(0, slash), p.name = rest.substr(slash + 4);
    } else {
      auto c = Cidr::parse(*s);
      if (!c) {
        d_.error(span(n, fb), what + " '" + *s +
                                  "' is not a CIDR block, sg/<group> or "
                                  "pl/<prefix-list>");
        return std::nullopt;
      }
      if (c->has_host_bits())
        d_.warning(span(n, fb),
                   what + " '" + *s + "' has host bits set; using " + c->canonical().str());
      p.cidr = c->canonical();
    }
    return p;
  }

  // An `ingress` or `egress` list: each rule parsed by `one`.
  template <typename Rule, typename Fn>
  std::vector<Rule> rule_list(const YAML::Node& v, SourceSpan ks, bool ingress, Fn one) {
    std::vector<Rule> out;
    each_item(
        v, ks, std::string(ingress ? "ingress" : "egress") + " must be a list of rules",
        [&](const YAML::Node& r) { out.push_back(one(r, ingress ? "source" : "destination")); });
    return out;
  }

  std::vector<SgRule> group_rules(const YAML::Node& v, SourceSpan ks, bool ingress,
                                  const std::string& own_vpc) {
    return rule_list<SgRule>(v, ks, ingress, [&](const YAML::Node& r, const std::string& peer_key) {
      SgRule rule;
      rule.span = span(r, ks);
      bool has_proto = false, has_peer = false;
      each_key(r, "security group rule", {"protocol", "ports", peer_key, "description"},
               [&](const std::string& k, SourceSpan rks, const YAML::Node& x) {
                 if (protocol_or_ports(k, x, rks, rule, has_proto)) return;
                 if (k == peer_key) {
                   rule.peer_span = span(x, rks);
                   has_peer = true;
                   if (auto p = peer(x, k, rks, own_vpc))
                     rule.peer = *p;
                   else
                     has_peer = false, rule.peer.cidr.reset();
                 }
               });
      if (mapping_or_empty(r)) {
        if (!has_proto) d_.error(rule.span, "security group rule has no 'protocol'");
        if (!has_peer && !r[peer_key])
          d_.error(rule.span, "security group rule has no '" + peer_key + "'");
      }
      return rule;
    });
  }

  void parse_group(SecurityGroup& g, const YAML::Node& node, const std::string& own_vpc) {
    each_key(node, "security group '" + g.name + "'", {"ingress", "egress", "description"},
             [&](const std::string& k, SourceSpan ks, const YAML::Node& v) {
               if (k == "ingress")
                 g.ingress = group_rules(v, ks, true, own_vpc);
               else if (k == "egress")
                 g.egress = group_rules(v, ks, false, own_vpc);
             });
  }

  std::vector<NaclRule> acl_rules(const YAML::Node& v, SourceSpan ks, bool ingress) {
    return rule_list<NaclRule>(
        v, ks, ingress, [&](const YAML::Node& r, const std::string& peer_key) {
          NaclRule rule;
          rule.span = span(r, ks);
          bool has_action = false, has_proto = false;
          each_key(r, "network ACL rule",
                   {"rule", "protocol", "ports", peer_key, "action", "description"},
                   [&](const std::string& k, SourceSpan rks, const YAML::Node& x) {
                     if (protocol_or_ports(k, x, rks, rule, has_proto)) return;
                     if (k == "rule") {
                       rule.number_span = span(x, rks);
                       if (auto n = number(x, "rule", rks, INT32_MIN, INT32_MAX)) rule.number = *n;
                     } else if (k == peer_key) {
                       rule.cidr_span = span(x, rks);
                       auto s = scalar(x, k, rks);
                       if (s && (s->rfind("sg/", 0) == 0 || s->rfind("pl/", 0) == 0)) {
                         d_.error(rule.cidr_span,
                                  "network ACL rules match CIDR blocks only, not '" + *s +
                                      "' (security groups can reference those)");
                       } else if (s) {
                         rule.cidr = cidr(x, k, rks);
                       }
                     } else if (k == "action") {
                       has_action = true;
                       auto s = scalar(x, "action", rks);
                       if (s && *s == "allow")
                         rule.allow = true;
                       else if (s && *s == "deny")
                         rule.allow = false;
                       else if (s)
                         d_.error(span(x, rks), "action must be allow or deny, found '" + *s + "'");
                     }
                   });
          if (mapping_or_empty(r)) {
            if (!r["rule"]) d_.error(rule.span, "network ACL rule has no 'rule' number");
            if (!has_proto) d_.error(rule.span, "network ACL rule has no 'protocol'");
            if (!r[peer_key]) d_.error(rule.span, "network ACL rule has no '" + peer_key + "'");
            if (!has_action)
              d_.error(rule.span, "network ACL rule has no 'action' (allow or deny)");
          }
          return rule;
        });
  }

  void parse_acl(NetworkAcl& acl, const YAML::Node& node) {
    each_key(node, "network ACL '" + acl.name + "'", {"ingress", "egress", "description"},
             [&](const std::string& k, SourceSpan ks, const YAML::Node& v) {
               if (k == "ingress")
                 acl.ingress = acl_rules(v, ks, true);
               else if (k == "egress")
                 acl.egress = acl_rules(v, ks, false);
             });
  }

  // A list of names ([a, b]); spans per item.
  void names(const YAML::Node& v, SourceSpan ks, const std::string& what,
             std::vector<std::string>& out, std::vector<SourceSpan>& spans) {
    if (!v.IsSequence()) {
      d_.error(span(v, ks), what + " must be a list of names, found " + std::string(kind(v)));
      return;
    }
    for (const auto& x : v) {
      if (auto n = scalar(x, what, ks)) out.push_back(*n), spans.push_back(span(x, ks));
    }
  }

  void parse_endpoint(Endpoint& ep, const YAML::Node& node) {
    each_key(node, "endpoint '" + ep.name + "'",
             {"type", "service", "route_tables", "subnets", "security_groups", "private_dns"},
             [&](const std::string& k, SourceSpan ks, const YAML::Node& v) {
               if (k == "type") {
                 ep.type_span = span(v, ks);
                 if (auto t = scalar(v, "type", ks)) {
                   if (*t == "gateway" || *t == "interface")
                     ep.type = *t;
                   else
                     d_.error(ep.type_span,
                              "endpoint type must be gateway or interface, found '" + *t + "'");
                 }
               } else if (k == "service") {
                 ep.service_span = span(v, ks);
                 if (auto t = scalar(v, "service", ks)) ep.service = *t;
               } else if (k == "route_tables") {
                 names(v, ks, "route_tables", ep.route_tables, ep.route_table_spans);
               } else if (k == "subnets") {
                 names(v, ks, "subnets", ep.subnets, ep.subnet_spans);
               } else if (k == "security_groups") {
                 names(v, ks, "security_groups", ep.security_groups, ep.security_group_spans);
               } else if (k == "private_dns") {
                 ep.private_dns_span = span(v, ks);
                 if (auto b = boolean(v, "private_dns", ks)) ep.private_dns = *b;
               }
             });
    if (mapping_or_empty(node)) {
      if (!node["type"])
        d_.error(ep.span, "endpoint '" + ep.name + "' has no 'type' (gateway or interface)");
      if (!node["service"]) d_.error(ep.span, "endpoint '" + ep.name + "' has no 'service'");
    }
  }

  void parse_client_vpns(Scenario& sc, const YAML::Node& v) {
    each_named(
        v, "client_vpn_endpoints", [&](const std::string& n, SourceSpan nks, const YAML::Node& ev) {
          ClientVpnEndpoint e;
          e.name = n;
          e.span = nks;
          each_key(
              ev, "client VPN endpoint '" + n + "'",
              {"vpc", "subnets", "client_cidr", "transport", "authorization", "clients"},
              [&](const std::string& k, SourceSpan ks, const YAML::Node& x) {
                if (k == "vpc") {
                  e.vpc_span = span(x, ks);
                  if (auto t = scalar(x, "vpc", ks)) e.vpc = *t;
                } else if (k == "subnets") {
                  names(x, ks, "subnets", e.subnets, e.subnet_spans);
                } else if (k == "client_cidr") {
                  e.client_cidr_span = span(x, ks);
                  e.client_cidr = cidr(x, "client_cidr", ks);
                } else if (k == "transport") {
                  e.transport_span = span(x, ks);
                  if (auto t = scalar(x, "transport", ks)) e.transport = *t;
                } else if (k == "authorization") {
                  if (!x.IsSequence()) {
                    d_.error(span(x, ks), "authorization must be a list of { destination: CIDR }");
                    return;
                  }
                  for (const auto& r : x) {
                    each_key(r, "authorization rule", {"destination", "description"},
                             [&](const std::string& rk, SourceSpan rks, const YAML::Node& rv) {
                               if (rk != "destination") return;
                               if (auto c = cidr(rv, "destination", rks)) {
                                 e.authorization.push_back(*c);
                                 e.authorization_spans.push_back(span(rv, rks));
                               }
                             });
                  }
                } else if (k == "clients") {
                  each_named(x, "clients",
                             [&](const std::string& cn, SourceSpan cks, const YAML::Node& cv) {
                               each_key(cv, "client '" + cn + "'", {"description"},
                                        [](const std::string&, SourceSpan, const YAML::Node&) {});
                               e.clients.emplace(cn, cks);
                             });
                }
              });
          if (mapping_or_empty(ev)) {
            for (const char* key : {"vpc", "subnets", "client_cidr"})
              if (!ev[key]) d_.error(nks, "client VPN endpoint '" + n + "' has no '" + key + "'");
          }
          sc.client_vpn_endpoints.emplace(n, std::move(e));
        });
  }

  // AWS's port speeds (dedicated 1/10/100 Gbps; hosted from 50 Mbps).
  std::optional<uint64_t> bandwidth(const YAML::Node& x, SourceSpan fallback) {
    static const std::vector<std::pair<std::string, uint64_t>> kSpeeds = {
        {"50Mbps", 50000000},    {"100Mbps", 100000000},  {"200Mbps", 200000000},
        {"300Mbps", 300000000},  {"400Mbps", 400000000},  {"500Mbps", 500000000},
        {"1Gbps", 1000000000},   {"2Gbps", 2000000000},   {"5Gbps", 5000000000},
        {"10Gbps", 10000000000}, {"25Gbps", 25000000000}, {"100Gbps", 100000000000}};
    auto s = scalar(x, "bandwidth", fallback);
    if (!s) return std::nullopt;
    std::string list;
    for (const auto& [name, bps] : kSpeeds) {
      if (*s == name) return bps;
      list += (list.empty() ? "" : ", ") + name;
    }
    d_.error(span(x, fallback),
             "bandwidth '" + *s + "' is not a Direct Connect port speed; use one of " + list);
    return std::nullopt;
  }

  void parse_direct_connects(Scenario& sc, const YAML::Node& v) {
    each_named(
        v, "direct_connects", [&](const std::string& n, SourceSpan nks, const YAML::Node& dv) {
          DirectConnect dx;
          dx.name = n;
          dx.span = nks;
          each_key(dv, "Direct Connect '" + n + "'", {"onprem", "gateway", "bandwidth"},
                   [&](const std::string& k, SourceSpan ks, const YAML::Node& x) {
                     if (k == "bandwidth") {
                       dx.bandwidth_span = span(x, ks);
                       if (auto b = bandwidth(x, ks)) dx.bandwidth_bps = *b;
                       return;
                     }
                     auto val = scalar(x, k, ks);
                     if (!val) return;
                     if (k == "onprem")
                       dx.onprem = *val, dx.onprem_span = span(x, ks);
                     else
                       dx.vpc = *val, dx.vpc_span = span(x, ks);
                   });
          if (mapping_or_empty(dv)) {
            if (!dv["onprem"])
              d_.error(nks, "Direct Connect '" + n + "' needs 'onprem: <on-premises network>'");
            if (!dv["gateway"])
              d_.error(nks, "Direct Connect '" + n +
                                "' needs 'gateway: <vpc>' (its virtual private gateway)");
          }
          sc.direct_connects.emplace(n, std::move(dx));
        });
  }

  void parse_transit_gateways(Scenario& sc, const YAML::Node& v) {
    each_named(
        v, "transit_gateways", [&](const std::string& n, SourceSpan nks, const YAML::Node& tv) {
          TransitGateway tgw;
          tgw.name = n;
          tgw.span = nks;
          each_key(
              tv, "transit gateway '" + n + "'", {"attachments", "route_tables"},
              [&](const std::string& k, SourceSpan, const YAML::Node& x) {
                if (k == "attachments") {
                  each_named(
                      x, "attachments",
                      [&](const std::string& an, SourceSpan aks, const YAML::Node& av) {
                        TgwAttachment a;
                        a.name = an;
                        a.span = aks;
                        each_key(av, "attachment '" + an + "'",
                                 {"vpc", "subnets", "vpn", "peering"},
                                 [&](const std::string& ak, SourceSpan kks, const YAML::Node& y) {
                                   if (ak == "subnets") {
                                     names(y, kks, "subnets", a.subnets, a.subnet_spans);
                                   } else if (ak == "vpn") {
                                     if (auto s = scalar(y, "vpn", kks))
                                       a.vpn = *s, a.vpn_span = span(y, kks);
                                   } else if (ak == "peering") {
                                     if (auto s = scalar(y, "peering", kks))
                                       a.peering = *s, a.peering_span = span(y, kks);
                                   } else if (auto s = scalar(y, "vpc", kks)) {
                                     a.vpc = *s, a.vpc_span = span(y, kks);
                                   }
                                 });
                        if (mapping_or_empty(av) && !av["vpc"] && !av["vpn"] && !av["peering"])
                          d_.error(aks,
                                   "attachment '" + an +
                                       "' needs 'vpc: <vpc>' and 'subnets', 'vpn: <connection>' "
                                       "or 'peering: <transit gateway>'");
                        if (mapping_or_empty(av) &&
                            (!!av["vpc"] + !!av["vpn"] + !!av["peering"]) > 1)
                          d_.error(aks,
                                   "attachment '" + an +
                                       "' is for one VPC, one VPN or one peering, not several");
                        tgw.attachments.emplace(an, std::move(a));
                      });
                  return;
                }
                each_named(
                    x, "route_tables",
                    [&](const std::string& rn, SourceSpan rks, const YAML::Node& rv) {
                      TgwRouteTable rt;
                      rt.name = rn;
                      rt.span = rks;
                      each_key(
                          rv, "transit gateway route table '" + rn + "'",
                          {"associations", "propagations", "routes"},
                          [&](const std::string& rk, SourceSpan kks, const YAML::Node& y) {
                            if (rk == "associations") {
                              names(y, kks, "associations", rt.associations, rt.association_spans);
                            } else if (rk == "propagations") {
                              names(y, kks, "propagations", rt.propagations, rt.propagation_spans);
                            } else {
                              each_item(y, kks, "routes must be a list", [&](const YAML::Node& r) {
                                TgwRoute route;
                                route.span = span(r, kks);
                                each_key(
                                    r, "route", {"destination", "attachment", "blackhole"},
                                    [&](const std::string& k2, SourceSpan s2, const YAML::Node& z) {
                                      if (k2 == "destination") {
                                        route.destination_span = span(z, s2);
                                        route.destination = cidr(z, "destination", s2);
                                      } else if (k2 == "attachment") {
                                        route.attachment_span = span(z, s2);
                                        if (auto s = scalar(z, "attachment", s2))
                                          route.attachment = *s;
                                      } else if (auto b = boolean(z, "blackhole", s2)) {
                                        route.blackhole = *b;
                                      }
                                    });
                                if (mapping_or_empty(r)) {
                                  if (!r["destination"])
                                    d_.error(route.span, "route has no 'destination'");
                                  if (!r["attachment"] && !route.blackhole)
                                    d_.error(route.span,
                                             "a transit gateway route needs 'attachment: <name>' "
                                             "or 'blackhole: true'");
                                  if (r["attachment"] && route.blackhole)
                                    d_.error(route.span,
                                             "a transit gateway route has either an attachment or "
                                             "'blackhole: true', not both");
                                }
                                rt.routes.push_back(std::move(route));
                              });
                            }
                          });
                      tgw.route_tables.emplace(rn, std::move(rt));
                    });
              });
          sc.transit_gateways.emplace(n, std::move(tgw));
        });
  }

  void parse_vpns(Scenario& sc, const YAML::Node& v) {
    each_named(
        v, "vpn_connections", [&](const std::string& n, SourceSpan nks, const YAML::Node& cv) {
          VpnConnection c;
          c.name = n;
          c.span = nks;
          each_key(
              cv, "VPN connection '" + n + "'",
              {"vpn_gateway", "transit_gateway", "customer_gateway", "routing", "static_routes"},
              [&](const std::string& k, SourceSpan ks, const YAML::Node& x) {
                if (k == "static_routes") {
                  if (!x.IsSequence()) {
                    d_.error(span(x, ks), "static_routes must be a list of CIDR blocks");
                    return;
                  }
                  for (const auto& r : x) {
                    if (auto cr = cidr(r, "static route", ks)) {
                      c.static_routes.push_back(*cr);
                      c.static_route_spans.push_back(span(r, ks));
                    }
                  }
                  return;
                }
                auto val = scalar(x, k, ks);
                if (!val) return;
                if (k == "vpn_gateway")
                  c.vpc = *val, c.vpc_span = span(x, ks);
                else if (k == "customer_gateway")
                  c.customer_gateway = *val, c.customer_gateway_span = span(x, ks);
                else if (k == "routing")
                  c.routing = *val, c.routing_span = span(x, ks);
                else
                  c.tgw = *val, c.tgw_span = span(x, ks);
              });
          if (mapping_or_empty(cv)) {
            if (!cv["vpn_gateway"] && !cv["transit_gateway"])
              d_.error(nks, "VPN connection '" + n +
                                "' needs 'vpn_gateway: <vpc>' or 'transit_gateway: <name>'");
            if (cv["vpn_gateway"] && cv["transit_gateway"])
              d_.error(nks, "VPN connection '" + n +
                                "' ends at a VPC's gateway or at a transit gateway, not both");
            if (!cv["customer_gateway"])
              d_.error(nks,
                       "VPN connection '" + n + "' needs 'customer_gateway: <onprem network>'");
          }
          sc.vpn_connections.emplace(n, std::move(c));
        });
  }

  void parse_onprem(Scenario& sc, const YAML::Node& v) {
    each_named(v, "onprem", [&](const std::string& n, SourceSpan nks, const YAML::Node& ov) {
      Onprem o;
      o.name = n;
      o.span = nks;
      each_key(ov, "on-premises network '" + n + "'", {"cidr", "router", "hosts"},
               [&](const std::string& k, SourceSpan ks, const YAML::Node& x) {
                 if (k == "cidr") {
                   o.cidr_span = span(x, ks);
                   o.cidr = cidr(x, "cidr", ks);
                 } else if (k == "router") {
                   each_key(x, "router", {"public_ip", "asn"},
                            [&](const std::string& rk, SourceSpan rks, const YAML::Node& rv) {
                              if (rk == "public_ip") {
                                o.public_ip_span = span(rv, rks);
                                o.public_ip = address(rv, "public_ip", rks);
                              } else {
                                o.asn_span = span(rv, rks);
                                if (auto a = number(rv, "asn", rks, 1, 2147483647)) o.asn = *a;
                              }
                            });
                   if (mapping_or_empty(x) && !x["public_ip"])
                     d_.error(span(x, ks), "router has no 'public_ip'");
                 } else {
                   each_named(x, "on-premises hosts",
                              [&](const std::string& hn, SourceSpan hks, const YAML::Node& hv) {
                                OnpremHost h{hn, hks, std::nullopt, {}};
                                each_key(
                                    hv, "on-premises host '" + hn + "'", {"ip"},
                                    [&](const std::string&, SourceSpan iks, const YAML::Node& iv) {
                                      h.ip_span = span(iv, iks);
                                      h.ip = address(iv, "ip", iks);
                                    });
                                if (!hv.IsMap() || !hv["ip"])
                                  d_.error(hks, "on-premises host '" + hn + "' has no 'ip'");
                                o.hosts.emplace(hn, std::move(h));
                              });
                 }
               });
      if (mapping_or_empty(ov)) {
        if (!ov["cidr"]) d_.error(nks, "on-premises network '" + n + "' has no 'cidr'");
        if (!ov["router"]) d_.error(nks, "on-premises network '" + n + "' has no 'router'");
      }
      sc.onprem.emplace(n, std::move(o));
    });
  }

  void parse_services(Scenario& sc, const YAML::Node& v) {
    each_named(v, "services", [&](const std::string& n, SourceSpan nks, const YAML::Node& sv) {
      Service svc;
      if (auto it = sc.services.find(n); it != sc.services.end())
        svc = it->second;
      else
        svc.name = n, svc.dns_names = {n + ".us-east-1.amazonaws.com"};
      svc.span = nks;
      bool has_cidr = false;
      each_key(sv, "service '" + n + "'", {"cidr"},
               [&](const std::string&, SourceSpan cks, const YAML::Node& x) {
                 svc.cidr_span = span(x, cks);
                 if (auto c = cidr(x, "cidr", cks)) svc.cidr = *c, has_cidr = true;
               });
      if (!has_cidr && !sc.services.count(n)) d_.error(nks, "service '" + n + "' needs a 'cidr'");
      if (has_cidr && svc.cidr.size() < 16) {
        d_.error(svc.cidr_span, "a service's CIDR needs at least 16 addresses (/28 or larger)");
      }
      sc.services[n] = std::move(svc);
    });
  }

  void parse_endpoint_services(Scenario& sc, const YAML::Node& v) {
    each_named(
        v, "endpoint_services", [&](const std::string& n, SourceSpan nks, const YAML::Node& sv) {
          EndpointService es;
          es.name = n;
          es.span = nks;
          each_key(sv, "endpoint service '" + n + "'", {"vpc", "load_balancer"},
                   [&](const std::string& k, SourceSpan ks, const YAML::Node& x) {
                     if (k == "vpc") {
                       es.vpc_span = span(x, ks);
                       if (auto t = scalar(x, "vpc", ks)) es.vpc = *t;
                       return;
                     }
                     each_key(x, "load_balancer", {"subnets", "port", "targets"},
                              [&](const std::string& lk, SourceSpan lks, const YAML::Node& lv) {
                                if (lk == "subnets")
                                  names(lv, lks, "subnets", es.subnets, es.subnet_spans);
                                else if (lk == "targets")
                                  names(lv, lks, "targets", es.targets, es.target_spans);
                                else {
                                  es.port_span = span(lv, lks);
                                  if (auto p = number(lv, "port", lks, 1, 65535)) es.port = *p;
                                }
                              });
                     if (mapping_or_empty(x) && (!x["subnets"] || !x["port"] || !x["targets"])) {
                       d_.error(span(x, ks), "load_balancer needs 'subnets', 'port' and 'targets'");
                     }
                   });
          if (mapping_or_empty(sv) && (!sv["vpc"] || !sv["load_balancer"])) {
            d_.error(nks, "endpoint service '" + n + "' needs a 'vpc' and a 'load_balancer'");
          }
          sc.endpoint_services.emplace(n, std::move(es));
        });
  }

  void parse_vpc(Vpc& vpc, const YAML::Node& node) {
    const std::string what = "vpc '" + vpc.name + "'";
    each_key(
        node, what,
        {"cidr", "internet_gateway", "subnets", "route_tables", "main_route_table", "instances",
         "security_groups", "network_acls", "nat_gateways", "endpoints"},
        [&](const std::string& k, SourceSpan ks, const YAML::Node& v) {
          if (k == "cidr") {
            vpc.cidr_span = span(v, ks);
            vpc.cidr = cidr(v, "cidr", ks);
          } else if (k == "internet_gateway") {
            if (auto b = boolean(v, "internet_gateway", ks)) vpc.internet_gateway = *b;
          } else if (k == "main_route_table") {
            vpc.main_route_table_span = span(v, ks);
            if (auto s = scalar(v, "main_route_table", ks)) vpc.main_route_table = *s;
          } else if (k == "subnets") {
            each_named(v, "subnets",
                       [&](const std::string& n, SourceSpan nks, const YAML::Node& sv) {
                         Subnet s{n, nks};
                         each_key(sv, "subnet '" + n + "'", {"cidr", "route_table", "network_acl"},
                                  [&](const std::string& sk, SourceSpan sks, const YAML::Node& x) {
                                    if (sk == "cidr") {
                                      s.cidr_span = span(x, sks);
                                      s.cidr = cidr(x, "cidr", sks);
                                    } else if (sk == "route_table") {
                                      s.route_table_span = span(x, sks);
                                      if (auto r = scalar(x, "route_table", sks))
                                        s.route_table = *r;
                                    } else {
                                      s.network_acl_span = span(x, sks);
                                      if (auto r = scalar(x, "network_acl", sks))
                                        s.network_acl = *r;
                                    }
                                  });
                         if (mapping_or_empty(sv) && !sv["cidr"])
                           d_.error(nks, "subnet '" + n + "' has no 'cidr'");
                         vpc.subnets.emplace(n, std::move(s));
                       });
          } else if (k == "route_tables") {
            each_named(v, "route_tables",
                       [&](const std::string& n, SourceSpan nks, const YAML::Node& rv) {
                         RouteTable rt{n, nks, {}};
                         parse_route_table(rt, rv);
                         vpc.route_tables.emplace(n, std::move(rt));
                       });
          } else if (k == "security_groups") {
            each_named(v, "security_groups",
                       [&](const std::string& n, SourceSpan nks, const YAML::Node& gv) {
                         SecurityGroup g{n, nks, {}, std::nullopt};
                         parse_group(g, gv, vpc.name);
                         vpc.security_groups.emplace(n, std::move(g));
                       });
          } else if (k == "endpoints") {
            each_named(v, "endpoints",
                       [&](const std::string& n, SourceSpan nks, const YAML::Node& ev) {
                         Endpoint ep;
                         ep.name = n;
                         ep.span = nks;
                         parse_endpoint(ep, ev);
                         vpc.endpoints.emplace(n, std::move(ep));
                       });
          } else if (k == "nat_gateways") {
            each_named(
                v, "nat_gateways", [&](const std::string& n, SourceSpan nks, const YAML::Node& nv) {
                  NatGateway nat;
                  nat.name = n;
                  nat.span = nks;
                  each_key(nv, "NAT gateway '" + n + "'", {"subnet", "private_ip", "elastic_ip"},
                           [&](const std::string& nk, SourceSpan nkks, const YAML::Node& x) {
                             if (nk == "subnet") {
                               nat.subnet_span = span(x, nkks);
                               if (auto v2 = scalar(x, "subnet", nkks)) nat.subnet = *v2;
                             } else if (nk == "private_ip") {
                               nat.private_ip_span = span(x, nkks);
                               nat.private_ip = address(x, "private_ip", nkks);
                             } else {
                               nat.elastic_ip_span = span(x, nkks);
                               nat.elastic_ip = address(x, "elastic_ip", nkks);
                             }
                           });
                  if (mapping_or_empty(nv) && !nv["subnet"]) {
                    d_.error(nks, "NAT gateway '" + n + "' has no 'subnet' (a public subnet)");
                  }
                  vpc.nat_gateways.emplace(n, std::move(nat));
                });
          } else if (k == "network_acls") {
            each_named(v, "network_acls",
                       [&](const std::string& n, SourceSpan nks, const YAML::Node& av) {
                         NetworkAcl acl{n, nks, {}, {}};
                         parse_acl(acl, av);
                         vpc.network_acls.emplace(n, std::move(acl));
                       });
          } else if (k == "instances") {
            each_named(v, "instances",
                       [&](const std::string& n, SourceSpan nks, const YAML::Node& iv) {
                         Instance in;
                         in.name = n;
                         in.vpc = vpc.name;
                         in.span = nks;
                         parse_instance(in, iv);
                         vpc.instances.emplace(n, std::move(in));
                       });
          }
        });
    if (mapping_or_empty(node) && !node["cidr"]) d_.error(vpc.span, what + " has no 'cidr'");
  }

  void parse_expect(Scenario& sc, const YAML::Node& node, SourceSpan ks) {
    each_item(node, ks, "expect must be a list", [&](const YAML::Node& e) {
      Expect x;
      x.span = span(e, ks);
      bool has_result = false;
      each_key(e, "expect entry", {"from", "to", "protocol", "port", "result"},
               [&](const std::string& k, SourceSpan eks, const YAML::Node& v) {
                 SourceSpan vs = span(v, eks);
                 auto s = scalar(v, k, eks);
                 if (!s) return;
                 if (k == "from") {
                   x.from = *s, x.from_span = vs;
                 } else if (k == "to") {
                   x.to = *s, x.to_span = vs;
                 } else if (k == "protocol") {
                   x.protocol_span = vs;
                   if (*s == "tcp")
                     x.protocol = Protocol::kTcp;
                   else if (*s == "udp")
                     x.protocol = Protocol::kUdp;
                   else if (*s == "icmp")
                     x.protocol = Protocol::kIcmp;
                   else if (*s == "all" || *s == "-1") {
                     d_.error(vs, "expect needs one protocol to probe: tcp, udp or icmp");
                   } else {
                     d_.error(vs, "unknown protocol '" + *s + "'; use tcp, udp or icmp");
                   }
                 } else if (k == "port") {
                   x.port_span = vs;
                   x.port = number(v, "port", eks, 1, 65535);
                 } else if (k == "result") {
                   has_result = true;
                   if (*s == "allow")
                     x.allow = true;
                   else if (*s == "deny")
                     x.allow = false;
                   else
                     d_.error(vs, "result must be allow or deny, found '" + *s + "'");
                 }
               });
      if (mapping_or_empty(e)) {
        if (x.from.empty()) d_.error(x.span, "expect entry has no 'from'");
        if (x.to.empty()) d_.error(x.span, "expect entry has no 'to'");
        if (!e["protocol"]) d_.error(x.span, "expect entry has no 'protocol'");
        if (!has_result) d_.error(x.span, "expect entry has no 'result' (allow or deny)");
      }
      sc.expects.push_back(std::move(x));
    });
  }

  void parse(Scenario& sc, const YAML::Node& root) {
    if (!root.IsMap()) {
      d_.error(span(root, {1, 1}), "a scenario must be a mapping with 'name' and 'vpcs', found " +
                                       std::string(kind(root)));
      return;
    }
    sc.services = builtin_services();
    each_key(
        root, "the scenario",
        {"name", "vpcs", "internet", "peerings", "services", "endpoint_services", "onprem",
         "vpn_connections", "direct_connects", "transit_gateways", "client_vpn_endpoints",
         "expect"},
        [&](const std::string& k, SourceSpan ks, const YAML::Node& v) {
          if (k == "name") {
            sc.name_span = span(v, ks);
            auto s = scalar(v, "name", ks);
            if (!s) return;
            sc.name = *s;
            // Scenario names become part of namespace names; same rule as resources.
            if (!valid_resource_name(*s)) {
              d_.error(sc.name_span,
                       "invalid scenario name '" + *s +
                           "': use 1-32 characters of a-z, 0-9 and '-', starting with a "
                           "letter or digit");
            }
          } else if (k == "vpcs") {
            each_named(v, "vpcs", [&](const std::string& n, SourceSpan nks, const YAML::Node& vv) {
              Vpc vpc;
              vpc.name = n;
              vpc.span = nks;
              parse_vpc(vpc, vv);
              sc.vpcs.emplace(n, std::move(vpc));
            });
          } else if (k == "internet") {
            each_key(v, "internet", {"hosts"},
                     [&](const std::string&, SourceSpan hks, const YAML::Node& hv) {
                       each_named(hv, "internet hosts",
                                  [&](const std::string& n, SourceSpan nks, const YAML::Node& h) {
                                    InternetHost host{n, nks, std::nullopt, {}};
                                    each_key(h, "internet host '" + n + "'", {"ip"},
                                             [&](const std::string&, SourceSpan iks,
                                                 const YAML::Node& iv) {
                                               host.ip_span = span(iv, iks);
                                               host.ip = address(iv, "ip", iks);
                                             });
                                    if (!h.IsMap() || !h["ip"]) {
                                      d_.error(nks, "internet host '" + n + "' has no 'ip'");
                                    }
                                    sc.hosts.emplace(n, std::move(host));
                                  });
                       (void)hks;
                     });
          } else if (k == "expect") {
            parse_expect(sc, v, ks);
          } else if (k == "client_vpn_endpoints") {
            parse_client_vpns(sc, v);
          } else if (k == "vpn_connections") {
            parse_vpns(sc, v);
          } else if (k == "direct_connects") {
            parse_direct_connects(sc, v);
          } else if (k == "transit_gateways") {
            parse_transit_gateways(sc, v);
          } else if (k == "onprem") {
            parse_onprem(sc, v);
          } else if (k == "services") {
            parse_services(sc, v);
          } else if (k == "endpoint_services") {
            parse_endpoint_services(sc, v);
          } else if (k == "peerings") {
            each_named(
                v, "peerings", [&](const std::string& n, SourceSpan nks, const YAML::Node& pv) {
                  Peering p{n, nks, {}, {}, {}, {}};
                  each_key(pv, "peering '" + n + "'", {"requester", "accepter"},
                           [&](const std::string& pk, SourceSpan pks, const YAML::Node& x) {
                             auto val = scalar(x, pk, pks);
                             if (!val) return;
                             if (pk == "requester")
                               p.requester = *val, p.requester_span = span(x, pks);
                             else
                               p.accepter = *val, p.accepter_span = span(x, pks);
                           });
                  if (mapping_or_empty(pv) && (!pv["requester"] || !pv["accepter"])) {
                    d_.error(nks, "peering '" + n + "' needs a 'requester' and an 'accepter' VPC");
                  }
                  sc.peerings.emplace(n, std::move(p));
                });
          }
        });
    if (!root["name"]) d_.error({1, 1}, "the scenario has no 'name'");
  }

 private:
  Diagnostics& d_;
};

}  // namespace

bool valid_resource_name(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return ok(c) || c == '-'; });
}

ParseResult parse_scenario_text(const std::string& text, const std::string& file) {
  ParseResult r;
  r.scenario.file = file;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    r.diags.error({e.mark.line + 1, e.mark.column + 1}, "malformed YAML: " + e.msg);
    return r;
  }
  Parser(r.diags).parse(r.scenario, root);
  return r;
}

ParseResult parse_scenario_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    ParseResult r;
    r.scenario.file = path;
    r.diags.error({}, "cannot read scenario file: " + std::string(strerror(errno)));
    return r;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario_text(ss.str(), path);
}

}  // namespace vpcemu
