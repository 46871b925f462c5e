// On-premises networks: an office router on the emulated internet that NATs its LAN, and a
// namespace per LAN host.
#include "compile/constructs.h"
#include "compile/state_paths.h"

namespace vpcemu::compiling {

// An on-premises network: its router sits on the emulated internet with a public address and
// NATs its LAN to it, as an office router does; each LAN host is a namespace of its own.
void onprem(CompileContext& cx, const Onprem& o) {
  using Kind = NftObject::Kind;
  std::string rns = ns_name(cx.sc.name, "onprem", o.name);
  cx.add_ns(rns, "onprem-router", "router of on-premises network " + o.name, true);
  cx.internet_stub(rns, o.name, *o.public_ip, "router of on-premises network " + o.name);
  // The router's own LAN address (the network's first), the source of its tunnel routes.
  cx.plan.addrs.push_back({rns, "lo", Cidr{o.cidr->at(1), 32}});
  // An office with a jumbo Direct Connect has a LAN that carries jumbo frames too.
  bool jumbo = false;
  for (const auto& [_, dx] : cx.sc.direct_connects) jumbo |= dx.onprem == o.name && dx.jumbo;
  for (const auto& [hname, h] : o.hosts) {
    std::string ns = endpoint_ns_name(cx.sc.name, hname);
    cx.add_ns(ns, "onprem-host", "host " + hname + " of on-premises network " + o.name, false);
    cx.stub_link(rns, ns, hname, *h.ip, kOnpremGateway, "eth0", "LAN of " + o.name + ": " + hname,
                 "default route to the office router");
    if (jumbo) cx.plan.veths.back().mtu = kMtuVpc;
    cx.plan.endpoints.push_back({hname,
                                 "onprem-host",
                                 ns,
                                 "",
                                 o.name,
                                 *h.ip,
                                 std::nullopt,
                                 {},
                                 state_paths::internet_resolv_conf()});
  }
  NftTable t;
  t.objects.push_back(
      {Kind::kChain,
       "postrouting",
       "type nat hook postrouting priority srcnat; policy accept;",
       {"oifname \"eth0\" ip saddr " + o.cidr->str() + " snat ip to " + o.public_ip->str()}});
  cx.plan.nft.push_back({rns, std::move(t)});
}

}  // namespace vpcemu::compiling
