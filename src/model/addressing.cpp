// Address assignment.
#include "model/addressing.h"

#include <set>

namespace vpcemu {

Addressing assign_addresses(const Scenario& sc, Diagnostics& d) {
  Addressing a;
  for (const auto& [vname, vpc] : sc.vpcs) {
    // Everything that takes an address in a subnet: instances, then NAT gateways.
    struct Taker {
      std::string what, subnet;
      std::optional<Ipv4> wanted;
      SourceSpan span;
      Ipv4* out;
      SourceSpan wanted_span;
    };
    std::vector<Taker> takers;
    for (const auto& [iname, in] : vpc.instances)
      takers.push_back({"instance '" + iname + "'", in.subnet, in.private_ip, in.span,
                        &a.private_ip[iname], in.private_ip_span});
    for (const auto& [nname, nat] : vpc.nat_gateways)
      takers.push_back({"NAT gateway '" + nname + "'", nat.subnet, nat.private_ip, nat.span,
                        &a.nat_private[nat_key(vname, nname)], nat.private_ip_span});
    for (const auto& [ename, ep] : vpc.endpoints) {
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
    for (const auto& [sname, es] : sc.endpoint_services) {
      if (es.vpc != vname) continue;
      for (const auto& sub : es.subnets)
        takers.push_back({"the load balancer of endpoint service '" + sname + "'", sub,
                          std::nullopt, es.span,
                          &a.eni_private[eni_key("nlb", vname, sname, sub)]});
    }
    // Explicit addresses first, so automatic ones never take an address somebody asked for.
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
        d.error(t.wanted_span,
                "private_ip " + t.wanted->str() + " is already taken by " + first.what,
                {{first.wanted_span, first.what + " takes it here"}});
        continue;
      }
      *t.out = *t.wanted;
      placed[i] = true;
    }
    for (size_t i = 0; i < takers.size(); ++i) {
      const auto& t = takers[i];
      if (t.wanted) continue;
      auto sit = vpc.subnets.find(t.subnet);
      if (sit == vpc.subnets.end() || !sit->second.cidr) continue;
      const Cidr& c = *sit->second.cidr;
      auto& u = used[t.subnet];
      for (uint64_t off = 4; off + 1 < c.size() && !placed[i]; ++off) {
        Ipv4 ip = c.at(off);
        if (u.count(ip.value)) continue;
        u.emplace(ip.value, i);
        *t.out = ip;
        placed[i] = true;
      }
      if (!placed[i]) {
        d.error(
            t.span,
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

  // Public addresses: elastic IPs as given, then automatic ones from the pool, skipping any
  // address taken by an elastic IP or an internet host.
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
  uint64_t next = 1;
  for (const auto& [_, vpc] : sc.vpcs) {
    for (const auto& [iname, in] : vpc.instances) {
      if (!in.public_ip || in.elastic_ip) continue;
      while (next + 1 < kPublicPool.size() && taken.count(kPublicPool.at(next).value)) ++next;
      if (next + 1 >= kPublicPool.size()) {
        d.error(in.public_span, "the public address pool " + kPublicPool.str() +
                                    " is exhausted; give instance '" + iname +
                                    "' an elastic_ip from another range");
        continue;
      }
      a.public_ip[iname] = kPublicPool.at(next++);
    }
  }
  // Client VPN endpoints and their clients have public addresses.
  auto take_public = [&](const std::string& key, SourceSpan span) {
    while (next + 1 < kPublicPool.size() && taken.count(kPublicPool.at(next).value)) ++next;
    if (next + 1 >= kPublicPool.size()) {
      d.error(span, "the public address pool " + kPublicPool.str() + " is exhausted");
      return;
    }
    a.tunnel_public[key] = kPublicPool.at(next++);
  };
  for (const auto& [ename, e] : sc.client_vpn_endpoints) {
    take_public("cvpn/" + ename, e.span);
    for (const auto& [cname, cspan] : e.clients) take_public("client/" + cname, cspan);
  }
  // Each VPN connection has two tunnels, each with an outside address of AWS's.
  for (const auto& [cname, c] : sc.vpn_connections) {
    for (int t = 1; t <= 2; ++t) {
      while (next + 1 < kPublicPool.size() && taken.count(kPublicPool.at(next).value)) ++next;
      if (next + 1 >= kPublicPool.size()) {
        d.error(c.span, "the public address pool " + kPublicPool.str() + " is exhausted");
        break;
      }
      a.tunnel_public[cname + "/" + std::to_string(t)] = kPublicPool.at(next++);
    }
  }
  uint32_t inside = 0;
  for (const auto& [cname, c] : sc.vpn_connections) {
    if (c.routing != VpnRouting::kBgp && c.tgw.empty())
      continue;  // static to a VGW: no inside addresses
    for (int t = 1; t <= 2; ++t, inside += 4)
      a.tunnel_inside[cname + "/" + std::to_string(t)] = Cidr{kTunnelInsidePool.at(inside), 30};
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
  for (const auto& [xname, _] : sc.direct_connects) {
    a.dx_link[xname] = Cidr{kTunnelInsidePool.at(inside), 30};
    inside += 4;
  }
  // NAT gateways always have an Elastic IP: AWS allocates one when none is given.
  for (const auto& [vname, vpc] : sc.vpcs) {
    for (const auto& [nname, nat] : vpc.nat_gateways) {
      if (nat.elastic_ip) continue;
      while (next + 1 < kPublicPool.size() && taken.count(kPublicPool.at(next).value)) ++next;
      if (next + 1 >= kPublicPool.size()) {
        d.error(nat.span, "the public address pool " + kPublicPool.str() +
                              " is exhausted; give NAT gateway '" + nname + "' an elastic_ip");
        continue;
      }
      a.nat_public[nat_key(vname, nname)] = kPublicPool.at(next++);
    }
  }
  return a;
}

}  // namespace vpcemu
