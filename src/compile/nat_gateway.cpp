// NAT gateway: an ENI in a public subnet that source-NATs the VPC's connections to its private
// address (the internet gateway maps that to its Elastic IP); nothing may start from outside.
#include "compile/constructs.h"

namespace vpcemu::compiling {

// Each NAT gateway of the VPC: an ENI in its (public) subnet, masquerading to its address.
void nat_gateways(CompileContext& cx, VpcRouter& r) {
  const Vpc& vpc = r.vpc;
  for (const auto& [nname, nat] : vpc.nat_gateways) {
    const Cidr scidr = *vpc.subnets.at(nat.subnet).cidr;
    const Ipv4 ip = cx.addr.nat_private.at(nat_key(vpc.name, nname));
    std::string nns = ns_name(cx.sc.name, "nat", vpc.name + "." + nname);
    cx.add_ns(nns, "nat-gateway", "NAT gateway " + nname + " of vpc " + vpc.name, true);
    std::string port = cx.unique_ifname(r.ns, "n-", nname);
    r.nat_port[nname] = port;
    cx.eni_namespace(r.ns, nns, port, scidr, ip, "ENI of NAT gateway " + nname);
    nat_rules(cx, nns, ip, *vpc.cidr);
    cx.plan.gateways.push_back(
        {"nat-gateway", vpc.name, nname, nns, ip, cx.addr.nat_public.at(nat_key(vpc.name, nname))});
  }
}

// NAT gateway: connections from the VPC leave with its private address (the IGW maps that
// to its Elastic IP) and a port from 1024-65535, AWS's range; nothing may start from outside.
void nat_rules(CompileContext& cx, const std::string& nns, Ipv4 ip, const Cidr& vpc_cidr) {
  using Kind = NftObject::Kind;
  NftTable t;
  t.objects.push_back({Kind::kChain,
                       "postrouting",
                       "type nat hook postrouting priority srcnat; policy accept;",
                       {"ip saddr != " + ip.str() + " meta l4proto { tcp, udp } snat ip to " +
                            ip.str() + ":1024-65535 fully-random",
                        "ip saddr != " + ip.str() + " snat ip to " + ip.str()}});
  t.objects.push_back({Kind::kChain,
                       "forward",
                       "type filter hook forward priority filter; policy drop;",
                       {"ct state established,related accept",
                        "ct state new ip saddr " + vpc_cidr.str() + " accept",
                        "counter comment \"a NAT gateway accepts no connection from outside\""}});
  t.objects.push_back({Kind::kChain,
                       "input",
                       "type filter hook input priority filter; policy drop;",
                       {"ct state established,related accept",
                        "ip saddr " + vpc_cidr.str() + " icmp type echo-request accept"}});
  cx.plan.nft.push_back({nns, std::move(t)});
}

}  // namespace vpcemu::compiling
