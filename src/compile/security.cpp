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
#include "util/text.h"

namespace vpcemu {

namespace {

using Kind = NftObject::Kind;

// One interval set per group or ACL direction: protocol . address . port. libnftables reads
// every set's elements before it changes one, so fewer sets make live changes fast.
const char* kProtoAddrPort = "type inet_proto . ipv4_addr . inet_service; flags interval;";

// Per-protocol first-match regions → set elements. ICMP and other protocols have no ports:
// their elements span every port value, whatever the bytes at the port offset hold.
struct ProtoRules {
  std::vector<OrderedRule> tcp, udp, icmp, other;
};

std::vector<std::string> render(const ProtoRules& r) {
  std::vector<std::string> out;
  auto emit = [&](const std::string& proto, const std::vector<OrderedRule>& rules, bool ports) {
    for (const auto& reg : first_match(rules)) {
      if (!reg.allow) continue;  // anything not allowed falls through to the final drop
      out.push_back(proto + " . " + nft_addr_range(reg.box.addr_lo, reg.box.addr_hi) + " . " +
                    (ports ? nft_port_range(reg.box.port_lo, reg.box.port_hi) : "0-65535"));
    }
  };
  emit("tcp", r.tcp, true);
  emit("udp", r.udp, true);
  emit("icmp", r.icmp, false);
  for (const char* p : {"0", "2-5", "7-16", "18-255"}) emit(p, r.other, false);
  return out;
}

// Sorts rules into protocol spaces; `all` belongs to every space.
void add_rule(ProtoRules& r, Protocol proto, const Cidr& c, PortRange ports, bool allow) {
  Box b = box_of(c, ports.from, ports.to);
  Box any = box_of(c, 0, 0);
  bool all = proto == Protocol::kAll;
  if (all) b = box_of(c);
  if (all || proto == Protocol::kTcp) r.tcp.push_back({b, allow});
  if (all || proto == Protocol::kUdp) r.udp.push_back({b, allow});
  if (all || proto == Protocol::kIcmp) r.icmp.push_back({any, allow});
  if (all) r.other.push_back({any, allow});
}

std::optional<Cidr> prefix_list(const std::map<std::string, Service>& services,
                                const std::string& name) {
  auto it = services.find(name);
  if (it == services.end() || !it->second.gateway) return std::nullopt;
  return it->second.cidr;
}

// A set with its staging siblings (NftObject::staged).
void add_staged_set(NftTable& t, const std::string& name, std::vector<std::string> items) {
  t.objects.push_back({Kind::kSet, name, kProtoAddrPort, std::move(items), true});
  t.objects.push_back({Kind::kSet, name + "-add", kProtoAddrPort, {}});
  t.objects.push_back({Kind::kSet, name + "-del", kProtoAddrPort, {}});
}

// Own groups: members-<group>; a peered VPC's: members-<vpc>.<group> ('.' is in no name).
std::string members_set(const Peer& p, const std::string& own_vpc) {
  return p.vpc == own_vpc ? "members-" + p.name : "members-" + p.vpc + "." + p.name;
}

void add_group(NftTable& t, const std::map<std::string, Service>& services,
               const std::string& vpc_name, const std::string& name,
               const std::vector<SgRule>& rules, bool ingress) {
  const std::string base = "sg-" + name + (ingress ? "-in" : "-out");
  const std::string addr = ingress ? "ip saddr" : "ip daddr";
  // Egress that matches still has to pass the destination's ingress groups.
  const std::string verdict = ingress ? "accept" : "goto ingress-check";
  const std::string key = "meta l4proto . " + addr + " . th dport @";
  ProtoRules cidr_rules;
  std::vector<std::string> refs;
  for (const auto& r : rules) {
    PortRange ports = r.ports.value_or(PortRange{});
    if (r.peer.kind == Peer::Kind::kGroup) {
      // Member sets change with membership, so group references stay rules of their own.
      std::string rule = addr + " @" + members_set(r.peer, vpc_name);
      if (r.protocol == Protocol::kTcp || r.protocol == Protocol::kUdp) {
        rule += std::string(" meta l4proto ") + protocol_name(r.protocol) + " th dport " +
                nft_port_range(ports.from, ports.to);
      } else if (r.protocol == Protocol::kIcmp) {
        rule += " meta l4proto icmp";
      }
      refs.push_back(rule + " " + verdict);
      continue;
    }
    auto c =
        r.peer.kind == Peer::Kind::kPrefixList ? prefix_list(services, r.peer.name) : r.peer.cidr;
    if (c) add_rule(cidr_rules, r.protocol, *c, ports, true);
  }
  add_staged_set(t, base, render(cidr_rules));
  t.objects.push_back({Kind::kChain, base + "-refs", "", refs});
  // While a change is pending, withdrawn elements skip the set but not the group references.
  NftObject chain{Kind::kChain, base, "", {key + base + " " + verdict, "goto " + base + "-refs"}};
  chain.staging = {key + base + "-add " + verdict, key + base + "-del goto " + base + "-refs"};
  t.objects.push_back(std::move(chain));
}

std::vector<SgRule> all_traffic(Peer peer) {
  SgRule r;
  r.protocol = Protocol::kAll;
  r.peer = std::move(peer);
  return {r};
}

std::vector<NaclRule> default_acl_rules() {
  NaclRule r;
  r.number = 100;
  r.protocol = Protocol::kAll;
  r.cidr = Cidr{Ipv4{0}, 0};
  r.allow = true;
  return {r};
}

}  // namespace

std::vector<std::string> effective_groups(const Instance& in) {
  if (in.security_groups.empty()) return {kDefaultGroup};
  return in.security_groups;
}

std::string effective_acl(const Subnet& s) {
  return s.network_acl.empty() ? kDefaultAcl : s.network_acl;
}

std::vector<std::string> compile_acl_rules(const std::vector<NaclRule>& rules) {
  std::vector<const NaclRule*> ordered;
  for (const auto& r : rules)
    if (r.cidr) ordered.push_back(&r);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const NaclRule* a, const NaclRule* b) { return a->number < b->number; });
  ProtoRules spaces;
  for (const NaclRule* r : ordered) {
    add_rule(spaces, r->protocol, *r->cidr, r->ports.value_or(PortRange{}), r->allow);
  }
  return render(spaces);
}

