// Security groups: allow-only and unioned, so each group direction is four interval sets (tcp,
// udp with ports; icmp; all protocols) plus one rule per group reference. Evaluated only for
// new connections (established flows are accepted first: AWS rule 7, 8).
// NACLs: ordered and stateless, so each direction is the first-match decomposition of its
// rules into disjoint allowed regions; evaluated for every packet that crosses a subnet
// boundary (AWS rules 11-14).
#include "compile/security.h"

#include <algorithm>
#include <map>
#include <set>

#include "compile/intervals.h"
#include "model/flow_logs.h"
#include "util/text.h"

namespace vpcemu {

namespace {

using Kind = NftObject::Kind;

// One interval set per group or ACL direction and address family: protocol . address . port.
// libnftables reads every set's elements before it changes one, so fewer sets make live
// changes fast. A VPC without an IPv6 block has only the IPv4 ones.
const char* kProtoAddrPort = "type inet_proto . ipv4_addr . inet_service; flags interval;";
const char* kProtoAddr6Port = "type inet_proto . ipv6_addr . inet_service; flags interval;";

// What tells the two families apart in set names, types and rules.
struct FamilyWords {
  Family family;
  const char* suffix;     // "" or "6": sg-web-in, sg-web-in6
  const char* set_type;   // kProtoAddrPort or kProtoAddr6Port
  const char* match;      // "ip" or "ip6"
  const char* icmp;       // "icmp" or "ipv6-icmp"
  const char* addr_type;  // "ipv4_addr" or "ipv6_addr"
  int icmp_number;        // 1 or 58
};
const FamilyWords kV4{Family::kIpv4, "", kProtoAddrPort, "ip", "icmp", "ipv4_addr", 1};
const FamilyWords kV6{Family::kIpv6, "6", kProtoAddr6Port, "ip6", "ipv6-icmp", "ipv6_addr", 58};

// Per-protocol first-match regions → set elements. ICMP's "port" is its type and code (type
// × 256 + code, the two bytes `th sport` reads); other protocols have no ports: their elements
// span every port value, whatever the bytes at the port offset hold. A protocol a rule names
// by number has a space of its own (with the `all` rules, in order); `other` holds every
// protocol no space is for.
struct ProtoRules {
  std::vector<OrderedRule> tcp, udp, icmp, other;
  std::map<int, std::vector<OrderedRule>> numbered;
};

// Spaces for the numbered protocols of these rules, made before any rule is added, so that an
// `all` rule reaches every space in rule order.
template <typename Rule>
ProtoRules spaces_for(const std::vector<Rule>& rules) {
  ProtoRules r;
  for (const auto& x : rules)
    if (x.protocol == Protocol::kNumber) r.numbered[x.protocol_number];
  return r;
}

// The protocol numbers 0-255 except `taken`, as nft ranges ("0", "2-5", ...).
std::vector<std::string> protocols_except(const std::set<int>& taken) {
  std::vector<std::string> out;
  for (int lo = 0; lo <= 255;) {
    if (taken.count(lo)) {
      ++lo;
      continue;
    }
    int hi = lo;
    while (hi + 1 <= 255 && !taken.count(hi + 1)) ++hi;
    out.push_back(lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi));
    lo = hi + 1;
  }
  return out;
}

// An ICMP type and code (-1: any) as the range of type × 256 + code values it covers.
PortRange icmp_values(const TrafficMatch& m) {
  if (m.icmp_type < 0) return {0, 65535};
  if (m.icmp_code < 0) return {m.icmp_type * 256, m.icmp_type * 256 + 255};
  return {m.icmp_type * 256 + m.icmp_code, m.icmp_type * 256 + m.icmp_code};
}

std::vector<std::string> render(const ProtoRules& r, const FamilyWords& f) {
  std::vector<std::string> out;
  auto emit = [&](const std::string& proto, const std::vector<OrderedRule>& rules, bool ports) {
    for (const auto& reg : first_match(rules)) {
      if (!reg.allow) continue;  // anything not allowed falls through to the final drop
      out.push_back(proto + " . " + nft_addr_range(reg.box.addr_lo, reg.box.addr_hi, f.family) +
                    " . " + (ports ? nft_port_range(reg.box.port_lo, reg.box.port_hi) : "0-65535"));
    }
  };
  emit("tcp", r.tcp, true);
  emit("udp", r.udp, true);
  emit(f.icmp, r.icmp, true);
  std::set<int> taken = {6, 17, f.icmp_number};
  for (const auto& [n, rules] : r.numbered) {
    taken.insert(n);
    emit(std::to_string(n), rules, false);
  }
  for (const auto& p : protocols_except(taken)) emit(p, r.other, false);
  return out;
}

// Sorts a rule of family f into protocol spaces; `all` belongs to every space. A rule of the
// other family, or ICMP of the other family (validate refuses both mixes), takes no part.
void add_rule(ProtoRules& r, const FamilyWords& f, const TrafficMatch& m, const IpPrefix& c,
              bool allow) {
  if (c.family() != f.family) return;
  if (m.protocol == Protocol::kNumber) {
    r.numbered[m.protocol_number].push_back({box_of(c, 0, 0), allow});
    return;
  }
  const Protocol icmp = f.family == Family::kIpv4 ? Protocol::kIcmp : Protocol::kIcmpv6;
  const PortRange ports = m.ports.value_or(PortRange{});
  const bool all = m.protocol == Protocol::kAll;
  const Box b = all ? box_of(c) : box_of(c, ports.from, ports.to);
  if (all || m.protocol == Protocol::kTcp) r.tcp.push_back({b, allow});
  if (all || m.protocol == Protocol::kUdp) r.udp.push_back({b, allow});
  if (all) {
    r.icmp.push_back({box_of(c), allow});
    r.other.push_back({box_of(c, 0, 0), allow});
    for (auto& [_, space] : r.numbered) space.push_back({box_of(c, 0, 0), allow});
  } else if (m.protocol == icmp) {
    const PortRange v = icmp_values(m);
    r.icmp.push_back({box_of(c, v.from, v.to), allow});
  }
}

std::optional<IpPrefix> prefix_list(const std::map<std::string, Service>& services,
                                    const std::string& name) {
  auto it = services.find(name);
  if (it == services.end() || !it->second.gateway) return std::nullopt;
  return it->second.cidr;
}

// A set with its staging siblings (NftObject::staged).
void add_staged_set(NftTable& t, const std::string& name, std::vector<std::string> items,
                    const char* type = kProtoAddrPort) {
  t.objects.push_back({Kind::kSet, name, type, std::move(items), true});
  t.objects.push_back({Kind::kSet, name + "-add", type, {}});
  t.objects.push_back({Kind::kSet, name + "-del", type, {}});
}

// A packet's lookups in set `set`: ICMP by type and code (`th sport` reads those two bytes),
// every other protocol by destination port (where ICMP has its checksum).
std::vector<std::string> lookups(const FamilyWords& f, bool ingress, const std::string& set,
                                 const std::string& verdict) {
  const std::string key =
      std::string(" meta l4proto . ") + f.match + (ingress ? " saddr" : " daddr") + " . th ";
  const std::string icmp = std::string("meta l4proto ") + f.icmp;
  const std::string other = std::string("meta l4proto != ") + f.icmp;
  return {icmp + key + "sport @" + set + " " + verdict,
          other + key + "dport @" + set + " " + verdict};
}

// The chain that looks a family's packets up in its staged set `base`+suffix: `hit` on a
// match, else `miss`. With `to_v6`, IPv4's chain first sends IPv6 packets to `base`6.
NftObject lookup_chain(const FamilyWords& f, const std::string& base, bool ingress,
                       const std::string& hit, const std::string& miss, bool to_v6 = false) {
  const std::string name = base + f.suffix;
  NftObject chain{Kind::kChain, name, "", lookups(f, ingress, name, hit)};
  chain.items.push_back(miss);
  if (to_v6) chain.items.insert(chain.items.begin(), "meta nfproto ipv6 goto " + base + "6");
  chain.staging = lookups(f, ingress, name + "-add", hit);
  for (auto& r : lookups(f, ingress, name + "-del", miss)) chain.staging.push_back(r);
  return chain;
}

// Own groups: members-<group>; a peered VPC's: members-<vpc>.<group> ('.' is in no name).
std::string members_set(const Peer& p, const std::string& own_vpc) {
  return p.vpc == own_vpc ? "members-" + p.name : "members-" + p.vpc + "." + p.name;
}

// A group reference as a rule: the members' addresses of one family, the protocol and ports.
std::string group_ref(const SgRule& r, const FamilyWords& f, const std::string& set,
                      const std::string& addr, const std::string& verdict) {
  const PortRange ports = r.ports.value_or(PortRange{});
  std::string rule = std::string(f.match) + " " + addr + " @" + set;
  if (r.protocol == Protocol::kTcp || r.protocol == Protocol::kUdp) {
    rule += std::string(" meta l4proto ") + protocol_name(r.protocol) + " th dport " +
            nft_port_range(ports.from, ports.to);
  } else if (r.protocol == Protocol::kNumber) {
    rule += " meta l4proto " + std::to_string(r.protocol_number);
  } else if (r.protocol == Protocol::kIcmp || r.protocol == Protocol::kIcmpv6) {
    if ((r.protocol == Protocol::kIcmp) != (f.family == Family::kIpv4)) return "";
    rule += std::string(" meta l4proto ") + f.icmp;
    if (const PortRange v = icmp_values(r); v != PortRange{})
      rule += " th sport " + nft_port_range(v.from, v.to);
  }
  return rule + " " + verdict;
}

void add_group(NftTable& t, const std::map<std::string, Service>& services,
               const std::string& vpc_name, const std::string& name,
               const std::vector<SgRule>& rules, bool ingress, bool ipv6) {
  const std::string base = "sg-" + name + (ingress ? "-in" : "-out");
  const std::string addr = ingress ? "saddr" : "daddr";
  // Egress that matches still has to pass the destination's ingress groups.
  const std::string verdict = ingress ? "accept" : "goto ingress-check";
  ProtoRules v4 = spaces_for(rules), v6 = spaces_for(rules);
  std::vector<std::string> refs;
  for (const auto& r : rules) {
    if (r.peer.kind == Peer::Kind::kGroup) {
      // Member sets change with membership, so group references stay rules of their own. A
      // group of this VPC has IPv6 members too; a peered VPC's only IPv4 ones.
      refs.push_back(group_ref(r, kV4, members_set(r.peer, vpc_name), addr, verdict));
      if (ipv6 && r.peer.vpc == vpc_name)
        refs.push_back(group_ref(r, kV6, "members6-" + r.peer.name, addr, verdict));
      continue;
    }
    auto c =
        r.peer.kind == Peer::Kind::kPrefixList ? prefix_list(services, r.peer.name) : r.peer.cidr;
    if (!c) continue;
    add_rule(v4, kV4, r, *c, true);
    add_rule(v6, kV6, r, *c, true);
  }
  std::erase(refs, "");
  const std::string miss = "goto " + base + "-refs";
  add_staged_set(t, base, render(v4, kV4));
  t.objects.push_back({Kind::kChain, base + "-refs", "", refs});
  // While a change is pending, withdrawn elements skip the set but not the group references.
  t.objects.push_back(lookup_chain(kV4, base, ingress, verdict, miss, ipv6));
  if (ipv6) {
    add_staged_set(t, base + "6", render(v6, kV6), kProtoAddr6Port);
    t.objects.push_back(lookup_chain(kV6, base, ingress, verdict, miss));
  }
}

std::vector<SgRule> all_traffic(Peer peer) {
  SgRule r;
  r.protocol = Protocol::kAll;
  r.peer = std::move(peer);
  return {r};
}

// AWS's default NACL: rule 100 allows all IPv4; in a VPC with an IPv6 block rule 101 allows
// all IPv6.
std::vector<NaclRule> default_acl_rules(bool ipv6) {
  NaclRule r;
  r.number = 100;
  r.protocol = Protocol::kAll;
  r.cidr = Cidr{Ipv4{0}, 0};
  r.allow = true;
  std::vector<NaclRule> out = {r};
  if (ipv6) {
    r.number = 101;
    r.cidr = *IpPrefix::parse("::/0");
    out.push_back(r);
  }
  return out;
}

// A new group's outbound rules: all IPv4, and all IPv6 in a VPC with an IPv6 block.
std::vector<SgRule> default_egress(bool ipv6) {
  auto out = all_traffic({Peer::Kind::kCidr, Cidr{Ipv4{0}, 0}, "", ""});
  if (ipv6) out.push_back(all_traffic({Peer::Kind::kCidr, *IpPrefix::parse("::/0"), "", ""})[0]);
  return out;
}

// Whether rules allow all of protocol p (every port) to or from `any` (0.0.0.0/0 or ::/0).
bool all_open(const std::vector<SgRule>& rules, Protocol p, const IpPrefix& any) {
  for (const auto& r : rules)
    if (r.peer.kind == Peer::Kind::kCidr && r.peer.cidr == any &&
        (r.protocol == Protocol::kAll ||
         (r.protocol == p && r.ports.value_or(PortRange{}) == PortRange{})))
      return true;
  return false;
}

// AWS does not track a TCP or UDP flow of an ENI whose groups allow all of it in from
// 0.0.0.0/0 (::/0) and all of it out to the same (EC2 guide, untracked connections), unless the
// flow goes through something always tracked (NAT gateway, endpoints, transit gateway,
// egress-only gateway): only flows between instances, the internet gateway and peerings.
// Such a flow carries ct mark bit 30 (its source ENI untracked) or 31 (its destination's), and
// its every packet meets the groups of those sides again (chain `untracked`), so removing the
// rule cuts it at once, as in AWS; tracked flows pass on their conntrack state (AWS rule 8).
// The router's sets of each ENI's port and own address, per family ("ip", set name).
std::vector<std::pair<std::string, std::string>> eni_address_sets(const Vpc& vpc) {
  std::vector<std::pair<std::string, std::string>> out = {{"ip", "eni-source"}};
  if (vpc.ipv6_cidr) out.push_back({"ip6", "eni-source6"});
  return out;
}

void untracked_flows(const Vpc& vpc, const std::vector<EniPort>& enis,
                     const std::map<std::string, const SecurityGroup*>& groups,
                     const std::vector<std::string>& plain_ports, NftTable& t) {
  std::vector<std::string> untracked, plain;
  for (const auto& p : plain_ports) plain.push_back("\"" + p + "\"");
  std::vector<std::pair<const char*, IpPrefix>> families = {{"ipv4", Cidr{Ipv4{0}, 0}}};
  if (vpc.ipv6_cidr) families.push_back({"ipv6", *IpPrefix::parse("::/0")});
  const Protocol protos[] = {Protocol::kTcp, Protocol::kUdp};
  // What each group opens to anywhere, in and out, per family and protocol (f * 2 + p).
  std::map<std::string, std::vector<std::pair<bool, bool>>> open;
  for (const auto& [n, sg] : groups) {
    const std::vector<SgRule> egress =
        sg->egress ? *sg->egress : default_egress(vpc.ipv6_cidr.has_value());
    for (const auto& [_, any] : families)
      for (Protocol p : protos)
        open[n].push_back({all_open(sg->ingress, p, any), all_open(egress, p, any)});
  }
  for (const auto& e : enis) {
    if (!e.is_instance) continue;
    plain.push_back("\"" + e.port + "\"");
    for (size_t f = 0; f < families.size(); ++f)
      for (size_t p = 0; p < 2; ++p) {
        bool in = false, out = false;
        for (const auto& g : e.groups) {
          in |= open.at(g)[f * 2 + p].first;
          out |= open.at(g)[f * 2 + p].second;
        }
        if (in && out)
          untracked.push_back(std::string(families[f].first) + " . " + protocol_name(protos[p]) +
                              " . \"" + e.port + "\"");
      }
  }
  t.objects.push_back({Kind::kSet, "untracked", "type nf_proto . inet_proto . ifname;", untracked});
  t.objects.push_back({Kind::kSet, "plain-ports", "type ifname;", plain});
  // Which sides to judge again: the sending side's egress (meta mark bit 30), the receiving
  // side's ingress (bit 31); a reply travels from the destination to the source. Only where
  // the flow's own ENI sends or receives this packet (its address at its port: eni-source of
  // the router's table): a pass through a middlebox between them is not judged again.
  std::vector<std::string> rules = {
      "meta mark set meta mark and 0x3fffffff",
      "ct direction original ct mark and 0x40000000 != 0 meta mark set meta mark or 0x40000000",
      "ct direction reply ct mark and 0x80000000 != 0 meta mark set meta mark or 0x40000000",
      "ct direction original ct mark and 0x80000000 != 0 meta mark set meta mark or 0x80000000",
      "ct direction reply ct mark and 0x40000000 != 0 meta mark set meta mark or 0x80000000"};
  for (const auto& [fam, set] : eni_address_sets(vpc)) {
    rules.push_back("meta mark and 0x40000000 != 0 iifname . " + fam + " saddr != @" + set +
                    " meta mark set meta mark and 0xbfffffff");
    rules.push_back("meta mark and 0x80000000 != 0 oifname . " + fam + " daddr != @" + set +
                    " meta mark set meta mark and 0x7fffffff");
  }
  rules.push_back("meta mark and 0x40000000 != 0 iifname vmap @eni-egress");
  rules.push_back("meta mark and 0x80000000 == 0 accept");
  rules.push_back("goto ingress-check");
  t.objects.push_back({Kind::kChain, "untracked", "", rules});
}

}  // namespace

