// Internet gateway: a namespace between the VPC router and the internet with stateful 1:1 NAT
// between public and private addresses.
#include "compile/constructs.h"

namespace vpcemu::compiling {

// The gateway's namespace, its link to the VPC router and its link to the internet router.
void internet_gateway(CompileContext& cx, const VpcRouter& r) {
  const Vpc& vpc = r.vpc;
  if (!vpc.internet_gateway) return;
  const std::string& rns = r.ns;
  const Cidr vcidr = *vpc.cidr;
  const std::string igw_ns = ns_name(cx.sc.name, "igw", vpc.name);
  cx.add_ns(igw_ns, "internet-gateway", "internet gateway of vpc " + vpc.name, true);
  cx.point_to_point(rns, "igw", kRouterIgwSide, igw_ns, "vpc", kIgwVpcSide, 32,
                    "vpc " + vpc.name + " ↔ internet gateway");
  cx.plan.routes.push_back(
      {igw_ns, 254, vcidr, RouteType::kUnicast, kRouterIgwSide, "vpc", true, "vpc " + vpc.name});

  std::string gport = cx.unique_ifname(cx.inet_ns, "g-", vpc.name);
  cx.point_to_point(igw_ns, "inet", kIgwInetSide, cx.inet_ns, gport, kInternetSide, 32,
                    "internet gateway of " + vpc.name + " ↔ internet");
  cx.plan.routes.push_back({igw_ns, 254, Cidr{Ipv4{0}, 0}, RouteType::kUnicast, kInternetSide,
                            "inet", true, "internet"});
  igw_rules(cx, vpc, igw_ns, gport);
}

// Internet gateway: stateful 1:1 NAT between public and private addresses; anything else is
// dropped, so an instance without a public address never crosses it.
void igw_rules(CompileContext& cx, const Vpc& vpc, const std::string& igw_ns,
               const std::string& gport) {
  using Kind = NftObject::Kind;
  std::vector<std::string> pub2priv, priv2pub, mapped;
  for (const auto& [iname, _] : vpc.instances) {
    auto p = cx.addr.public_ip.find(iname);
    if (p == cx.addr.public_ip.end()) continue;
    Ipv4 priv = cx.addr.private_ip.at(iname);
    pub2priv.push_back(p->second.str() + " : " + priv.str());
    priv2pub.push_back(priv.str() + " : " + p->second.str());
    mapped.push_back(priv.str());
    cx.plan.routes.push_back({cx.inet_ns, 254, Cidr{p->second, 32}, RouteType::kUnicast,
                              kIgwInetSide, gport, true,
                              "public address of " + iname + " (vpc " + vpc.name + ")"});
  }
  for (const auto& [nname, _] : vpc.nat_gateways) {
    Ipv4 priv = cx.addr.nat_private.at(nat_key(vpc.name, nname));
    Ipv4 pub = cx.addr.nat_public.at(nat_key(vpc.name, nname));
    pub2priv.push_back(pub.str() + " : " + priv.str());
    priv2pub.push_back(priv.str() + " : " + pub.str());
    mapped.push_back(priv.str());
    cx.plan.routes.push_back({cx.inet_ns, 254, Cidr{pub, 32}, RouteType::kUnicast, kIgwInetSide,
                              gport, true,
                              "Elastic IP of NAT gateway " + nname + " (vpc " + vpc.name + ")"});
  }
  NftTable t;
  t.objects.push_back({Kind::kMap, "public-to-private", "type ipv4_addr : ipv4_addr;", pub2priv});
  t.objects.push_back({Kind::kMap, "private-to-public", "type ipv4_addr : ipv4_addr;", priv2pub});
  t.objects.push_back({Kind::kSet, "mapped", "type ipv4_addr;", mapped});
  t.objects.push_back({Kind::kChain,
                       "prerouting",
                       "type nat hook prerouting priority dstnat; policy accept;",
                       {"dnat ip to ip daddr map @public-to-private"}});
  t.objects.push_back({Kind::kChain,
                       "postrouting",
                       "type nat hook postrouting priority srcnat; policy accept;",
                       {"iifname \"vpc\" snat ip to ip saddr map @private-to-public"}});
  t.objects.push_back({Kind::kChain,
                       "forward",
                       "type filter hook forward priority filter; policy drop;",
                       {"iifname \"vpc\" ip saddr @mapped accept",
                        "iifname \"inet\" oifname \"vpc\" ip daddr @mapped accept",
                        "counter comment \"no public address: the internet gateway drops it\""}});
  cx.plan.nft.push_back({igw_ns, std::move(t)});
}

}  // namespace vpcemu::compiling
