// The shared helpers of compilation: kernel objects of one shape, named and addressed alike.
#include "compile/context.h"

#include "compile/state_paths.h"

namespace vpcemu::compiling {

CompileContext::CompileContext(const Scenario& scenario, std::string scenario_dir)
    : sc(scenario), dir(std::move(scenario_dir)) {
  Diagnostics ignored;  // validate already reported them
  addr = assign_addresses(sc, ignored);
  ipv6 = uses_ipv6(sc);
  plan.scenario = sc.name;
}

void CompileContext::add_ns(const std::string& name, const std::string& role,
                            const std::string& owner, bool forwarding) {
  plan.namespaces.push_back({name, role, owner});
  if (!ipv6) {
    // An IPv4 scenario: IPv6 stays off, so no DAD, router solicitations or MLD add noise.
    sysctl(name, "net/ipv6/conf/all/disable_ipv6", "1");
    sysctl(name, "net/ipv6/conf/default/disable_ipv6", "1");
  } else {
    // IPv6 on, but only what vpcemu configures: no duplicate address detection (every address
    // is unique by construction), no router advertisements taken or solicited.
    for (const char* dev : {"all", "default"}) {
      const std::string conf = std::string("net/ipv6/conf/") + dev + "/";
      sysctl(name, conf + "disable_ipv6", "0");
      sysctl(name, conf + "accept_dad", "0");
      sysctl(name, conf + "accept_ra", "0");
      sysctl(name, conf + "router_solicitations", "0");
    }
    if (forwarding) sysctl(name, "net/ipv6/conf/all/forwarding", "1");
  }
  if (forwarding) {
    sysctl(name, "net/ipv4/ip_forward", "1");
    // rp_filter breaks fwmark policy routing of replies; anti-spoofing is done in nft.
    sysctl(name, "net/ipv4/conf/all/rp_filter", "0");
    sysctl(name, "net/ipv4/conf/default/rp_filter", "0");
  }
}

void CompileContext::sysctl(const std::string& ns, std::string key, std::string value, bool after) {
  plan.sysctls.push_back({ns, std::move(key), std::move(value), after});
}

LinkEnd CompileContext::end(const std::string& ns, const std::string& ifname) {
  return LinkEnd{ns, ifname, stable_mac(ns + "/" + ifname)};
}

// A deterministic name unique within `ns`.
std::string CompileContext::unique_ifname(const std::string& ns, const std::string& prefix,
                                          const std::string& name) {
  auto& taken = ifnames[ns];
  for (int salt = 0;; ++salt) {
    std::string n = short_ifname(prefix, name, salt);
    if (taken.insert(n).second) return n;
  }
}

// A namespace on the emulated internet with one address (hosts, services).
// A namespace hanging off a router with one /32 address: the router's port holds `gateway`
// (the same on every port), the namespace's default route points at it, and both ends know
// each other's MAC. Internet hosts, services and office LAN hosts are all such stubs.
std::string CompileContext::stub_link(const std::string& router, const std::string& ns,
                                      const std::string& name, Ipv4 ip, Ipv4 gateway,
                                      const std::string& dev, const std::string& what,
                                      const std::string& default_why) {
  std::string port = unique_ifname(router, "h-", name);
  LinkEnd r = end(router, port);
  LinkEnd e = end(ns, dev);
  plan.veths.push_back({r, e, what});
  plan.addrs.push_back({ns, dev, Cidr{ip, 32}});
  plan.addrs.push_back({router, port, Cidr{gateway, 32}});
  plan.neighs.push_back({ns, dev, gateway, r.mac});
  plan.neighs.push_back({router, port, ip, e.mac});
  plan.routes.push_back(
      {ns, 254, Cidr{Ipv4{0}, 0}, RouteType::kUnicast, gateway, dev, true, default_why});
  plan.routes.push_back(
      {router, 254, Cidr{ip, 32}, RouteType::kUnicast, std::nullopt, port, false, what});
  return port;
}

std::string CompileContext::internet_stub(const std::string& ns, const std::string& name, Ipv4 ip,
                                          const std::string& what, const std::string& dev) {
  return stub_link(inet_ns, ns, name, ip, kInternetSide, dev, what,
                   "default route to the internet router");
}

// bird in a namespace: config and control socket in the state directory; `up` waits until
// its sessions have learned their routes.
void CompileContext::bird(const std::string& ns, const BirdConfig& b, const std::string& label) {
  const std::string dir = state_paths::bgp_dir(label);
  const std::string at = state_paths::kStatePrefix;
  plan.files.push_back({dir + "/bird.conf", bird_conf(b)});
  ProcessPlan p{ns,
                "bird-" + label,
                {"bird", "-f", "-c", at + dir + "/bird.conf", "-s",
                 at + state_paths::bird_socket(label), "-P", "/run/bird.pid"},
                "/",
                "",
                {},
                true};
  p.bgp_socket = state_paths::bird_socket(label);
  plan.processes.push_back(p);
}

void CompileContext::reply_paths(const std::string& ns, NftTable& t) {
  using Kind = NftObject::Kind;
  auto it = reply_links.find(ns);
  if (it == reply_links.end()) return;
  std::vector<std::string> marks;
  uint32_t mark = 1;
  for (const auto& l : it->second) {
    marks.push_back("\"" + l.port + "\" : " + std::to_string(mark));
    plan.rules.push_back({ns, kRulePrioTables + mark, mark, std::nullopt, kTableBase + mark, false,
                          "replies to connections that came in on " + l.port, "", l.to.family()});
    // An IPv4 peer is on the link by fiat (onlink); an IPv6 one is link-local.
    plan.routes.push_back({ns, kTableBase + mark, l.to, RouteType::kUnicast, l.peer, l.port,
                           l.to.family() == Family::kIpv4, "back out through " + l.port});
    ++mark;
  }
  t.objects.push_back({Kind::kMap, "reply-link", "type ifname : mark;", marks});
  t.objects.push_back({Kind::kChain,
                       "mark-prerouting",
                       "type filter hook prerouting priority mangle; policy accept;",
                       {"ct state new ct mark set iifname map @reply-link",
                        "ct direction reply meta mark set ct mark"}});
  t.objects.push_back({Kind::kChain,
                       "mark-output",
                       "type route hook output priority mangle; policy accept;",
                       {"ct direction reply meta mark set ct mark"}});
}

// The next /30 of 169.254.64.0/18 for an endpoint link: .1 on the VPC side, .2 beyond.
std::pair<Ipv4, Ipv4> CompileContext::link_pair() {
  uint32_t base = 0xA9FE4000 + 4 * next_link++;
  return {Ipv4{base + 1}, Ipv4{base + 2}};
}

// A namespace with an ENI in a subnet (NAT gateway, endpoint, load balancer node).
void CompileContext::eni_namespace(const std::string& rns, const std::string& ns,
                                   const std::string& port, const Cidr& subnet, Ipv4 ip,
                                   const std::string& what, uint32_t mtu, Cidr via_vpc) {
  const Ipv4 gw = subnet.at(1);
  LinkEnd r = end(rns, port);
  LinkEnd e = end(ns, "eth0");
  plan.veths.push_back({r, e, what, 0, mtu});
  plan.addrs.push_back({ns, "eth0", Cidr{ip, subnet.prefix}});
  plan.addrs.push_back({rns, port, Cidr{gw, 32}});
  plan.neighs.push_back({ns, "eth0", gw, r.mac});
  plan.neighs.push_back({rns, port, ip, e.mac});
  plan.routes.push_back({ns, 254, via_vpc, RouteType::kUnicast, gw, "eth0", false,
                         (via_vpc.prefix == 0 ? "default route" : "the VPC") +
                             std::string(" via the VPC router ") + gw.str()});
  plan.routes.push_back(
      {rns, 254, Cidr{ip, 32}, RouteType::kUnicast, std::nullopt, port, false, what});
  sysctl(rns, "net/ipv4/conf/" + port + "/proxy_arp", "1", true);
  sysctl(rns, "net/ipv4/neigh/" + port + "/proxy_delay", "0", true);
}

// A veth from `ns` (port `port`, address a) to `far_ns` (address b): endpoint links.
std::string CompileContext::far_link(const std::string& ns, const std::string& port, Ipv4 a,
                                     const std::string& far_ns, const std::string& far_seed, Ipv4 b,
                                     const std::string& what) {
  std::string far_port = unique_ifname(far_ns, "c-", far_seed);
  point_to_point(ns, port, a, far_ns, far_port, b, 32, what);
  reply_links[far_ns].push_back({far_port, a});
  return far_port;
}

void CompileContext::link_local_pair(const std::string& ns_a, const std::string& if_a,
                                     const std::string& ns_b, const std::string& if_b) {
  const LinkEnd a = end(ns_a, if_a), b = end(ns_b, if_b);
  plan.addrs.push_back({ns_a, if_a, IpPrefix(kLinkLocalRouter, 64)});
  plan.addrs.push_back({ns_b, if_b, IpPrefix(kLinkLocalPeer, 64)});
  plan.neighs.push_back({ns_a, if_a, kLinkLocalPeer, b.mac});
  plan.neighs.push_back({ns_b, if_b, kLinkLocalRouter, a.mac});
}

void CompileContext::ipv6_stub(const std::string& router, const std::string& port,
                               const std::string& ns, const std::string& dev, const IpAddr& ip,
                               const std::string& what) {
  const LinkEnd r = end(router, port), e = end(ns, dev);
  plan.addrs.push_back({ns, dev, IpPrefix(ip, 128)});
  plan.addrs.push_back({router, port, IpPrefix(kLinkLocalRouter, 64)});
  plan.neighs.push_back({ns, dev, kLinkLocalRouter, r.mac});
  plan.neighs.push_back({router, port, ip, e.mac});
  plan.routes.push_back({ns, 254, *IpPrefix::parse("::/0"), RouteType::kUnicast, kLinkLocalRouter,
                         dev, false, "IPv6 default route to the router's " + port});
  plan.routes.push_back(
      {router, 254, IpPrefix(ip, 128), RouteType::kUnicast, std::nullopt, port, false, what});
}

void CompileContext::point_to_point(const std::string& ns_a, const std::string& if_a, Ipv4 addr_a,
                                    const std::string& ns_b, const std::string& if_b, Ipv4 addr_b,
                                    int prefix, const std::string& what, uint32_t mtu) {
  const LinkEnd a = end(ns_a, if_a), b = end(ns_b, if_b);
  plan.veths.push_back({a, b, what, 0, mtu});
  plan.addrs.push_back({ns_a, if_a, Cidr{addr_a, prefix}});
  plan.addrs.push_back({ns_b, if_b, Cidr{addr_b, prefix}});
  plan.neighs.push_back({ns_a, if_a, addr_b, b.mac});
  plan.neighs.push_back({ns_b, if_b, addr_a, a.mac});
}

}  // namespace vpcemu::compiling