std::vector<std::string> effective_groups(const Instance& in) {
  if (in.security_groups.empty()) return {kDefaultGroup};
  return in.security_groups;
}

std::vector<std::string> compile_acl_rules(const std::vector<NaclRule>& rules, Family family) {
  const FamilyWords& f = family == Family::kIpv4 ? kV4 : kV6;
  std::vector<const NaclRule*> ordered;
  for (const auto& r : rules)
    if (r.cidr) ordered.push_back(&r);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const NaclRule* a, const NaclRule* b) { return a->number < b->number; });
  ProtoRules spaces = spaces_for(rules);
  for (const NaclRule* r : ordered) {
    add_rule(spaces, f, *r, *r->cidr, r->allow);
  }
  return render(spaces, f);
}

std::string logged_drop(const std::string& stage) {
  return "log prefix \"R:" + stage + "\" group " + std::to_string(kFlowLogGroup) + " snaplen " +
         std::to_string(kFlowLogSnaplen) + " drop";
}

void security_objects(const Vpc& vpc, const std::vector<EniPort>& enis,
                      const GroupMembers& all_members,
                      const std::map<std::string, Service>& services,
                      const std::vector<std::string>& plain_ports, NftTable& t, bool log_rejects) {
  auto drop = [&](const std::string& stage) {
    return log_rejects ? logged_drop(stage) : std::string("drop");
  };
  const bool ipv6 = vpc.ipv6_cidr.has_value();
  // Groups: the user's, plus the implicit default (inbound from its members, all outbound).
  std::map<std::string, const SecurityGroup*> groups;
  for (const auto& [n, g] : vpc.security_groups) groups[n] = &g;
  SecurityGroup implicit{kDefaultGroup,
                         {},
                         all_traffic({Peer::Kind::kGroup, {}, vpc.name, kDefaultGroup}),
                         std::nullopt};
  if (!groups.count(kDefaultGroup)) groups[kDefaultGroup] = &implicit;

  // Each group's members of one family: members-<group> (IPv4), members6-<group> (IPv6).
  auto member_sets = [&](const FamilyWords& f, auto address_of) {
    std::map<std::string, std::vector<std::string>> members;
    for (const auto& [n, _] : groups) members[n];
    for (const auto& e : enis)
      if (const auto& a = address_of(e))
        for (const auto& g : e.groups) members[g].push_back(a->str());
    for (auto& [n, ips] : members) {
      std::sort(ips.begin(), ips.end());
      t.objects.push_back({Kind::kSet, std::string("members") + f.suffix + "-" + n,
                           std::string("type ") + f.addr_type + ";", ips});
    }
  };
  member_sets(kV4, [](const EniPort& e) -> const std::optional<Ipv4>& { return e.ip; });
  if (ipv6)
    member_sets(kV6, [](const EniPort& e) -> const std::optional<IpAddr>& { return e.ip6; });
  // Groups of peered VPCs that rules here refer to.
  std::set<std::pair<std::string, std::string>> foreign;
  for (const auto& [n, g] : groups) {
    for (const auto& r : g->ingress)
      if (r.peer.kind == Peer::Kind::kGroup && r.peer.vpc != vpc.name)
        foreign.insert({r.peer.vpc, r.peer.name});
    if (g->egress)
      for (const auto& r : *g->egress)
        if (r.peer.kind == Peer::Kind::kGroup && r.peer.vpc != vpc.name)
          foreign.insert({r.peer.vpc, r.peer.name});
  }
  for (const auto& key : foreign) {
    auto it = all_members.find(key);
    std::vector<std::string> ips =
        it == all_members.end() ? std::vector<std::string>{} : it->second;
    std::sort(ips.begin(), ips.end());
    t.objects.push_back({Kind::kSet,
                         members_set({Peer::Kind::kGroup, {}, key.first, key.second}, vpc.name),
                         "type ipv4_addr;", ips});
  }
  for (const auto& [n, g] : groups) {
    add_group(t, services, vpc.name, n, g->ingress, true, ipv6);
    add_group(t, services, vpc.name, n, g->egress ? *g->egress : default_egress(ipv6), false, ipv6);
  }

  // Network ACLs in use, and each subnet's boundary.
  std::map<std::string, const NetworkAcl*> acls;
  for (const auto& [n, a] : vpc.network_acls) acls[n] = &a;
  NetworkAcl implicit_acl{kDefaultAcl, {}, default_acl_rules(ipv6), default_acl_rules(ipv6)};
  if (!acls.count(kDefaultAcl)) acls[kDefaultAcl] = &implicit_acl;
  std::set<std::string> used;
  for (const auto& [_, s] : vpc.subnets) used.insert(effective_acl(s));
  for (const auto& name : used) {
    const NetworkAcl* acl = acls.at(name);
    for (bool ingress : {true, false}) {
      const std::string base = "nacl-" + name + (ingress ? "-in" : "-out");
      const auto& rules = ingress ? acl->ingress : acl->egress;
      add_staged_set(t, base, compile_acl_rules(rules));
      // Every crossing packet pays for these lookups: one in the steady state.
      t.objects.push_back(
          lookup_chain(kV4, base, ingress, "return", drop(ingress ? "nacl-in" : "nacl-out"), ipv6));
      if (ipv6) {
        add_staged_set(t, base + "6", compile_acl_rules(rules, Family::kIpv6), kProtoAddr6Port);
        t.objects.push_back(
            lookup_chain(kV6, base, ingress, "return", drop(ingress ? "nacl-in" : "nacl-out")));
      }
    }
  }

  std::map<std::string, std::vector<std::string>> ports_of;  // subnet → ENI ports
  for (const auto& [n, _] : vpc.subnets) ports_of[n];
  for (const auto& e : enis) ports_of[e.subnet].push_back("\"" + e.port + "\"");
  for (const auto& [sname, ports] : ports_of) {
    std::string acl = effective_acl(vpc.subnets.at(sname));
    t.objects.push_back({Kind::kSet, "ports-" + sname, "type ifname;", ports});
    // Same-subnet traffic never meets the NACL (AWS rule 14).
    t.objects.push_back({Kind::kChain,
                         "leaving-" + sname,
                         "",
                         {"oifname @ports-" + sname + " return", "jump nacl-" + acl + "-out"}});
    t.objects.push_back({Kind::kChain,
                         "entering-" + sname,
                         "",
                         {"iifname @ports-" + sname + " return", "jump nacl-" + acl + "-in"}});
  }

  std::vector<std::string> leaving, entering, egress, ingress;
  for (const auto& e : enis) {
    const std::string q = "\"" + e.port + "\"";
    leaving.push_back(q + " : jump leaving-" + e.subnet);
    entering.push_back(q + " : jump entering-" + e.subnet);
    if (e.groups.empty()) continue;  // a NAT gateway: NACLs apply, security groups do not
    egress.push_back(q + " : jump eni-" + e.port + "-out");
    ingress.push_back(q + " : jump eni-" + e.port + "-in");
    std::vector<std::string> out_rules, in_rules;
    for (const auto& g : e.groups) {
      out_rules.push_back("jump sg-" + g + "-out");
      in_rules.push_back("jump sg-" + g + "-in");
    }
    out_rules.push_back(drop("sg-out"));
    in_rules.push_back(drop("sg-in"));
    t.objects.push_back({Kind::kChain, "eni-" + e.port + "-out", "", out_rules});
    t.objects.push_back({Kind::kChain, "eni-" + e.port + "-in", "", in_rules});
  }
  const char* kVmap = "type ifname : verdict;";
  t.objects.push_back({Kind::kMap, "subnet-leaving", kVmap, leaving});
  t.objects.push_back({Kind::kMap, "subnet-entering", kVmap, entering});
  t.objects.push_back({Kind::kMap, "eni-egress", kVmap, egress});
  t.objects.push_back({Kind::kMap, "eni-ingress", kVmap, ingress});
  // An untracked flow re-judged by its source side's egress alone (meta mark bit 30) has
  // passed; otherwise the destination's ingress groups decide.
  t.objects.push_back(
      {Kind::kChain,
       "ingress-check",
       "",
       {"meta mark and 0xc0000000 == 0x40000000 accept", "oifname vmap @eni-ingress", "accept"}});
  untracked_flows(vpc, enis, groups, plain_ports, t);

  // NACLs are stateless, but their verdict for one direction of one flow cannot change while
  // the NACLs do not: conntrack remembers "this direction passed" (mark bit 0: original, bit 1:
  // reply) together with a generation, the hash of every NACL of the VPC. Later packets skip
  // the lookups; any NACL change changes the generation, so the next packet of every flow is
  // judged again (a NACL change still cuts established flows, AWS rule 8).
  std::string acl_state;
  for (const auto& o : t.objects)
    if (o.name.rfind("nacl-", 0) == 0 || o.name.rfind("ports-", 0) == 0 ||
        o.name.rfind("leaving-", 0) == 0 || o.name.rfind("entering-", 0) == 0)
      for (const auto& i : o.items) acl_state += o.name + "|" + i + "\n";
  // Bits 2-29: the generation; bits 30 and 31 mark untracked flows (untracked_flows).
  uint32_t gen = static_cast<uint32_t>((stable_hash(acl_state) & 0x0fffffff) << 2) | 0x4;
  auto hex32 = [](uint32_t v) { return "0x" + hex(v, 8); };
  // An ICMP error that belongs to a flow (ct state related) is judged like a new packet: AWS's
  // groups and NACLs must allow it (path MTU discovery needs ICMP 3/4 allowed, AWS rule 34).
  std::vector<std::string> stateful = {
      "ct state established ct mark and 0xc0000000 == 0 accept",
      "ct state established goto untracked",
      // A refusal through a middlebox: conntrack forgets a flow whose only answer is a RST at
      // its first pass, so the second (from the middlebox's port, source-dest-check-off of the
      // router's table) is invalid to it.
      "ct state invalid iifname @source-dest-check-off tcp flags rst accept",
      "ct state invalid drop"};
  // A new flow is untracked on the side of an untracked ENI that starts or receives it (its
  // own address at its port, not a middlebox's pass) when the other side is a plain port.
  for (const auto& [fam, set] : eni_address_sets(vpc)) {
    stateful.push_back("ct state new meta nfproto . meta l4proto . iifname @untracked iifname . " +
                       fam + " saddr @" + set + " oifname @plain-ports ct mark set ct mark or " +
                       "0x40000000");
    stateful.push_back("ct state new meta nfproto . meta l4proto . oifname @untracked oifname . " +
                       fam + " daddr @" + set + " iifname @plain-ports ct mark set ct mark or " +
                       "0x80000000");
  }
  stateful.push_back("iifname vmap @eni-egress");
  stateful.push_back("goto ingress-check");
  t.objects.push_back({Kind::kChain, "stateful", "", stateful});
  t.objects.push_back(
      {Kind::kChain,
       "forward",
       "type filter hook forward priority filter; policy drop;",
       {"ct state established ct direction original ct mark and 0x3ffffffd == " + hex32(gen | 1) +
            " goto stateful",
        "ct state established ct direction reply ct mark and 0x3ffffffe == " + hex32(gen | 2) +
            " goto stateful",
        "iifname vmap @subnet-leaving", "oifname vmap @subnet-entering",
        // A related packet's ct mark is its flow's: it must not record a NACL verdict there.
        "ct state related goto stateful",
        "ct mark and 0x3ffffffc != " + hex32(gen) + " ct mark set ct mark and 0xc0000000 or " +
            hex32(gen),
        "ct direction original ct mark set ct mark or 0x00000001",
        "ct direction reply ct mark set ct mark or 0x00000002", "goto stateful"}});
  // The router's own ICMP errors (fragmentation needed, packet too big, time exceeded) enter
  // the subnet and reach the ENI like any packet from outside: the NACL's inbound rules and
  // the groups' ingress rules judge them.
  t.objects.push_back({Kind::kChain,
                       "router-errors",
                       "type filter hook output priority filter; policy accept;",
                       {"icmp type { destination-unreachable, time-exceeded, parameter-problem } "
                        "goto router-error",
                        "icmpv6 type { destination-unreachable, packet-too-big, time-exceeded, "
                        "parameter-problem } goto router-error"}});
  t.objects.push_back({Kind::kChain,
                       "router-error",
                       "",
                       {"oifname vmap @subnet-entering", "oifname vmap @eni-ingress"}});
}

}  // namespace vpcemu
