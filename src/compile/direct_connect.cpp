// Direct Connect: a rate-limited veth between the office router and the virtual private gateway,
// with BGP over it preferred to VPN routes.
#include "compile/constructs.h"

namespace vpcemu::compiling {

// Direct Connect: a veth between the office router and the VPC's gateway at the port's
// speed, never the internet, never encrypted; BGP over its /30, preferred at both ends over
// VPN routes to the same prefixes (AWS rule 17).
void direct_connect(CompileContext& cx, const DirectConnect& x) {
  const Onprem& o = cx.sc.onprem.at(x.onprem);
  const Vpc& vpc = cx.sc.vpcs.at(x.vpc);
  const std::string gns = ns_name(cx.sc.name, "vgw", vpc.name);
  const std::string ons = ns_name(cx.sc.name, "onprem", o.name);
  const std::string dev = short_ifname("dx-", x.name);
  LinkEnd g = cx.end(gns, dev), c = cx.end(ons, dev);
  cx.plan.veths.push_back({g, c, "Direct Connect " + x.name + ": vpc " + vpc.name + " ↔ " + o.name,
                           x.bandwidth_bps, x.jumbo ? kMtuVpc : kMtuEthernet});
  const Cidr link = cx.addr.dx_link.at(x.name);
  cx.plan.addrs.push_back({gns, dev, Cidr{link.at(1), 30}});
  cx.plan.addrs.push_back({ons, dev, Cidr{link.at(2), 30}});
  gateway_bird(cx, vpc, link.at(1));
  office_bird(cx, o);
  cx.birds[gns].sessions.push_back({bird_name("dx-" + x.name), link.at(1), link.at(2), o.asn,
                                    BgpSession::Export::kOriginated, true,
                                    kDirectConnectPreference});
  cx.birds[ons].sessions.push_back({bird_name("dx-" + x.name), link.at(2), link.at(1),
                                    kAmazonSideAsn, BgpSession::Export::kOriginated, true,
                                    kDirectConnectPreference});
  cx.plan.gateways.push_back({"direct-connect", vpc.name, x.name, gns, link.at(1), std::nullopt});
}

}  // namespace vpcemu::compiling
