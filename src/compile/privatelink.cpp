// Endpoint services (PrivateLink): a load balancer node per provider subnet that spreads
// connections over its targets and presents its own address to them.
#include "compile/constructs.h"

namespace vpcemu::compiling {

// Endpoint service: a load balancer node per subnet of the provider VPC.
void load_balancer_nodes(CompileContext& cx, const Vpc& vpc, const std::string& rns,
                         std::vector<EndpointEni>& out) {
  for (const auto& [name, es] : cx.sc.endpoint_services) {
    if (es.vpc != vpc.name) continue;
    for (const auto& sub : es.subnets) {
      const Cidr scidr = *vpc.subnets.at(sub).cidr;
      const Ipv4 ip = cx.addr.eni_private.at(eni_key("nlb", vpc.name, name, sub));
      std::string lns = ns_name(cx.sc.name, "nlb", name + "." + sub);
      cx.add_ns(lns, "load-balancer", "load balancer of endpoint service " + name + " in " + sub,
                true);
      std::string port = cx.unique_ifname(rns, "l-", name + "-" + sub);
      cx.eni_namespace(rns, lns, port, scidr, ip, "load balancer " + name + " in " + sub, kMtuVpc);
      out.push_back({port, sub, ip});
      cx.plan.gateways.push_back({"load-balancer", vpc.name, name, lns, ip, std::nullopt});
    }
  }
}

// The load balancer spreads new connections over its targets (nft numgen) and presents its
// own address to them; consumers can only ever start connections, never receive them.
void load_balancer_rules(CompileContext& cx, const EndpointService& es) {
  using Kind = NftObject::Kind;
  const Vpc& vpc = cx.sc.vpcs.at(es.vpc);
  std::vector<std::string> targets;
  for (size_t i = 0; i < es.targets.size(); ++i)
    targets.push_back(std::to_string(i) + " : " + cx.addr.private_ip.at(es.targets[i]).str());
  std::string tmap;
  for (const auto& x : targets) tmap += (tmap.empty() ? "" : ", ") + x;
  for (const auto& sub : es.subnets) {
    std::string lns = ns_name(cx.sc.name, "nlb", es.name + "." + sub);
    const Ipv4 ip = cx.addr.eni_private.at(eni_key("nlb", vpc.name, es.name, sub));
    NftTable t;
    t.objects.push_back({Kind::kChain,
                         "prerouting",
                         "type nat hook prerouting priority dstnat; policy accept;",
                         {"iifname != \"eth0\" meta l4proto tcp th dport " +
                          std::to_string(es.port) + " dnat ip to numgen inc mod " +
                          std::to_string(es.targets.size()) + " map { " + tmap + " }"}});
    t.objects.push_back({Kind::kChain,
                         "postrouting",
                         "type nat hook postrouting priority srcnat; policy accept;",
                         {"oifname \"eth0\" snat ip to " + ip.str()}});
    t.objects.push_back({Kind::kChain,
                         "forward",
                         "type filter hook forward priority filter; policy drop;",
                         {"ct state established,related accept",
                          "iifname != \"eth0\" oifname \"eth0\" ct state new accept",
                          "counter comment \"one-way: the provider cannot reach consumers\""}});
    cx.reply_paths(lns, t);
    cx.plan.nft.push_back({lns, std::move(t)});
  }
}

}  // namespace vpcemu::compiling
