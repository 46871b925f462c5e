// Address assignment: private addresses in subnets, public ones from the emulated internet's
// pool, and the link-local /30s of tunnels, hub attachments and Direct Connect.
#include "model/addressing.h"

#include <set>

namespace vpcemu {

namespace {

// Something that takes an address in a subnet: an instance, a NAT gateway, an endpoint's,
// load balancer's or client VPN endpoint's ENI.
struct Taker {
  std::string what, subnet;
  std::optional<Ipv4> wanted;
  SourceSpan span;
  Ipv4* out;
  SourceSpan wanted_span;
};

std::vector<Taker> takers_of(const Scenario& sc, const Vpc& vpc, Addressing& a) {
  const std::string& vname = vpc.name;
  std::vector<Taker> takers;
  for (const auto& [iname, in] : vpc.instances)
    takers.push_back({"instance '" + iname + "'", in.subnet, in.private_ip, in.span,
                      &a.private_ip[iname], in.private_ip_span});
  for (const auto& [nname, nat] : vpc.nat_gateways)
    takers.push_back({"NAT gateway '" + nname + "'", nat.subnet, nat.private_ip, nat.span,
                      &a.nat_private[nat_key(vname, nname)], nat.private_ip_span});
  for (const auto& [ename, ep] : vpc.endpoints) {
    if (ep.type == EndpointType::kGatewayLoadBalancer && !ep.subnets.empty())
      takers.push_back({"endpoint '" + ename + "'", ep.subnets[0], std::nullopt, ep.span,
                        &a.eni_private[eni_key("gwlbe", vname, ename, ep.subnets[0])]});
    if (ep.type != EndpointType::kInterface) continue;
    for (const auto& sub : ep.subnets)
      takers.push_back({"endpoint '" + ename + "'", sub, std::nullopt, ep.span,
                        &a.eni_private[eni_key("vpce", vname, ename, sub)]});
  }
  for (const auto& [ename, e] : sc.client_vpn_endpoints) {
    if (e.vpc != vname || e.subnets.empty()) continue;
    takers.push_back({"client VPN endpoint '" + ename + "'", e.subnets[0], std::nullopt, e.span,
                      &a.eni_private[eni_key("cvpn", vname, ename, e.subnets[0])]});
  }
  for (const auto& [gname, g] : sc.gateway_load_balancers) {
    if (g.vpc != vname || g.subnets.empty()) continue;
    takers.push_back({"gateway load balancer '" + gname + "'", g.subnets[0], std::nullopt, g.span,
                      &a.eni_private[eni_key("gwlb", vname, gname, g.subnets[0])]});
  }
  for (const auto& [sname, es] : sc.endpoint_services) {
    if (es.vpc != vname) continue;
    for (const auto& sub : es.subnets)
      takers.push_back({"the load balancer of endpoint service '" + sname + "'", sub, std::nullopt,
                        es.span, &a.eni_private[eni_key("nlb", vname, sname, sub)]});
  }
  return takers;
}

// One VPC's private addresses: explicit ones first, so automatic ones never take an address
// somebody asked for; then the first free address of each subnet for the rest.
void assign_private(const Scenario& sc, const Vpc& vpc, Addressing& a, Diagnostics& d) {
  std::vector<Taker> takers = takers_of(sc, vpc, a);
  std::map<std::string, std::map<uint32_t, size_t>> used;  // subnet → address → taker
  std::vector<bool> placed(takers.size(), false);
  for (size_t i = 0; i < takers.size(); ++i) {
    const auto& t = takers[i];
    if (!t.wanted) continue;
    auto sit = vpc.subnets.find(t.subnet);
    if (sit == vpc.subnets.end() || !sit->second.cidr) continue;
    const Cidr& c = *sit->second.cidr;
    if (!c.contains(*t.wanted) || is_aws_reserved(c, *t.wanted)) continue;
    // Two ENIs asking for one address: the second is refused, citing the first.
    if (auto [it, fresh] = used[t.subnet].emplace(t.wanted->value, i); !fresh) {
      const Taker& first = takers[it->second];
      d.error(t.wanted_span, "private_ip " + t.wanted->str() + " is already taken by " + first.what,
              {{first.wanted_span, first.what + " takes it here"}});
      continue;
    }
    *t.out = *t.wanted;
    placed[i] = true;
  }
  // Every address of a subnet below its cursor is taken: each search starts where the last
  // one ended (a subnet of a thousand instances was a million lookups).
  std::map<std::string, uint64_t> cursor;
  for (size_t i = 0; i < takers.size(); ++i) {
    const auto& t = takers[i];
    if (t.wanted) continue;
    auto sit = vpc.subnets.find(t.subnet);
    if (sit == vpc.subnets.end() || !sit->second.cidr) continue;
    const Cidr& c = *sit->second.cidr;
    auto& u = used[t.subnet];
    uint64_t& off = cursor.emplace(t.subnet, 4).first->second;
    for (; off + 1 < c.size() && !placed[i]; ++off) {
      Ipv4 ip = c.at(off);
      if (u.count(ip.value)) continue;
      u.emplace(ip.value, i);
      *t.out = ip;
      placed[i] = true;
    }
    if (!placed[i]) {
      d.error(t.span,
              "subnet '" + t.subnet + "' (" + c.str() + ") has no free address left for " + t.what,
              {{sit->second.cidr_span, "a /" + std::to_string(c.prefix) + " holds " +
                                           std::to_string(c.size() - 5) +
                                           " instance addresses (5 are reserved)"}});
    }
  }
  // Only what was placed has an address.
  for (size_t i = 0; i < takers.size(); ++i) {
    if (placed[i]) continue;
    for (auto* m : {&a.private_ip, &a.nat_private, &a.eni_private})
      for (auto it = m->begin(); it != m->end(); ++it)
        if (&it->second == takers[i].out) {
          m->erase(it);
          break;
        }
  }
}

// The emulated internet's pool, handed out in order, skipping the addresses of internet hosts
// and Elastic IPs.
class PublicPool {
 public:
  explicit PublicPool(std::set<uint32_t> taken) : taken_(std::move(taken)) {}