void security_objects(const Vpc& vpc, const std::vector<EniPort>& enis,
                      const GroupMembers& all_members,
                      const std::map<std::string, Service>& services, NftTable& t) {
  // Groups: the user's, plus the implicit default (inbound from its members, all outbound).
  std::map<std::string, const SecurityGroup*> groups;
  for (const auto& [n, g] : vpc.security_groups) groups[n] = &g;
  SecurityGroup implicit{kDefaultGroup,
                         {},
                         all_traffic({Peer::Kind::kGroup, {}, vpc.name, kDefaultGroup}),
                         std::nullopt};
  if (!groups.count(kDefaultGroup)) groups[kDefaultGroup] = &implicit;

  std::map<std::string, std::vector<std::string>> members;
  for (const auto& [n, _] : groups) members[n];
  for (const auto& e : enis)
    for (const auto& g : e.groups) members[g].push_back(e.ip.str());
  for (auto& [n, ips] : members) {
    std::sort(ips.begin(), ips.end());
    t.objects.push_back({Kind::kSet, "members-" + n, "type ipv4_addr;", ips});
  }
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
    add_group(t, services, vpc.name, n, g->ingress, true);
    add_group(t, services, vpc.name, n,
              g->egress ? *g->egress : all_traffic({Peer::Kind::kCidr, Cidr{Ipv4{0}, 0}, "", ""}),
              false);
  }

  // Network ACLs in use, and each subnet's boundary.
  std::map<std::string, const NetworkAcl*> acls;
  for (const auto& [n, a] : vpc.network_acls) acls[n] = &a;
  NetworkAcl implicit_acl{kDefaultAcl, {}, default_acl_rules(), default_acl_rules()};
  if (!acls.count(kDefaultAcl)) acls[kDefaultAcl] = &implicit_acl;
  std::set<std::string> used;
  for (const auto& [_, s] : vpc.subnets) used.insert(effective_acl(s));
  for (const auto& name : used) {
    const NetworkAcl* acl = acls.at(name);
    for (bool ingress : {true, false}) {
      const std::string base = "nacl-" + name + (ingress ? "-in" : "-out");
      const std::string addr = ingress ? "ip saddr" : "ip daddr";
      const std::string key = "meta l4proto . " + addr + " . th dport @";
      add_staged_set(t, base, compile_acl_rules(ingress ? acl->ingress : acl->egress));
      // Every crossing packet pays for these lookups: one in the steady state.
      NftObject chain{Kind::kChain, base, "", {key + base + " return", "drop"}};
      chain.staging = {key + base + "-add return", key + base + "-del drop"};
      t.objects.push_back(std::move(chain));
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
    out_rules.push_back("drop");
    in_rules.push_back("drop");
    t.objects.push_back({Kind::kChain, "eni-" + e.port + "-out", "", out_rules});
    t.objects.push_back({Kind::kChain, "eni-" + e.port + "-in", "", in_rules});
  }
  const char* kVmap = "type ifname : verdict;";
  t.objects.push_back({Kind::kMap, "subnet-leaving", kVmap, leaving});
  t.objects.push_back({Kind::kMap, "subnet-entering", kVmap, entering});
  t.objects.push_back({Kind::kMap, "eni-egress", kVmap, egress});
  t.objects.push_back({Kind::kMap, "eni-ingress", kVmap, ingress});
  t.objects.push_back({Kind::kChain, "ingress-check", "", {"oifname vmap @eni-ingress", "accept"}});

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
  uint32_t gen = static_cast<uint32_t>((stable_hash(acl_state) & 0x3fffffff) << 2) | 0x4;
  auto hex32 = [](uint32_t v) { return "0x" + hex(v, 8); };
  t.objects.push_back({Kind::kChain,
                       "stateful",
                       "",
                       {"ct state established,related accept", "ct state invalid drop",
                        "iifname vmap @eni-egress", "goto ingress-check"}});
  t.objects.push_back(
      {Kind::kChain,
       "forward",
       "type filter hook forward priority filter; policy drop;",
       {"ct state established ct direction original ct mark and 0xfffffffd == " + hex32(gen | 1) +
            " goto stateful",
        "ct state established ct direction reply ct mark and 0xfffffffe == " + hex32(gen | 2) +
            " goto stateful",
        "iifname vmap @subnet-leaving", "oifname vmap @subnet-entering",
        "ct mark and 0xfffffffc != " + hex32(gen) + " ct mark set " + hex32(gen),
        "ct direction original ct mark set ct mark or 0x00000001",
        "ct direction reply ct mark set ct mark or 0x00000002", "goto stateful"}});
}

}  // namespace vpcemu
