// NAT gateway: an ENI in a public subnet that source-NATs the VPC's connections to its private
// address (the internet gateway maps that to its Elastic IP); nothing may start from outside.
// Routed 64:ff9b::/96, it also translates IPv6 to IPv4 (NAT64, tayga) before that.
#include "compile/constructs.h"
#include "compile/state_paths.h"

namespace vpcemu::compiling {

// Each NAT gateway of the VPC: an ENI in its (public) subnet, masquerading to its address.
void nat_gateways(CompileContext& cx, VpcRouter& r) {
  const Vpc& vpc = r.vpc;
  for (const auto& [nname, nat] : vpc.nat_gateways) {
    const Cidr scidr = *vpc.subnets.at(nat.subnet).cidr;
    const Ipv4 ip = cx.addr.nat_private.at(nat_key(vpc.name, nname));
    std::string nns = ns_name(cx.sc.name, "nat", vpc.name + "." + nname);
    cx.add_ns(nns, "nat-gateway", "NAT gateway " + nname + " of vpc " + vpc.name, true);
    // AWS: a TCP connection idle for 350 s is gone (nat_forward answers its next packet RST).
    cx.sysctl(nns, "net/netfilter/nf_conntrack_tcp_timeout_established",
              std::to_string(cx.sc.scaled(350)));
    std::string port = cx.unique_ifname(r.ns, "n-", nname);
    r.nat_port[nname] = port;
    cx.eni_namespace(r.ns, nns, port, scidr, ip, "ENI of NAT gateway " + nname, kMtuInternet);
    const bool nat64 = routed_ipv6(vpc, nname);
    if (nat64) nat64_translator(cx, r, nname, nns, port);
    nat_rules(cx, nns, ip, *vpc.cidr, nat64 ? vpc.ipv6_cidr : std::nullopt);
    cx.plan.gateways.push_back(
        {"nat-gateway", vpc.name, nname, nns, ip, cx.addr.nat_public.at(nat_key(vpc.name, nname))});
  }
}

// Whether a route table of the VPC sends IPv6 (64:ff9b::/96) to this NAT gateway.
bool routed_ipv6(const Vpc& vpc, const std::string& nat) {
  for (const auto& [_, rt] : vpc.route_tables)
    for (const auto& r : rt.routes)
      if (r.target.kind == RouteTarget::Kind::kNatGateway && r.target.name == nat &&
          r.destination && r.destination->family() == Family::kIpv6)
        return true;
  return false;
}

// NAT64: tayga on a TUN device in the NAT gateway's namespace. IPv6 to 64:ff9b::/96 enters
// through the ENI (link-local from the router), tayga gives each IPv6 source an address of
// its pool and the IPv4 destination the prefix embeds; the translated packet then leaves like
// any other, source-NATed to the gateway's private address. Replies come back the same way.
void nat64_translator(CompileContext& cx, const VpcRouter& r, const std::string& nat,
                      const std::string& nns, const std::string& port) {
  const std::string dir = state_paths::nat64_dir(r.vpc.name, nat);
  cx.link_local_pair(r.ns, port, nns, "eth0");
  cx.plan.routes.push_back({nns, 254, *r.vpc.ipv6_cidr, RouteType::kUnicast, kLinkLocalRouter,
                            "eth0", false, "vpc " + r.vpc.name + " (IPv6): NAT64 replies"});
  cx.plan.files.push_back({dir + "/tayga.conf",
                           "tun-device nat64\n"
                           "ipv4-addr " +
                               kNat64Tayga.str() +
                               "\n"
                               "ipv6-addr " +
                               kNat64TaygaIpv6.str() +
                               "\n"
                               "prefix " +
                               kNat64Prefix.str() +
                               "\n"
                               "dynamic-pool " +
                               kNat64Pool.str() +
                               "\n"
                               "data-dir " +
                               state_paths::kStatePrefix + dir + "\n"});
  ProcessPlan p{
      nns,
      "nat64-" + r.vpc.name + "-" + nat,
      {"tayga", "--nodetach", "--config", state_paths::kStatePrefix + dir + "/tayga.conf"},
      state_paths::kStatePrefix + dir,
      "",
      {},
      true};
  p.tun_address = Cidr{kNat64Host, 32};
  p.tun_routes = {kNat64Pool, kNat64Prefix};
  cx.plan.processes.push_back(p);
}

// What a NAT gateway forwards: what belongs to a connection it has, and new connections from
// any source routed to it, its VPC's or another's through a transit gateway (AWS: centralized
// egress); with NAT64 also from its IPv6 block into the translator, and out of the translator.
// Nothing from outside reaches this chain: the internet gateway maps only the gateway's own
// Elastic IP, to its own address (the input chain).
std::vector<std::string> nat_forward(const std::optional<IpPrefix>& nat64) {
  std::vector<std::string> rules = {
      "ct state established,related accept",
      // A TCP packet of a connection the gateway no longer has (idle past its timeout) is
      // answered with a reset, as AWS's NAT gateway does; only a SYN opens a connection.
      "ct state new meta nfproto ipv4 tcp flags & (syn | rst) == 0 counter reject with tcp "
      "reset",
      "ct state new meta nfproto ipv4 accept"};
  if (nat64) {
    rules.push_back("ct state new ip6 saddr " + nat64->str() + " ip6 daddr " + kNat64Prefix.str() +
                    " oifname \"nat64\" accept");
    rules.push_back("ct state new iifname \"nat64\" ip saddr " + kNat64Pool.str() + " accept");
  }
  rules.push_back("counter comment \"a NAT gateway accepts no connection from outside\"");
  return rules;
}

// NAT gateway: connections from the VPC leave with its private address (the IGW maps that
// to its Elastic IP) and a port from 1024-65535, AWS's range; nothing may start from outside.
void nat_rules(CompileContext& cx, const std::string& nns, Ipv4 ip, const Cidr& vpc_cidr,
               const std::optional<IpPrefix>& nat64_from) {
  using Kind = NftObject::Kind;
  NftTable t;
  t.objects.push_back({Kind::kChain,
                       "postrouting",
                       "type nat hook postrouting priority srcnat; policy accept;",
                       {"ip saddr != " + ip.str() + " meta l4proto { tcp, udp } snat ip to " +
                            ip.str() + ":1024-65535 fully-random",
                        "ip saddr != " + ip.str() + " snat ip to " + ip.str()}});
  t.objects.push_back({Kind::kChain, "forward",
                       "type filter hook forward priority filter; policy drop;",
                       nat_forward(nat64_from)});
  t.objects.push_back({Kind::kChain,
                       "input",
                       "type filter hook input priority filter; policy drop;",
                       {"ct state established,related accept",
                        "ip saddr " + vpc_cidr.str() + " icmp type echo-request accept"}});
  cx.plan.nft.push_back({nns, std::move(t)});
}

}  // namespace vpcemu::compiling