  // The next free address, or nullopt after reporting `exhausted` at `span`.
  std::optional<Ipv4> take(Diagnostics& d, SourceSpan span, const std::string& exhausted) {
    while (next_ + 1 < kPublicPool.size() && taken_.count(kPublicPool.at(next_).value)) ++next_;
    if (next_ + 1 >= kPublicPool.size()) {
      d.error(span, "the public address pool " + kPublicPool.str() + " is exhausted" + exhausted);
      return std::nullopt;
    }
    return kPublicPool.at(next_++);
  }

 private:
  std::set<uint32_t> taken_;
  uint64_t next_ = 1;
};

// Public addresses: Elastic IPs as given, then automatic ones from the pool for instances,
// client VPN endpoints and clients, VPN tunnels' outside addresses, and NAT gateways without an
// Elastic IP (AWS allocates one), in that order.
void assign_public(const Scenario& sc, Addressing& a, Diagnostics& d) {
  std::set<uint32_t> taken;
  for (const auto& [_, h] : sc.hosts)
    if (h.ip) taken.insert(h.ip->value);
  for (const auto& [vname, vpc] : sc.vpcs) {
    for (const auto& [iname, in] : vpc.instances)
      if (in.elastic_ip) {
        taken.insert(in.elastic_ip->value);
        a.public_ip[iname] = *in.elastic_ip;
      }
    for (const auto& [nname, nat] : vpc.nat_gateways)
      if (nat.elastic_ip) {
        taken.insert(nat.elastic_ip->value);
        a.nat_public[nat_key(vname, nname)] = *nat.elastic_ip;
      }
  }
  PublicPool pool(std::move(taken));
  for (const auto& [_, vpc] : sc.vpcs)
    for (const auto& [iname, in] : vpc.instances)
      if (in.public_ip && !in.elastic_ip)
        if (auto ip = pool.take(d, in.public_span,
                                "; give instance '" + iname + "' an elastic_ip from another range"))
          a.public_ip[iname] = *ip;
  for (const auto& [ename, e] : sc.client_vpn_endpoints) {
    if (auto ip = pool.take(d, e.span, "")) a.tunnel_public["cvpn/" + ename] = *ip;
    for (const auto& [cname, cspan] : e.clients)
      if (auto ip = pool.take(d, cspan, "")) a.tunnel_public["client/" + cname] = *ip;
  }
  // Each VPN connection has two tunnels, each with an outside address of AWS's.
  for (const auto& [cname, c] : sc.vpn_connections)
    for (int t = 1; t <= 2; ++t) {
      auto ip = pool.take(d, c.span, "");
      if (!ip) break;
      a.tunnel_public[cname + "/" + std::to_string(t)] = *ip;
    }
  for (const auto& [vname, vpc] : sc.vpcs)
    for (const auto& [nname, nat] : vpc.nat_gateways)
      if (!nat.elastic_ip)
        if (auto ip = pool.take(d, nat.span, "; give NAT gateway '" + nname + "' an elastic_ip"))
          a.nat_public[nat_key(vname, nname)] = *ip;
}

// Link-local /30s: BGP tunnels' inside addresses and Direct Connect links from
// kTunnelInsidePool; hub attachments and hub peerings from 169.254.32.0/20.
void assign_links(const Scenario& sc, Addressing& a) {
  // The next /30 of the pool, past 169.254.169.0/24 (instance metadata, the resolver's second
  // address and time sync live there; AWS refuses 169.254.169.252/30 as an inside CIDR).
  uint32_t inside = 0;
  auto next_inside = [&] {
    Ipv4 at = kTunnelInsidePool.at(inside);
    if ((at.value >> 8) == 0xA9FEA9) inside += 256, at = kTunnelInsidePool.at(inside);
    inside += 4;
    return Cidr{at, 30};
  };
  for (const auto& [cname, c] : sc.vpn_connections) {
    if (c.routing != VpnRouting::kBgp && c.tgw.empty())
      continue;  // static to a VGW: no inside addresses
    for (int t = 1; t <= 2; ++t) a.tunnel_inside[cname + "/" + std::to_string(t)] = next_inside();
  }
  uint32_t tgw = 0;
  for (const auto& [tname, t] : sc.transit_gateways)
    for (const auto& [aname, _] : t.attachments)
      a.tgw_link[tname + "/" + aname] = Cidr{Ipv4{0xA9FE2000 + 4 * tgw++}, 30};
  // A peering between two hubs: one /30 under the name of the pair, the lesser name first
  // (it takes the first address).
  for (const auto& [tname, t] : sc.transit_gateways)
    for (const auto& [_, x] : t.attachments)
      if (!x.peering.empty() && tname < x.peering && !a.tgw_link.count(tname + "|" + x.peering))
        a.tgw_link[tname + "|" + x.peering] = Cidr{Ipv4{0xA9FE2000 + 4 * tgw++}, 30};
  for (const auto& [xname, _] : sc.direct_connects) a.dx_link[xname] = next_inside();
}

// IPv6 addresses of instances: those asked for, then the first free of each subnet's /64 from
// base + 4 (AWS picks at random; vpcemu picks in order, so runs agree).
void assign_ipv6(const Vpc& vpc, Addressing& a, Diagnostics& d) {
  std::set<IpAddr> used;
  for (const auto& [iname, in] : vpc.instances)
    if (in.ipv6_address) {
      if (!used.insert(*in.ipv6_address).second)
        d.error(in.ipv6_span, "ipv6_address " + in.ipv6_address->str() +
                                  " is already taken by another instance of vpc '" + vpc.name +
                                  "'");
      a.ipv6[iname] = *in.ipv6_address;
    }
  for (const auto& [iname, in] : vpc.instances) {
    if (!in.ipv6 || in.ipv6_address) continue;
    auto sit = vpc.subnets.find(in.subnet);
    if (sit == vpc.subnets.end() || !sit->second.ipv6_cidr) continue;
    for (uint64_t off = 4;; ++off) {
      IpAddr ip = sit->second.ipv6_cidr->at(off);
      if (used.insert(ip).second) {
        a.ipv6[iname] = ip;
        break;
      }
    }
  }
}

}  // namespace

void assign_ipv6_blocks(Scenario& sc) {
  // An instance of an IPv6-only subnet has an IPv6 address and nothing else.
  for (auto& [_, vpc] : sc.vpcs)
    for (auto& [_, in] : vpc.instances)
      if (auto s = vpc.subnets.find(in.subnet); s != vpc.subnets.end() && s->second.ipv6_native) {
        in.ipv6 = true;
        if (!in.ipv6_span.known()) in.ipv6_span = in.subnet_span;
      }
  std::set<IpPrefix> taken;
  for (const auto& [_, vpc] : sc.vpcs)
    if (vpc.ipv6_cidr) taken.insert(*vpc.ipv6_cidr);
  uint64_t next = 0;
  for (auto& [_, vpc] : sc.vpcs) {
    if (!vpc.ipv6_auto) continue;
    for (; next < 256; ++next) {  // the pool's 256 /56s; past them the VPC gets none
      IpPrefix p(kIpv6Pool.at(0), 56);
      p.addr.bytes[6] = static_cast<uint8_t>(next & 0xff);  // the /48's 256 /56s
      if (!taken.count(p)) {
        vpc.ipv6_cidr = p;
        taken.insert(p);
        ++next;
        break;
      }
    }
  }
  for (auto& [_, vpc] : sc.vpcs) {
    if (!vpc.ipv6_cidr) continue;
    std::set<IpPrefix> used;
    for (const auto& [_, s] : vpc.subnets)
      if (s.ipv6_cidr) used.insert(*s.ipv6_cidr);
    int k = 0;
    for (auto& [_, s] : vpc.subnets) {
      if (!s.ipv6_auto) continue;
      for (; k < 256; ++k) {
        IpPrefix p(vpc.ipv6_cidr->network(), 64);
        p.addr.bytes[7] = static_cast<uint8_t>(k);
        if (used.insert(p).second) {
          s.ipv6_cidr = p;
          break;
        }
      }
    }
  }
}

bool uses_ipv6(const Scenario& sc) {
  for (const auto& [_, vpc] : sc.vpcs)
    if (vpc.ipv6_cidr) return true;
  for (const auto& [_, h] : sc.hosts)
    if (h.ipv6) return true;
  return false;
}

Addressing assign_addresses(const Scenario& sc, Diagnostics& d) {
  Addressing a;
  for (const auto& [_, vpc] : sc.vpcs) {
    assign_private(sc, vpc, a, d);
    assign_ipv6(vpc, a, d);
  }
  assign_public(sc, a, d);
  assign_links(sc, a);
  return a;
}

}  // namespace vpcemu
