// The classic AWS traps, as warnings: valid scenarios that AWS accepts and that then drop
// traffic silently. A trap that the scenario's own `expect:` says is denied (a flow from or to
// an instance it concerns, `result: deny`) is a demonstration, not a mistake, and is not said.
#include <algorithm>

#include "validate/checks.h"

namespace vpcemu::validation {

namespace {

// Whether an `expect: ... result: deny` has an end among these instances.
template <typename Pred>
bool demonstrated(const Scenario& sc, Pred concerns) {
  for (const auto& e : sc.expects) {
    if (e.allow || e.runs()) continue;
    for (const std::string* end : {&e.from, &e.to})
      if (const Instance* in = sc.find_instance(*end); in && concerns(*in)) return true;
  }
  return false;
}

// A route over a peering whose other side has no route back to this VPC (AWS rule 22).
void one_sided_peering(const Scenario& sc, const Vpc& vpc, Diagnostics& d) {
  for (const auto& [_, rt] : vpc.route_tables)
    for (const auto& r : rt.routes) {
      if (r.target.kind != RouteTarget::Kind::kPeering || !vpc.cidr) continue;
      auto p = sc.peerings.find(r.target.name);
      if (p == sc.peerings.end()) continue;
      const std::string other =
          p->second.requester == vpc.name ? p->second.accepter : p->second.requester;
      auto ov = sc.vpcs.find(other);
      if (ov == sc.vpcs.end()) continue;
      bool back = false;
      for (const auto& [__, ort] : ov->second.route_tables)
        for (const auto& o : ort.routes)
          back |= o.target.kind == RouteTarget::Kind::kPeering && o.target.name == r.target.name &&
                  o.destination && o.destination->overlaps(IpPrefix(*vpc.cidr));
      if (back || demonstrated(sc, [&](const Instance& in) {
            return in.vpc == vpc.name || in.vpc == other;
          }))
        continue;
      d.warning(r.target_span,
                "vpc '" + other + "' has no route back over peering '" + r.target.name + "' to " +
                    vpc.cidr->str() +
                    ": traffic flows only where both route tables route it, so the replies are "
                    "lost (AWS rule 22); add { destination: " +
                    vpc.cidr->str() + ", target: peering/" + r.target.name +
                    " } to a route table of '" + other + "'");
    }
}

// A subnet that routes to the internet gateway whose instances have no public address: the
// internet gateway drops their traffic (AWS rule 20).
void internet_without_public_address(const Scenario& sc, const Vpc& vpc, Diagnostics& d) {
  if (!vpc.internet_gateway) return;
  for (const auto& [sname, sub] : vpc.subnets) {
    const std::string& rtn = vpc.route_table_of(sub);
    auto rt = vpc.route_tables.find(rtn);
    if (rt == vpc.route_tables.end() || sub.ipv6_native) continue;
    const bool to_igw =
        std::any_of(rt->second.routes.begin(), rt->second.routes.end(), [](const Route& r) {
          return r.target.kind == RouteTarget::Kind::kInternetGateway && r.destination &&
                 r.destination->family() == Family::kIpv4;
        });
    const bool nat_here = std::any_of(vpc.nat_gateways.begin(), vpc.nat_gateways.end(),
                                      [&](const auto& n) { return n.second.subnet == sname; });
    std::vector<std::string> private_only;
    bool any_public = false;
    for (const auto& [iname, in] : vpc.instances) {
      // An appliance (its check off) forwards others' traffic, whose addresses are theirs.
      if (in.subnet != sname || !in.source_dest_check) continue;
      if (in.public_ip || in.elastic_ip)
        any_public = true;
      else
        private_only.push_back(iname);
    }
    if (!to_igw || nat_here || any_public || private_only.empty()) continue;
    if (demonstrated(sc,
                     [&](const Instance& in) { return in.vpc == vpc.name && in.subnet == sname; }))
      continue;
    d.warning(sub.route_table_span.known() ? sub.route_table_span : sub.span,
              "subnet '" + sname + "' routes to the internet gateway (route table '" + rtn +
                  "') but none of its instances (" + names_of(private_only) +
                  ") has a public address, so the internet gateway drops their traffic (AWS "
                  "rule 20); give them 'public_ip: true' or an elastic_ip, or route 0.0.0.0/0 "
                  "to a NAT gateway");
  }
}

// A subnet whose instances have public addresses and whose route table sends the internet to a
// NAT gateway: connections from the internet reach them through the internet gateway, but the
// replies leave through the NAT gateway with its address and are lost (AWS rules 20, 21).
void public_address_behind_nat(const Scenario& sc, const Vpc& vpc, Diagnostics& d) {
  if (!vpc.internet_gateway) return;
  for (const auto& [sname, sub] : vpc.subnets) {
    auto rt = vpc.route_tables.find(vpc.route_table_of(sub));
    if (rt == vpc.route_tables.end()) continue;
    const Route* to_nat = nullptr;
    for (const auto& r : rt->second.routes)
      if (r.target.kind == RouteTarget::Kind::kNatGateway && r.destination &&
          r.destination->family() == Family::kIpv4 && r.destination->prefix == 0)
        to_nat = &r;
    if (!to_nat) continue;
    std::vector<std::string> public_ones;
    for (const auto& [iname, in] : vpc.instances)
      if (in.subnet == sname && in.source_dest_check && (in.public_ip || in.elastic_ip))
        public_ones.push_back(iname);
    if (public_ones.empty() || demonstrated(sc, [&](const Instance& in) {
          return in.vpc == vpc.name && in.subnet == sname;
        }))
      continue;
    d.warning(to_nat->target_span,
              "subnet '" + sname + "' (route table '" + rt->first +
                  "') sends the internet to NAT gateway '" + to_nat->target.name +
                  "', but its instances " + names_of(public_ones) +
                  " have public addresses: connections from the internet reach them through the "
                  "internet gateway and their replies leave through the NAT gateway with its "
                  "address, so they are lost (AWS rules 20, 21); route 0.0.0.0/0 to "
                  "internet_gateway in this subnet's table, or move the instances to a private "
                  "subnet without public addresses");
  }
}

// The first-match verdict of a NACL direction for one IPv4 packet.
bool nacl_allows(const std::vector<NaclRule>& rules, Protocol proto, Ipv4 addr, int port) {
  std::vector<const NaclRule*> ordered;
  for (const auto& r : rules) ordered.push_back(&r);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const NaclRule* a, const NaclRule* b) { return a->number < b->number; });
  const int number = proto == Protocol::kTcp ? 6 : 17;
  for (const NaclRule* r : ordered) {
    if (!r->cidr || !r->cidr->contains(IpAddr(addr))) continue;
    const bool proto_ok = r->protocol == Protocol::kAll || r->protocol == proto ||
                          (r->protocol == Protocol::kNumber && r->protocol_number == number);
    const PortRange ports = r->ports.value_or(PortRange{});
    if (proto_ok && port >= ports.from && port <= ports.to) return r->allow;
  }
  return false;
}

