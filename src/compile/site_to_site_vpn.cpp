// Site-to-site VPN: the virtual private gateway, two strongSwan tunnels per connection
// (kernel-libipsec), and route propagation into the VPC's route tables.
#include <algorithm>
#include <set>
#include <tuple>

#include "compile/constructs.h"
#include "compile/state_paths.h"
#include "daemons/strongswan.h"
#include "util/text.h"

namespace vpcemu::compiling {

// The VPC's virtual private gateway: between the VPC router and the tunnels' charons, with
// every tunnel's outside address on the emulated internet.
void vpn_gateway(CompileContext& cx, const Vpc& vpc, const std::string& rns) {
  std::vector<Ipv4> outside;
  for (const auto& [cname, c] : cx.sc.vpn_connections)
    if (c.vpc == vpc.name)
      for (int t = 1; t <= 2; ++t)
        outside.push_back(cx.addr.tunnel_public.at(cname + "/" + std::to_string(t)));
  if (!cx.sc.has_vpn_gateway(vpc.name)) return;
  std::string gns = ns_name(cx.sc.name, "vgw", vpc.name);
  cx.add_ns(gns, "vpn-gateway", "virtual private gateway of vpc " + vpc.name, true);
  // A /30, so the two birds of a BGP connection are direct neighbours.
  cx.point_to_point(rns, "vgw", kRouterVgwSide, gns, "vpc", kVgwVpcSide, 30,
                    "vpc " + vpc.name + " ↔ virtual private gateway", kMtuVpc);
  cx.plan.routes.push_back(
      {gns, 254, *vpc.cidr, RouteType::kUnicast, kRouterVgwSide, "vpc", true, "vpc " + vpc.name});
  // charon routes into the tunnel from an address of its own side: VPC base + 3, which AWS
  // reserves and no ENI ever has.
  cx.plan.addrs.push_back({gns, "lo", Cidr{vpc.cidr->at(3), 32}});
  vpn_endpoints(cx, gns, "vgw-" + vpc.name, outside, "vpc " + vpc.name);
}

// The outside addresses of an AWS-side VPN end (a virtual private gateway or a transit
// gateway) on the emulated internet, if it has tunnels.
void vpn_endpoints(CompileContext& cx, const std::string& ns, const std::string& label,
                   const std::vector<Ipv4>& outside, const std::string& of) {
  if (outside.empty()) return;  // Direct Connect only: no tunnels, no internet
  std::string port = cx.internet_stub(ns, label, outside[0], "VPN tunnel endpoints of " + of);
  for (size_t i = 1; i < outside.size(); ++i) {
    cx.plan.addrs.push_back({ns, "eth0", Cidr{outside[i], 32}});
    cx.plan.routes.push_back({cx.inet_ns, 254, Cidr{outside[i], 32}, RouteType::kUnicast,
                              outside[0], port, true, "VPN tunnel endpoint of " + of});
  }
}

// The tables of the AWS end where a static connection's routes arrive: a virtual private
// gateway's main table, or the transit gateway route tables its attachment propagates into.
std::vector<uint32_t> learning_tables(const CompileContext& cx, const VpnConnection& c) {
  if (c.tgw.empty()) return {254};
  const TransitGateway& t = cx.sc.transit_gateways.at(c.tgw);
  const std::string att = vpn_attachment(t, c.name);
  std::vector<uint32_t> out;
  for (const auto& [name, rt] : t.route_tables)
    if (std::count(rt.propagations.begin(), rt.propagations.end(), att))
      out.push_back(tgw_table(t, name));
  return out;
}

// One tunnel of a connection: a charon at each end (the AWS end answers, the customer
// gateway initiates), each with its configuration, table and policy rule; for BGP, the
// inside /30 on both charons' TUN devices and a bird session across it.
struct VpnTunnel {
  const std::string& cname;
  const VpnConnection& c;
  const Onprem& o;
  const std::string& gns;  // the AWS end: a virtual private gateway or a transit gateway
  const std::string& ons;  // the customer gateway's office
  const std::vector<Cidr>& aws_side;
  int t;  // 1 or 2
};

void vpn_tunnel(CompileContext& cx, const VpnTunnel& x, std::map<std::string, int>& next,
                std::vector<ProcessPlan>& initiators, std::vector<std::string>& learned_by) {
  const VpnConnection& c = x.c;
  const bool to_tgw = !c.tgw.empty();
  const bool bgp = c.routing == VpnRouting::kBgp;
  const std::vector<Cidr> any = {Cidr{Ipv4{0}, 0}};
  const std::string tname = x.cname + "-" + std::to_string(x.t);
  const std::string key = x.cname + "/" + std::to_string(x.t);
  int k = next[x.gns]++, j = next[x.ons]++;
  std::string psk = hex(stable_hash(cx.sc.name + "/" + tname + "/psk"), 16) +
                    hex(stable_hash(tname + "/" + cx.sc.name), 16);
  IpsecTunnel vgw{tname,
                  state_paths::kStatePrefix + state_paths::vpn_dir(tname, "vgw"),
                  cx.addr.tunnel_public.at(key),
                  *x.o.public_ip,
                  ike_port(k),
                  nat_t_port(k),
                  ike_port(j),
                  bgp ? any : x.aws_side,
                  bgp ? any : c.static_routes,
                  psk,
                  false,
                  221u + k,
                  40000u + k};
  IpsecTunnel cgw{tname,
                  state_paths::kStatePrefix + state_paths::vpn_dir(tname, "cgw"),
                  *x.o.public_ip,
                  vgw.local,
                  ike_port(j),
                  nat_t_port(j),
                  ike_port(k),
                  vgw.remote_ts,
                  vgw.local_ts,
                  psk,
                  true,
                  221u + j,
                  bgp ? 40000u + j : 0u};
  std::optional<Cidr> inside;
  if (auto in = cx.addr.tunnel_inside.find(key); in != cx.addr.tunnel_inside.end())
    inside = in->second;
  if (to_tgw) learned_by.push_back(bgp ? bird_name(tname) : bird_learn_name(vgw.table));
  if (bgp) {
    cx.birds[x.gns].sessions.push_back({bird_name(tname), inside->at(1), inside->at(2), x.o.asn});
    cx.birds[x.ons].sessions.push_back(
        {bird_name(tname), inside->at(2), inside->at(1), kAmazonSideAsn});
  }
  for (const auto& [side, ns, cfg] :
       {std::tuple{"vgw", x.gns, &vgw}, std::tuple{"cgw", x.ons, &cgw}}) {
    const std::string dir = state_paths::vpn_dir(tname, side);
    cx.plan.files.push_back({dir + "/strongswan.conf", strongswan_conf(*cfg)});
    cx.plan.files.push_back({dir + "/swanctl.conf", swanctl_conf(*cfg)});
    uint32_t prio = cfg->table_priority ? cfg->table_priority : cfg->table;
    cx.plan.rules.push_back({ns, prio, std::nullopt, std::nullopt, cfg->table, false,
                             "routes of tunnel " + tname + " (its charon's table)"});
    ProcessPlan p{ns, "ipsec-" + tname + "-" + side, {"charon-systemd"}, "/", "", {}, true};
    p.env = {"STRONGSWAN_CONF=" + std::string(state_paths::kStatePrefix) + dir +
             "/strongswan.conf"};
    if (inside) p.tun_address = Cidr{inside->at(cfg->initiator ? 2 : 1), 30};
    if (!bgp && !cfg->initiator)
      cx.birds[x.gns].learn.push_back({cfg->table, kStaticVpnPreference});
    if (to_tgw && !cfg->initiator) {
      // The VPN attachment's association: what comes out of its tunnels is looked up in
      // that route table.
      std::tie(p.tun_rule_priority, p.tun_rule_table) = tgw_association(cx, c);
    }
    // Ready once its SA is up: charon has routed the peer's side into its table (for BGP
    // 0.0.0.0/0, the sessions then converge over it). At the AWS end of a static connection,
    // also once the gateway's bird has learned the office's prefixes from that table.
    for (const auto& r : cfg->remote_ts) p.ready_routes.push_back({cfg->table, r});
    if (!bgp && !cfg->initiator)
      for (uint32_t table : learning_tables(cx, c))
        for (const auto& r : c.static_routes) p.ready_routes.push_back({table, r});
    if (std::string(side) == "vgw") {
      cx.plan.gateways.push_back(
          {"vpn-tunnel", to_tgw ? c.tgw : c.vpc, tname, ns, cfg->local, *x.o.public_ip});
    }
    if (cfg->initiator) {
      initiators.push_back(p);
    } else {
      // A responder without its config turns the initiator away for good.
      p.ready_file = state_paths::charon_log(tname, side);
      p.ready_text = "successfully loaded";
      cx.plan.processes.push_back(p);
    }
  }
}

// Two tunnels per connection, a charon per tunnel end. The VGW side answers, the customer
// gateway initiates (as AWS expects); both ends route the other side's prefixes into the
// tunnel through the charon's own table. At the AWS end those tables come after main: for a
// static connection the gateway's bird learns their routes into main, where they meet Direct
// Connect's and BGP's routes by preference, longest prefix first (AWS rule 17), and leave
// with the tunnel's SA.
//
// routing: bgp makes the tunnels route-based, as AWS's are: selectors 0.0.0.0/0, each
// tunnel an inside /30 on its charon's TUN device, and bird on both ends announcing the
// VPC's and the office's prefixes over each tunnel; the learned routes in main decide.
void vpn_tunnels(CompileContext& cx) {
  std::map<std::string, int> next;      // charons per namespace so far
  std::vector<ProcessPlan> initiators;  // started after every responder has its config
  for (const auto& [cname, c] : cx.sc.vpn_connections) {
    const Onprem& o = cx.sc.onprem.at(c.customer_gateway);
    const bool to_tgw = !c.tgw.empty();
    std::string gns =
        to_tgw ? ns_name(cx.sc.name, "tgw", c.tgw) : ns_name(cx.sc.name, "vgw", c.vpc);
    std::string ons = ns_name(cx.sc.name, "onprem", o.name);
    const bool bgp = c.routing == VpnRouting::kBgp;
    // The AWS side's prefixes, for a static connection's selectors: the VPC, or the VPCs a
    // transit gateway attachment's table reaches. charon routes into the tunnel from an
    // address inside them: base + 3, which AWS reserves and no ENI has.
    const std::vector<Cidr> aws_side =
        to_tgw ? tgw_reachable(cx, c) : std::vector<Cidr>{*cx.sc.vpcs.at(c.vpc).cidr};
    if (to_tgw && !bgp)
      for (const auto& p : aws_side)
        if (cx.tgw_lo.insert({gns, p}).second)
          cx.plan.addrs.push_back({gns, "lo", Cidr{p.at(3), 32}});
    std::vector<std::string> learned_by;  // a transit gateway's bird: what this VPN feeds it
    // Every gateway with tunnels has a bird: for a static connection it learns the charons'
    // routes, so they meet BGP's in one table (AWS rule 17).
    if (!to_tgw) gateway_bird(cx, cx.sc.vpcs.at(c.vpc), cx.addr.tunnel_public.at(cname + "/1"));
    if (bgp) office_bird(cx, o);
    for (int t = 1; t <= 2; ++t)
      vpn_tunnel(cx, {cname, c, o, gns, ons, aws_side, t}, next, initiators, learned_by);
    if (to_tgw) tgw_bird(cx, c, cx.addr.tunnel_public.at(cname + "/1"), learned_by, !bgp);
  }
  cx.plan.processes.insert(cx.plan.processes.end(), initiators.begin(), initiators.end());
}

// Route propagation from the VPN gateway into the tables that ask for it. A table's own
// routes win over propagated ones for the same prefix, and static VPN routes over BGP
// (AWS rule 17): the kernel picks the lowest metric among equal prefixes. Static VPN routes
// are known now; BGP routes arrive at run time through a bird in the router, learned from
// the gateway's bird.
void propagation(CompileContext& cx, const Vpc& vpc, const std::string& rns,
                 const std::map<std::string, uint32_t>& table_id) {
  std::vector<uint32_t> tables;
  for (const auto& [name, rt] : vpc.route_tables)
    if (std::count(rt.propagations.begin(), rt.propagations.end(), "vpn_gateway"))
      tables.push_back(table_id.at(name));
  if (tables.empty()) return;
  std::set<Cidr> statics;
  bool bgp = false;
  for (const auto& [cname, c] : cx.sc.vpn_connections) {
    if (c.vpc != vpc.name) continue;
    bgp |= c.routing == VpnRouting::kBgp;
    if (c.routing == VpnRouting::kStatic)
      statics.insert(c.static_routes.begin(), c.static_routes.end());
  }
  for (const auto& [_, x] : cx.sc.direct_connects) bgp |= x.vpc == vpc.name;
  for (uint32_t id : tables)
    for (const auto& dst : statics)
      cx.plan.routes.push_back({rns, id, dst, RouteType::kUnicast, kVgwVpcSide, "vgw", true,
                                "propagated static VPN route " + dst.str(), kPropagatedStatic});
  if (!bgp) return;
  // The router's own BGP packets to its gateway (everything else it sends or forwards goes
  // by route table, or nowhere).
  cx.plan.rules.push_back({rns, kRulePrioLocal + 1, std::nullopt,
                           Cidr{Cidr{kRouterVgwSide, 30}.network(), 30}, 254, false,
                           "the router's BGP session with its VPN gateway", "lo"});
  BirdConfig b;
  b.router_id = kRouterVgwSide;
  b.asn = kAmazonSideAsn;
  b.sessions.push_back(
      {"vgw", kRouterVgwSide, kVgwVpcSide, kAmazonSideAsn, BgpSession::Export::kNone, true});
  for (uint32_t id : tables) b.kernel.push_back({id, kPropagatedBgp});
  cx.bird(rns, b, rns.substr(cx.sc.name.size() + 1));
  cx.bird_routers.insert(ns_name(cx.sc.name, "vgw", vpc.name));
}

}  // namespace vpcemu::compiling
