// The VPC router: its namespace, the local route, route tables as Linux tables chosen by fwmark,
// every ENI's port, and its nftables table (route-table marks, source/destination check, groups,
// NACLs).
#include <algorithm>
#include <set>

#include "compile/constructs.h"
#include "compile/state_paths.h"

namespace vpcemu::compiling {

// The router's namespace, the local route ahead of every route table, a rule per table (chosen by
// the fwmark of the ingress port) and the drop when a table has no route.
VpcRouter vpc_router(CompileContext& cx, const Vpc& vpc) {
  VpcRouter r{vpc, ns_name(cx.sc.name, "vpc", vpc.name)};
  cx.add_ns(r.ns, "router", "vpc " + vpc.name, true);
  // Security groups' connection tracking, AWS's defaults (EC2 guide, connection tracking
  // timeouts): TCP established 5 days, UDP 30 s, a UDP stream 180 s, ICMP 30 s.
  for (const auto& [key, seconds] : std::initializer_list<std::pair<const char*, int>>{
           {"nf_conntrack_tcp_timeout_established", 432000},
           {"nf_conntrack_udp_timeout", 30},
           {"nf_conntrack_udp_timeout_stream", 180},
           {"nf_conntrack_icmp_timeout", 30}})
    cx.sysctl(r.ns, std::string("net/netfilter/") + key, std::to_string(cx.sc.scaled(seconds)));

  // Route tables: Linux table (and fwmark) 100 + index in name order.
  uint32_t next = kTableBase;
  for (const auto& [name, _] : vpc.route_tables) r.table_id[name] = next++;

  router_policy(cx, r, *vpc.cidr);
  if (vpc.ipv6_cidr) router_policy(cx, r, *vpc.ipv6_cidr);
  return r;
}

// One family's policy rules (a list of their own per family), for the VPC's block of it: the
// local route (VPC destinations are looked up in main, ahead of every route table, and
// addresses without an ENI go nowhere), a rule per route table, the drop.
void router_policy(CompileContext& cx, const VpcRouter& r, const IpPrefix& block) {
  const Family f = block.family();
  const bool v6 = f == Family::kIpv6;
  cx.plan.rules.push_back({r.ns, kRulePrioLocal, std::nullopt, block, 254, false,
                           "local route " + block.str() + " wins over every route table", "", f});
  cx.plan.routes.push_back(
      {r.ns, 254, block, RouteType::kBlackhole, std::nullopt, "", false,
       std::string(v6 ? "IPv6 " : "") + "addresses of the VPC without an ENI"});
  for (const auto& [name, id] : r.table_id) {
    cx.plan.rules.push_back({r.ns, kRulePrioTables + (id - kTableBase), id, std::nullopt, id, false,
                             "route table " + name + (v6 ? " (IPv6)" : ""), "", f});
  }
  cx.plan.rules.push_back(
      {r.ns, kRulePrioUnreachable, std::nullopt, std::nullopt, 0, true,
       std::string("no ") + (v6 ? "IPv6 " : "") + "route in the subnet's route table: drop", "",
       f});
}

// What each subnet uses (for status and check): its route table and NACL.
void subnets(CompileContext& cx, const VpcRouter& r) {
  const Vpc& vpc = r.vpc;
  for (const auto& [sname, sub] : vpc.subnets) {
    std::string rt = vpc.route_table_of(sub).empty() ? "main" : vpc.route_table_of(sub);
    cx.plan.subnets.push_back({vpc.name, sname, sub.cidr, rt, effective_acl(sub), sub.ipv6_cidr});
  }
}

// An instance: a namespace whose eth0 is an ENI in its subnet (IPv4, IPv6 or both), and its
// `run:` command. An IPv6-only instance resolves names at fd00:ec2::253, as on EC2.
void instances(CompileContext& cx, VpcRouter& r) {
  const Vpc& vpc = r.vpc;
  for (const auto& [iname, in] : vpc.instances) {
    const Subnet& sub = vpc.subnets.at(in.subnet);
    std::string ins = endpoint_ns_name(cx.sc.name, iname);
    cx.add_ns(ins, "instance", "instance " + iname, false);
    std::string port = cx.unique_ifname(r.ns, "e-", iname);
    r.port_of[iname] = port;
    std::optional<Ipv4> ip;
    if (auto v4 = cx.addr.private_ip.find(iname); v4 != cx.addr.private_ip.end()) {
      ip = v4->second;
      // Same-subnet peers resolve to the router (proxy ARP), so every packet crosses it as in
      // AWS.
      cx.eni_namespace(r.ns, ins, port, *sub.cidr, *ip, "ENI of " + iname, kMtuVpc);
    } else {
      cx.plan.veths.push_back(
          {cx.end(r.ns, port), cx.end(ins, "eth0"), "ENI of " + iname, 0, kMtuVpc});
    }
    std::optional<IpAddr> v6;
    if (auto a = cx.addr.ipv6.find(iname); a != cx.addr.ipv6.end()) {
      v6 = a->second;
      cx.ipv6_stub(r.ns, port, ins, "eth0", *v6, "IPv6 address of " + iname);
    }
    std::optional<Ipv4> pub;
    if (auto p = cx.addr.public_ip.find(iname); p != cx.addr.public_ip.end()) pub = p->second;
    const std::string resolv =
        ip ? state_paths::resolv_conf(vpc.name) : state_paths::resolv_conf_ipv6(vpc.name);
    cx.plan.endpoints.push_back({iname, "instance", ins, vpc.name, in.subnet, ip, pub,
                                 effective_groups(in), resolv, v6, cx.sc.zone_of(sub)});
    // Without the source/destination check the instance may be a router (a NAT instance, a
    // firewall): its namespace forwards.
    if (!in.source_dest_check) {
      cx.sysctl(ins, "net/ipv4/ip_forward", "1");
      // What it forwards leaves by the interface it came in on: no ICMP redirects (a Linux
      // NAT instance's usual setting).
      cx.sysctl(ins, "net/ipv4/conf/all/send_redirects", "0");
      cx.sysctl(ins, "net/ipv4/conf/eth0/send_redirects", "0", true);
      if (v6) cx.sysctl(ins, "net/ipv6/conf/all/forwarding", "1");
    }
    if (!in.run.empty()) cx.plan.processes.push_back({ins, iname, in.run, cx.dir, resolv});
  }
}

// A route into the VPC's own block (to a whole subnet, or in a gateway route table to the whole
// block) goes to a middlebox and wins over the local route for the table's traffic (AWS rule
// 16): a rule ahead of the local route's sends that table's packets for it to the table.
void middlebox_rules(CompileContext& cx, const VpcRouter& r, uint32_t table, const IpPrefix& dst,
                     const std::string& why) {
  const Vpc& vpc = r.vpc;
  const bool v6 = dst.family() == Family::kIpv6;
  const std::optional<IpPrefix> own =
      v6 ? vpc.ipv6_cidr : std::optional<IpPrefix>(IpPrefix(*vpc.cidr));
  if (!own || !own->contains(dst)) return;
  cx.plan.rules.push_back({r.ns, kRulePrioMiddlebox, table, dst, table, false,
                           why + ": wins over the local route", "", dst.family()});
}

// The routes of each route table, to the targets they name.
void route_table_routes(CompileContext& cx, const VpcRouter& r) {
  const Vpc& vpc = r.vpc;
  for (const auto& [name, rt] : vpc.route_tables) {
    uint32_t id = r.table_id.at(name);
    for (const auto& route : rt.routes) {
      const IpPrefix& dst = *route.destination;
      const bool v6 = dst.family() == Family::kIpv6;
      const std::string& n = route.target.name;
      const std::string why = "route table " + name + ": " + dst.str() + " → " + route.target.str();
      auto via = [&](IpAddr next_hop, const std::string& dev) {
        cx.plan.routes.push_back({r.ns, id, dst, RouteType::kUnicast, next_hop, dev, !v6, why});
        middlebox_rules(cx, r, id, dst, why);
      };
      switch (route.target.kind) {
        case RouteTarget::Kind::kInternetGateway:
          via(v6 ? kLinkLocalPeer : IpAddr(kIgwVpcSide), "igw");
          break;
        case RouteTarget::Kind::kEgressOnlyInternetGateway:
          via(kLinkLocalPeer, "eigw");
          break;
        case RouteTarget::Kind::kVpnGateway:
          via(kVgwVpcSide, "vgw");
          break;
        case RouteTarget::Kind::kPeering: {
          const PeerLink& l = peer_link(cx, n);
          const bool a_side = l.vpc_a == vpc.name;
          const IpAddr other = v6 ? (a_side ? kLinkLocalPeer : kLinkLocalRouter)
                                  : IpAddr(a_side ? l.addr_b : l.addr_a);
          via(other, a_side ? l.port_a : l.port_b);
          break;
        }
        case RouteTarget::Kind::kNatGateway:  // IPv6: 64:ff9b::/96 to its NAT64
          via(v6 ? kLinkLocalPeer : IpAddr(cx.addr.nat_private.at(nat_key(vpc.name, n))),
              r.nat_port.at(n));
          break;
        case RouteTarget::Kind::kTransitGateway: {
          const TgwLink& l = tgw_link(cx, n, vpc.name);
          via(v6 ? kLinkLocalPeer : IpAddr(l.link.at(2)), l.router_port);
          break;
        }
        case RouteTarget::Kind::kInstance:
          via(v6 ? cx.addr.ipv6.at(n) : IpAddr(cx.addr.private_ip.at(n)), r.port_of.at(n));
          break;
        case RouteTarget::Kind::kBlackhole:
          cx.plan.routes.push_back(
              {r.ns, id, dst, RouteType::kBlackhole, std::nullopt, "", false, why});
          break;
        case RouteTarget::Kind::kEndpoint: {
          const EndpointEni& e = r.gwlbe_port.at(n);
          via(e.ip, e.port);
          break;
        }
        case RouteTarget::Kind::kNone:
        case RouteTarget::Kind::kUnknown:
          break;  // validate refused them
      }
    }
  }
}

// One VPC: its router, then each construct that hangs an ENI or a link off it, then the
// routes and rules that refer to all of them.
void compile_vpc(CompileContext& cx, const Vpc& vpc) {
  VpcRouter r = vpc_router(cx, vpc);
  vpn_gateway(cx, vpc, r.ns);
  internet_gateway(cx, r);
  egress_only_internet_gateway(cx, r);
  subnets(cx, r);
  instances(cx, r);
  nat_gateways(cx, r);
  for (const auto& [_, ep] : vpc.endpoints) {
    if (ep.type == EndpointType::kGateway)
      gateway_endpoint(cx, vpc, ep, r.ns, r.table_id);
    else if (ep.type == EndpointType::kGatewayLoadBalancer)
      gateway_load_balancer_endpoint(cx, r, ep);
    else
      interface_endpoint(cx, vpc, ep, r.ns, r.endpoint_enis);
  }
  gateway_load_balancer_nodes(cx, r);
  load_balancer_nodes(cx, vpc, r.ns, r.lb_enis);
  client_vpn(cx, vpc, r.ns, r.cvpn_enis);
  route_table_routes(cx, r);
  propagation(cx, vpc, r.ns, r.table_id);
  router_rules(cx, r);
  dns(cx, vpc, r.ns);
  metadata(cx, vpc, r.ns);
}

// ENIs with connection tracking timeouts of their own: a conntrack timeout policy per ENI,
// protocol and family, attached to the flows it starts or receives by their first packet,
// after conntrack has made the entry and before it confirms it (the kernel ignores `ct timeout
// set` before conntrack, at raw priority). AWS: the timeouts apply to the ENI's flows in both
// directions. Scaled by time_scale.
void connection_tracking(CompileContext& cx, const VpcRouter& r, NftTable& t) {
  using Kind = NftObject::Kind;
  std::vector<std::string> rules;
  for (const auto& [iname, in] : r.vpc.instances) {
    const auto& c = in.connection_tracking;
    if (!c.tcp_established && !c.udp_stream && !c.udp) continue;
    std::vector<std::pair<const char*, IpAddr>> addrs;  // family word, address
    if (auto a = cx.addr.private_ip.find(iname); a != cx.addr.private_ip.end())
      addrs.push_back({"ip", a->second});
    if (auto a = cx.addr.ipv6.find(iname); a != cx.addr.ipv6.end())
      addrs.push_back({"ip6", a->second});
    for (const auto& [fam, addr] : addrs) {
      const std::string base = "ct-" + iname + (std::string(fam) == "ip6" ? "-6" : "");
      auto policy = [&](const char* proto, const std::string& states) {
        const std::string name = base + "-" + proto;
        t.objects.push_back({Kind::kCtTimeout,
                             name,
                             std::string("protocol ") + proto + "; l3proto " + fam +
                                 "; policy = { " + states + " };",
                             {}});
        for (const char* dir : {"saddr", "daddr"})
          rules.push_back(std::string(fam) + " " + dir + " " + addr.str() + " meta l4proto " +
                          proto + " ct timeout set \"" + name + "\"");
      };
      if (c.tcp_established)
        policy("tcp", "established: " + std::to_string(cx.sc.scaled(*c.tcp_established)));
      if (c.udp_stream || c.udp)
        policy("udp", "unreplied: " + std::to_string(cx.sc.scaled(c.udp.value_or(30))) +
                          ", replied: " + std::to_string(cx.sc.scaled(c.udp_stream.value_or(180))));
    }
  }
  if (!rules.empty())
    t.objects.push_back({Kind::kChain, "connection-tracking",
                         "type filter hook prerouting priority mangle; policy accept;", rules});
}

// The VPC router's table: ingress port → route table mark, AWS's source/destination check
// (an ENI may only send from its own address), then security groups and NACLs.
void router_rules(CompileContext& cx, const VpcRouter& r) {
  const Vpc& vpc = r.vpc;
  const std::string& rns = r.ns;
  using Kind = NftObject::Kind;
  NftTable t;
  std::vector<std::string> marks, sources, sources6, unchecked;
  std::vector<EniPort> enis;
  // An ENI's port is routed by its subnet's route table.
  auto subnet_mark = [&](const std::string& port, const std::string& subnet) {
    const std::string& rt = vpc.route_table_of(vpc.subnets.at(subnet));
    if (!rt.empty()) marks.push_back("\"" + port + "\" : " + std::to_string(r.table_id.at(rt)));
  };
  for (const auto& [iname, in] : vpc.instances) {
    const std::string& port = r.port_of.at(iname);
    if (!in.source_dest_check) unchecked.push_back("\"" + port + "\"");
    subnet_mark(port, in.subnet);
    std::optional<Ipv4> ip;
    if (auto v4 = cx.addr.private_ip.find(iname); v4 != cx.addr.private_ip.end()) {
      ip = v4->second;
      sources.push_back("\"" + port + "\" . " + ip->str());
    }
    enis.push_back({port, iname, in.subnet, ip, effective_groups(in)});
    enis.back().is_instance = true;
    if (auto v6 = cx.addr.ipv6.find(iname); v6 != cx.addr.ipv6.end()) {
      sources6.push_back("\"" + port + "\" . " + v6->second.str());
      enis.back().ip6 = v6->second;
    }
  }
  // NAT gateways: routed by their subnet's table and judged by its NACL, but they carry no
  // security groups and forward others' packets, so the source check does not apply.
  for (const auto& [nname, nat] : vpc.nat_gateways) {
    const std::string& port = r.nat_port.at(nname);
    subnet_mark(port, nat.subnet);
    enis.push_back({port,
                    "nat-gateway " + nname,
                    nat.subnet,
                    cx.addr.nat_private.at(nat_key(vpc.name, nname)),
                    {}});
  }
  // Interface endpoints carry security groups (AWS rule 27); load balancer nodes do not.
  for (const auto& [ename, ep] : vpc.endpoints) {
    if (ep.type != EndpointType::kInterface) continue;
    std::vector<std::string> groups =
        ep.security_groups.empty() ? std::vector<std::string>{kDefaultGroup} : ep.security_groups;
    for (const auto& e : r.endpoint_enis) {
      if (e.ip != cx.addr.eni_private.at(eni_key("vpce", vpc.name, ename, e.subnet))) continue;
      subnet_mark(e.port, e.subnet);
      enis.push_back({e.port, "endpoint " + ename, e.subnet, e.ip, groups});
    }
  }
  for (const auto& e : r.lb_enis) {
    subnet_mark(e.port, e.subnet);
    enis.push_back({e.port, "load balancer", e.subnet, e.ip, {}});
  }
  // Gateway load balancer nodes and endpoints: NACLs, no groups; an endpoint forwards others'
  // packets (it is in source-dest-check-off for the middlebox pass's RST).
  for (const auto& e : r.gwlb_enis) {
    subnet_mark(e.port, e.subnet);
    enis.push_back({e.port, "gateway load balancer", e.subnet, e.ip, {}});
  }
  for (const auto& e : r.gwlbe_enis) {
    subnet_mark(e.port, e.subnet);
    enis.push_back({e.port, "gateway load balancer endpoint", e.subnet, e.ip, {}});
    unchecked.push_back("\"" + e.port + "\"");
  }
  for (const auto& e : r.cvpn_enis) {
    subnet_mark(e.port, e.subnet);
    enis.push_back({e.port, "client VPN endpoint", e.subnet, e.ip, {kDefaultGroup}});
  }
  // What arrives from a transit gateway is routed by its attachment subnet's table.
  for (const auto& l : cx.tgw_links)
    if (l.vpc == vpc.name) subnet_mark(l.router_port, l.subnet);
  // What enters from a gateway with a gateway route table is routed by that table (ingress
  // routing).
  for (const auto& [name, rt] : vpc.route_tables)
    for (const auto& g : rt.edge_associations)
      marks.push_back(std::string(g == "internet_gateway" ? "\"igw\"" : "\"vgw\"") + " : " +
                      std::to_string(r.table_id.at(name)));
  t.objects.push_back({Kind::kMap, "route-table", "type ifname : mark;", marks});
  // EC2's source/destination check: an instance's ENI sends only from its own address and
  // receives only what is addressed to it, unless the check is off (source-dest-check-off).
  t.objects.push_back({Kind::kSet, "eni-source", "type ifname . ipv4_addr;", sources});
  t.objects.push_back({Kind::kSet, "source-dest-check-off", "type ifname;", unchecked});
  auto checked = [](const std::string& dir) {
    return dir + " \"e-*\" " + dir + " != @source-dest-check-off " + dir + " . ";
  };
  std::vector<std::string> pre = {checked("iifname") +
                                  "ip saddr != @eni-source counter drop comment "
                                  "\"source/destination check\""};
  std::vector<std::string> dest = {checked("oifname") +
                                   "ip daddr != @eni-source counter drop comment "
                                   "\"source/destination check: not addressed to the ENI\""};
  if (vpc.ipv6_cidr) {
    t.objects.push_back({Kind::kSet, "eni-source6", "type ifname . ipv6_addr;", sources6});
    pre.push_back(checked("iifname") +
                  "ip6 saddr != @eni-source6 counter drop comment "
                  "\"source/destination check (IPv6)\"");
    dest.push_back(checked("oifname") +
                   "ip6 daddr != @eni-source6 counter drop comment "
                   "\"source/destination check: not addressed to the ENI (IPv6)\"");
  }
  t.objects.push_back({Kind::kChain, "destination-check",
                       "type filter hook forward priority filter - 1; policy accept;", dest});
  // A peering carries only the two VPCs' own traffic: nothing transits (AWS rules 23, 24).
  for (const auto& l : cx.peer_links) {
    if (l.vpc_a != vpc.name && l.vpc_b != vpc.name) continue;
    bool a_side = l.vpc_a == vpc.name;
    const Cidr& peer_cidr = *cx.sc.vpcs.at(a_side ? l.vpc_b : l.vpc_a).cidr;
    pre.push_back("iifname \"" + (a_side ? l.port_a : l.port_b) +
                  "\" ip saddr != " + peer_cidr.str() + " counter drop comment \"peering " +
                  l.name + ": not from the peer VPC\"");
    if (peering_ipv6(cx.sc, l)) {
      const IpPrefix& peer_v6 = *cx.sc.vpcs.at(a_side ? l.vpc_b : l.vpc_a).ipv6_cidr;
      pre.push_back("iifname \"" + (a_side ? l.port_a : l.port_b) +
                    "\" ip6 saddr != " + peer_v6.str() + " counter drop comment \"peering " +
                    l.name + ": not from the peer VPC (IPv6)\"");
    }
  }
  pre.push_back("meta mark set iifname map @route-table");
  t.objects.push_back({Kind::kChain, "prerouting",
                       "type filter hook prerouting priority mangle; policy accept;", pre});
  // DNS64 is a subnet's: its ENIs' queries to the resolver go to the DNS64 resolver.
  std::vector<std::string> dns64_rules;
  for (const auto& [sname, sub] : vpc.subnets)
    if (sub.dns64)
      dns64_rules.push_back("iifname @ports-" + sname + " ip6 daddr " + kResolverIpv6.str() +
                            " meta l4proto { tcp, udp } th dport 53 dnat ip6 to " +
                            kDns64Ipv6.str());
  if (!dns64_rules.empty())
    t.objects.push_back({Kind::kChain, "dns64",
                         "type nat hook prerouting priority dstnat; policy accept;", dns64_rules});
  // The links whose flows AWS does not always track: the internet gateway and peerings.
  std::vector<std::string> plain_ports;
  if (vpc.internet_gateway) plain_ports.push_back("igw");
  for (const auto& l : cx.peer_links)
    if (l.vpc_a == vpc.name || l.vpc_b == vpc.name)
      plain_ports.push_back(l.vpc_a == vpc.name ? l.port_a : l.port_b);
  security_objects(vpc, enis, cx.members, cx.sc.services, plain_ports, t, flow_logs_on(cx, r));
  flow_logs(cx, r, t);
  connection_tracking(cx, r, t);
  cx.plan.nft.push_back({rns, std::move(t)});
}

}  // namespace vpcemu::compiling