// A NACL that admits a TCP or UDP service one way and not its replies the other: the
// ephemeral-port trap (AWS rule 15).
void ephemeral_port_trap(const Scenario& sc, const Vpc& vpc, Diagnostics& d) {
  for (const auto& [aname, acl] : vpc.network_acls) {
    std::vector<std::string> users;
    for (const auto& [sname, sub] : vpc.subnets)
      if (effective_acl(sub) == aname) users.push_back(sname);
    if (users.empty() || demonstrated(sc, [&](const Instance& in) {
          return in.vpc == vpc.name &&
                 std::find(users.begin(), users.end(), in.subnet) != users.end();
        }))
      continue;
    for (bool ingress : {true, false}) {
      const auto& rules = ingress ? acl.ingress : acl.egress;
      const auto& other = ingress ? acl.egress : acl.ingress;
      for (const auto& r : rules) {
        if (!r.allow || !r.ports || !r.cidr || r.cidr->family() != Family::kIpv4) continue;
        if (r.protocol != Protocol::kTcp && r.protocol != Protocol::kUdp) continue;
        if (r.ports->from <= 32768 && r.ports->to >= 60999) continue;  // itself a reply rule
        const Ipv4 peer = r.cidr->v4()->network();
        if (nacl_allows(other, r.protocol, peer, 32768) ||
            nacl_allows(other, r.protocol, peer, 60999))
          continue;
        const std::string proto = protocol_name(r.protocol);
        const std::string svc =
            proto + " " + std::to_string(r.ports->from) +
            (r.ports->to != r.ports->from ? "-" + std::to_string(r.ports->to) : "");
        d.warning(r.span,
                  "network ACL '" + aname + "' " + (ingress ? "admits " : "lets out ") + svc +
                      (ingress ? " from " : " to ") + r.cidr->str() + " (rule " +
                      std::to_string(r.number) + "), but its " + (ingress ? "egress" : "ingress") +
                      " rules do not let the replies " + (ingress ? "out to " : "in from ") +
                      r.cidr->str() +
                      " on ephemeral ports (32768-60999 from Linux, 1024-65535 from a NAT "
                      "gateway): every reply is dropped, the ephemeral-port trap (AWS rule 15); "
                      "add an " +
                      (ingress ? "egress" : "ingress") + " rule such as { rule: " +
                      std::to_string(r.number + 10) + ", protocol: " + proto +
                      ", ports: 1024-65535, " + (ingress ? "destination: " : "source: ") +
                      r.cidr->str() + ", action: allow }");
      }
    }
  }
}

}  // namespace

void lint_traps(Validation& v) {
  for (const auto& [_, vpc] : v.sc.vpcs) {
    one_sided_peering(v.sc, vpc, v.d);
    internet_without_public_address(v.sc, vpc, v.d);
    public_address_behind_nat(v.sc, vpc, v.d);
    ephemeral_port_trap(v.sc, vpc, v.d);
  }
}

}  // namespace vpcemu::validation
