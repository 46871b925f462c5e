// Internet gateway: a namespace between the VPC router and the internet with stateful 1:1 NAT
// between public and private addresses, and for IPv6 a plain router (every IPv6 address is
// public: no NAT). The egress-only internet gateway: IPv6 out, replies back, nothing in.
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
  if (vpc.ipv6_cidr) gateway_ipv6(cx, vpc, rns, "igw", igw_ns, gport, "internet gateway", true);
  igw_rules(cx, vpc, igw_ns, gport);
}

// IPv6 through a gateway namespace: link-local on its two links, the VPC's /56 towards the
// VPC router, everything else to the internet router, which routes the /56 back through the
// gateway if `inbound` (the internet gateway; in a VPC with only an egress-only one, that).
void gateway_ipv6(CompileContext& cx, const Vpc& vpc, const std::string& rns,
                  const std::string& router_port, const std::string& gns, const std::string& gport,
                  const std::string& what, bool inbound) {
  const IpPrefix v6 = *vpc.ipv6_cidr;
  cx.link_local_pair(rns, router_port, gns, "vpc");
  cx.link_local_pair(cx.inet_ns, gport, gns, "inet");
  cx.plan.routes.push_back({gns, 254, v6, RouteType::kUnicast, kLinkLocalRouter, "vpc", false,
                            "vpc " + vpc.name + " (IPv6)"});
  cx.plan.routes.push_back({gns, 254, *IpPrefix::parse("::/0"), RouteType::kUnicast,
                            kLinkLocalRouter, "inet", false, "internet (IPv6)"});
  if (inbound)
    cx.plan.routes.push_back({cx.inet_ns, 254, v6, RouteType::kUnicast, kLinkLocalPeer, gport,
                              false, "IPv6 of vpc " + vpc.name + " through its " + what});
}

// The egress-only internet gateway: a namespace of its own between the VPC router's "eigw"
// port and the internet, stateful: connections from the VPC go out and their replies come
// back; nothing that starts outside gets in, whichever way it arrives.
void egress_only_internet_gateway(CompileContext& cx, const VpcRouter& r) {
  using Kind = NftObject::Kind;
  const Vpc& vpc = r.vpc;
  if (!vpc.egress_only_internet_gateway || !vpc.ipv6_cidr) return;
  const std::string gns = ns_name(cx.sc.name, "eigw", vpc.name);
  cx.add_ns(gns, "egress-only-internet-gateway", "egress-only internet gateway of vpc " + vpc.name,
            true);
  cx.plan.veths.push_back(
      {cx.end(r.ns, "eigw"), cx.end(gns, "vpc"), "vpc " + vpc.name + " ↔ egress-only gateway"});
  const std::string gport = cx.unique_ifname(cx.inet_ns, "x-", vpc.name);
  cx.plan.veths.push_back({cx.end(gns, "inet"), cx.end(cx.inet_ns, gport),
                           "egress-only gateway of " + vpc.name + " ↔ internet"});
  gateway_ipv6(cx, vpc, r.ns, "eigw", gns, gport, "egress-only internet gateway",
               !vpc.internet_gateway);
  if (vpc.internet_gateway)
    cx.reply_links[cx.inet_ns].push_back({gport, kLinkLocalPeer, *vpc.ipv6_cidr});
  NftTable t;
  t.objects.push_back({Kind::kChain,
                       "forward",
                       "type filter hook forward priority filter; policy drop;",
                       {"ct state established,related accept",
                        // A connection starts from the VPC: a TCP SYN, or the first packet of
                        // another protocol. A SYN-ACK answering a connection that came in
                        // through the internet gateway starts nothing and is dropped.
                        "iifname \"vpc\" ct state new tcp flags & (syn | ack) == syn accept",
                        "iifname \"vpc\" ct state new meta l4proto != tcp accept",
                        "counter comment \"egress-only: nothing starts from the internet\""}});
  cx.plan.nft.push_back({gns, std::move(t)});
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
    Ipv4 priv = cx.addr.private_ip.at(iname);  // a public address needs a private one
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
  std::vector<std::string> forward = {"iifname \"vpc\" ip saddr @mapped accept",
                                      "iifname \"inet\" oifname \"vpc\" ip daddr @mapped accept"};
  // IPv6 is routed as it is: the VPC's own addresses, both ways.
  if (vpc.ipv6_cidr) {
    const std::string v6 = vpc.ipv6_cidr->str();
    forward.push_back("iifname \"vpc\" ip6 saddr " + v6 + " accept");
    forward.push_back("iifname \"inet\" oifname \"vpc\" ip6 daddr " + v6 + " accept");
  }
  forward.push_back("counter comment \"no public address: the internet gateway drops it\"");
  t.objects.push_back(
      {Kind::kChain, "forward", "type filter hook forward priority filter; policy drop;", forward});
  cx.plan.nft.push_back({igw_ns, std::move(t)});
}

}  // namespace vpcemu::compiling
