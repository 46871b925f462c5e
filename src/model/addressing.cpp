// Address assignment.
#include "model/addressing.h"

#include <set>

namespace vpcemu {

Addressing assign_addresses(const Scenario& sc, Diagnostics& d) {
  Addressing a;
  for (const auto& [vname, vpc] : sc.vpcs) {
    // Explicit addresses first, so automatic ones never take an address somebody asked for.
    std::map<std::string, std::set<uint32_t>> used;  // subnet → addresses
    for (const auto& [iname, in] : vpc.instances) {
      if (!in.private_ip) continue;
      auto sit = vpc.subnets.find(in.subnet);
      if (sit == vpc.subnets.end() || !sit->second.cidr) continue;
      const Cidr& c = *sit->second.cidr;
      if (!c.contains(*in.private_ip) || is_aws_reserved(c, *in.private_ip)) continue;
      if (!used[in.subnet].insert(in.private_ip->value).second) continue;  // validate reports
      a.private_ip[iname] = *in.private_ip;
    }
    for (const auto& [iname, in] : vpc.instances) {
      if (in.private_ip) continue;
      auto sit = vpc.subnets.find(in.subnet);
      if (sit == vpc.subnets.end() || !sit->second.cidr) continue;
      const Cidr& c = *sit->second.cidr;
      auto& u = used[in.subnet];
      bool found = false;
      for (uint64_t off = 4; off + 1 < c.size(); ++off) {
        Ipv4 ip = c.at(off);
        if (u.count(ip.value)) continue;
        u.insert(ip.value);
        a.private_ip[iname] = ip;
        found = true;
        break;
      }
      if (!found) {
        d.error(in.span, "subnet '" + in.subnet + "' (" + c.str() +
                             ") has no free address left for instance '" + iname + "'",
                {{sit->second.cidr_span, "a /" + std::to_string(c.prefix) + " holds " +
                                             std::to_string(c.size() - 5) +
                                             " instance addresses (5 are reserved)"}});
      }
    }
  }

  // Public addresses: elastic IPs as given, then automatic ones from the pool, skipping any
  // address taken by an elastic IP or an internet host.
  std::set<uint32_t> taken;
  for (const auto& [_, h] : sc.hosts)
    if (h.ip) taken.insert(h.ip->value);
  for (const auto& [_, vpc] : sc.vpcs)
    for (const auto& [iname, in] : vpc.instances)
      if (in.elastic_ip) {
        taken.insert(in.elastic_ip->value);
        a.public_ip[iname] = *in.elastic_ip;
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
  return a;
}

}  // namespace vpcemu
