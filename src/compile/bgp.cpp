// BGP speakers (bird2): the virtual private gateway, the office router, and the VPC router's
// bird that receives propagated routes.
#include "compile/constructs.h"

namespace vpcemu::compiling {

// The BGP speakers: a virtual private gateway (AS 64512, announcing its VPC) and an office
// router (its own AS, announcing its network). Router IDs are unique among each bird's
// peers: a gateway takes an address of its first tunnel or link (its VPC-side address is
// the same in every VPC), an office router its first LAN address.
void gateway_bird(CompileContext& cx, const Vpc& vpc, Ipv4 id) {
  BirdConfig& g = cx.birds[ns_name(cx.sc.name, "vgw", vpc.name)];
  if (g.router_id.value == 0) g.router_id = id;
  g.asn = kAmazonSideAsn, g.announce = {*vpc.cidr};
  g.kernel = {{254, 0, {}, true}};
}

void office_bird(CompileContext& cx, const Onprem& o) {
  BirdConfig& b = cx.birds[ns_name(cx.sc.name, "onprem", o.name)];
  b.router_id = o.cidr->at(1), b.asn = o.asn, b.announce = {*o.cidr};
  b.kernel = {{254, 0}};
}

void birds(CompileContext& cx) {
  for (auto& [ns, b] : cx.birds) {
    // The gateway hands what it learned on to its VPC router's bird, if a route table of
    // the VPC propagates it.
    if (cx.bird_routers.count(ns))
      b.sessions.push_back({"vpc", kVgwVpcSide, kRouterVgwSide, kAmazonSideAsn,
                            BgpSession::Export::kLearned, false});
    cx.bird(ns, b, ns.substr(cx.sc.name.size() + 1));
  }
}

}  // namespace vpcemu::compiling
