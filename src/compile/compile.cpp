// Compilation of the AWS model to Linux objects (design.md §2):
//   VPC → router netns; ENI → veth (instance eth0 ↔ router e-<name>) with proxy ARP;
//   route table → Linux table chosen by fwmark (set by nft from the ingress port);
//   local route → policy rule "to <vpc cidr> lookup main" ahead of every table;
//   internet gateway → netns with 1:1 NAT maps; internet → a router netns plus host netns.
#include "compile/compile.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include "compile/security.h"
#include "daemons/bird.h"
#include "daemons/strongswan.h"
#include "model/addressing.h"
#include "util/text.h"

namespace vpcemu {

std::string ns_name(const std::string& scenario, const std::string& kind, const std::string& name) {
  return scenario + "." + kind + "." + name;
}

std::string endpoint_ns_name(const std::string& scenario, const std::string& name) {
  return scenario + "." + name;
}

std::string short_ifname(const std::string& prefix, const std::string& name, int salt) {
  std::string full = prefix + name;
  if (full.size() <= 15 && salt == 0) return full;
  std::string seed = salt ? name + "#" + std::to_string(salt) : name;
  size_t keep = 15 - prefix.size() - 7;
  return prefix + name.substr(0, keep) + "-" + hex(stable_hash(seed), 6);
}

std::string stable_mac(const std::string& seed) {
  std::string h = hex(stable_hash(seed), 10);
  std::string mac = "02";
  for (int i = 0; i < 10; i += 2) mac += ":" + h.substr(i, 2);
  return mac;
}

namespace {

// Both ends of an OpenVPN client VPN: a TUN over UDP, the scenario's CA, AES-GCM, and no
// data-channel offload (the ovpn-dco module is not in this kernel).
const std::vector<std::string> kOpenvpnCommon = {
    "--dev", "tun0",   "--dev-type",     "tun",         "--proto",      "udp",
    "--ca",  "ca.crt", "--data-ciphers", "AES-256-GCM", "--disable-dco"};

struct EndpointEni {
  std::string port;
  std::string subnet;
  Ipv4 ip;
};

class Compiler {
 public:
  Compiler(const Scenario& sc, std::string dir) : sc_(sc), dir_(std::move(dir)) {
    Diagnostics ignored;  // validate already reported them
    addr_ = assign_addresses(sc, ignored);
    plan_.scenario = sc.name;
  }

  Plan run() {
    bool need_internet = !sc_.hosts.empty() || !sc_.endpoint_services.empty() ||
                         !sc_.onprem.empty() || !sc_.client_vpn_endpoints.empty();
    for (const auto& [_, vpc] : sc_.vpcs)
      need_internet |= vpc.internet_gateway || !vpc.endpoints.empty();
    if (need_internet) internet();
    plan_peerings();
    plan_tgw_links();
    for (const auto& [vname, vpc] : sc_.vpcs)
      for (const auto& [iname, in] : vpc.instances)
        for (const auto& g : effective_groups(in))
          members_[{vname, g}].push_back(addr_.private_ip.at(iname).str());
    for (const auto& [_, vpc] : sc_.vpcs) compile_vpc(vpc);
    for (const auto& [_, h] : sc_.hosts) host(h);
    for (const auto& [_, o] : sc_.onprem) onprem(o);
    vpn_tunnels();
    for (const auto& [_, x] : sc_.direct_connects) direct_connect(x);
    birds();
    if (need_internet)
      for (const auto& [_, svc] : sc_.services) service(svc);
    for (const auto& [_, es] : sc_.endpoint_services) load_balancer_rules(es);
    for (const auto& l : peer_links_) peering(l);
    for (const auto& [_, t] : sc_.transit_gateways) transit_gateway(t);
    tgw_peerings();
    return std::move(plan_);
  }

 private:
  void add_ns(const std::string& name, const std::string& role, const std::string& owner,
              bool forwarding) {
    plan_.namespaces.push_back({name, role, owner});
    // IPv6 stays off: the scenario format is IPv4, and DAD/RS traffic would only add noise.
    sysctl(name, "net/ipv6/conf/all/disable_ipv6", "1");
    sysctl(name, "net/ipv6/conf/default/disable_ipv6", "1");
    if (forwarding) {
      sysctl(name, "net/ipv4/ip_forward", "1");
      // rp_filter breaks fwmark policy routing of replies; anti-spoofing is done in nft.
      sysctl(name, "net/ipv4/conf/all/rp_filter", "0");
      sysctl(name, "net/ipv4/conf/default/rp_filter", "0");
    }
  }

  void sysctl(const std::string& ns, std::string key, std::string value, bool after = false) {
    plan_.sysctls.push_back({ns, std::move(key), std::move(value), after});
  }

  LinkEnd end(const std::string& ns, const std::string& ifname) {
    return LinkEnd{ns, ifname, stable_mac(ns + "/" + ifname)};
  }

  // A deterministic name unique within `ns`.
  std::string unique_ifname(const std::string& ns, const std::string& prefix,
                            const std::string& name) {
    auto& taken = ifnames_[ns];
    for (int salt = 0;; ++salt) {
      std::string n = short_ifname(prefix, name, salt);
      if (taken.insert(n).second) return n;
    }
  }

  // A peering is a veth between two VPC routers. Its two ends get addresses of their own
  // (169.254.16.0/20, one /30 per peering) so a router can be on both sides of several.
  struct PeerLink {
    std::string name, vpc_a, vpc_b, port_a, port_b;
    Ipv4 addr_a, addr_b;
  };

  void plan_peerings() {
    uint32_t k = 0;
    for (const auto& [name, p] : sc_.peerings) {
      PeerLink l;
      l.name = name;
      l.vpc_a = p.requester;
      l.vpc_b = p.accepter;
      l.port_a = unique_ifname(ns_name(sc_.name, "vpc", l.vpc_a), "p-", name);
      l.port_b = unique_ifname(ns_name(sc_.name, "vpc", l.vpc_b), "p-", name);
      l.addr_a = Ipv4{0xA9FE1000 + 4 * k + 1};
      l.addr_b = Ipv4{0xA9FE1000 + 4 * k + 2};
      peer_links_.push_back(l);
      ++k;
    }
  }

  // A VPC attachment to a transit gateway: a veth between the VPC router and the hub, a /30
  // (router first).
  struct TgwLink {
    std::string tgw, attachment, vpc, subnet, router_port, hub_port;
    Cidr link;
  };

  void plan_tgw_links() {
    for (const auto& [tname, t] : sc_.transit_gateways)
      for (const auto& [aname, a] : t.attachments)
        if (!a.vpc.empty())
          tgw_links_.push_back({tname, aname, a.vpc, a.subnets.at(0),
                              unique_ifname(ns_name(sc_.name, "vpc", a.vpc), "t-", tname),
                              unique_ifname(ns_name(sc_.name, "tgw", tname), "a-", aname),
                              addr_.tgw_link.at(tname + "/" + aname)});
  }

  const TgwLink& tgw_link(const std::string& tgw, const std::string& vpc) const {
    for (const auto& l : tgw_links_)
      if (l.tgw == tgw && l.vpc == vpc) return l;
    throw std::logic_error("vpc " + vpc + " has no attachment to " + tgw);  // validated
  }

  // The hub: one Linux table per route table of its own; an attachment's traffic is looked up
  // in the table it is associated with (a rule on its port), and nowhere else. Propagated
  // routes (each attached VPC's CIDR) sit below static ones for the same prefix (AWS rule 32).
  void transit_gateway(const TransitGateway& t) {
    const std::string tns = ns_name(sc_.name, "tgw", t.name);
    add_ns(tns, "transit-gateway", "transit gateway " + t.name, true);
    std::vector<Ipv4> outside;
    for (const auto& [cname, c] : sc_.vpn_connections)
      if (c.tgw == t.name)
        for (int i = 1; i <= 2; ++i)
          outside.push_back(addr_.tunnel_public.at(cname + "/" + std::to_string(i)));
    vpn_endpoints(tns, "tgw-" + t.name, outside, "transit gateway " + t.name);
    // What the hub sends itself (IKE, BGP) goes by main; everything else by attachment.
    plan_.rules.push_back({tns, kRulePrioUnreachable - 1, std::nullopt, std::nullopt, 254, false,
                           "the hub's own packets (IKE, BGP)", "lo"});
    // Where each attachment's traffic leaves the hub: its port and the next hop behind it.
    struct HubPort {
      std::string port;
      Ipv4 next_hop;
      std::string vpc;  // empty for a peering
    };
    std::map<std::string, HubPort> links;
    for (const auto& [aname, a] : t.attachments) {
      if (a.peering.empty()) continue;
      const bool first = t.name < a.peering;
      const Cidr link = addr_.tgw_link.at(first ? t.name + "|" + a.peering : a.peering + "|" + t.name);
      const std::string port = unique_ifname(tns, "p-", aname);
      links[aname] = {port, link.at(first ? 2 : 1), ""};
      plan_.addrs.push_back({tns, port, Cidr{link.at(first ? 1 : 2), 30}});
      tgw_peer_ends_[{t.name, a.peering}] = end(tns, port);
    }
    for (const auto& l : tgw_links_) {
      if (l.tgw != t.name) continue;
      links[l.attachment] = {l.hub_port, l.link.at(1), l.vpc};
      const std::string rns = ns_name(sc_.name, "vpc", l.vpc);
      LinkEnd r = end(rns, l.router_port), h = end(tns, l.hub_port);
      plan_.veths.push_back({r, h, "transit gateway " + t.name + " attachment " + l.attachment +
                                       " (vpc " + l.vpc + ")"});
      plan_.addrs.push_back({rns, l.router_port, Cidr{l.link.at(1), 30}});
      plan_.addrs.push_back({tns, l.hub_port, Cidr{l.link.at(2), 30}});
      plan_.neighs.push_back({rns, l.router_port, l.link.at(2), h.mac});
      plan_.neighs.push_back({tns, l.hub_port, l.link.at(1), r.mac});
      plan_.gateways.push_back({"tgw-attachment", l.vpc, t.name + "/" + l.attachment, tns,
                                l.link.at(2), std::nullopt});
    }
    uint32_t id = kTableBase, n = 0;
    for (const auto& [rname, rt] : t.route_tables) {
      for (const auto& a : rt.associations) {
        if (!links.count(a)) continue;  // a VPN attachment: a rule on its TUN devices
        plan_.rules.push_back({tns, kRulePrioTables + n++, std::nullopt, std::nullopt, id, false,
                               "attachment " + a + " is associated with route table " + rname,
                               links.at(a).port});
      }
      for (const auto& a : rt.propagations) {
        if (!links.count(a)) continue;  // a VPN attachment: its bird installs what it learns
        const HubPort& l = links.at(a);
        plan_.routes.push_back({tns, id, *sc_.vpcs.at(l.vpc).cidr, RouteType::kUnicast,
                                l.next_hop, l.port, true,
                                "route table " + rname + ": propagated from attachment " + a,
                                kPropagatedStatic});
      }
      for (const auto& r : rt.routes) {
        const std::string why = "route table " + rname + ": " + r.destination->str() + " → " +
                                (r.blackhole ? std::string("blackhole") : r.attachment);
        if (r.blackhole) {
          plan_.routes.push_back(
              {tns, id, *r.destination, RouteType::kBlackhole, std::nullopt, "", false, why});
        } else if (links.count(r.attachment)) {  // a VPN attachment's: its bird installs them
          const HubPort& l = links.at(r.attachment);
          plan_.routes.push_back({tns, id, *r.destination, RouteType::kUnicast, l.next_hop, l.port,
                                  true, why});
        }
      }
      ++id;
    }
    plan_.rules.push_back({tns, kRulePrioUnreachable, std::nullopt, std::nullopt, 0, true,
                           "no route in the attachment's route table: drop"});
  }

  // Each peering between two hubs is one veth, made once both ends are known.
  void tgw_peerings() {
    for (const auto& [pair, a] : tgw_peer_ends_) {
      if (pair.first > pair.second) continue;
      const LinkEnd& b = tgw_peer_ends_.at({pair.second, pair.first});
      plan_.veths.push_back({a, b, "transit gateway peering " + pair.first + " ↔ " + pair.second});
      plan_.neighs.push_back(
          {a.ns, a.ifname, addr_.tgw_link.at(pair.first + "|" + pair.second).at(2), b.mac});
      plan_.neighs.push_back(
          {b.ns, b.ifname, addr_.tgw_link.at(pair.first + "|" + pair.second).at(1), a.mac});
    }
  }

  const PeerLink& peer_link(const std::string& name) const {
    for (const auto& l : peer_links_)
      if (l.name == name) return l;
    throw std::logic_error("unknown peering " + name);  // validate rules this out
  }

  void peering(const PeerLink& l) {
    std::string ra = ns_name(sc_.name, "vpc", l.vpc_a), rb = ns_name(sc_.name, "vpc", l.vpc_b);
    LinkEnd a = end(ra, l.port_a), b = end(rb, l.port_b);
    plan_.veths.push_back({a, b, "peering " + l.name + " (" + l.vpc_a + " ↔ " + l.vpc_b + ")"});
    plan_.addrs.push_back({ra, l.port_a, Cidr{l.addr_a, 32}});
    plan_.addrs.push_back({rb, l.port_b, Cidr{l.addr_b, 32}});
    plan_.neighs.push_back({ra, l.port_a, l.addr_b, b.mac});
    plan_.neighs.push_back({rb, l.port_b, l.addr_a, a.mac});
  }

  void internet() {
    inet_ns_ = ns_name(sc_.name, "net", "internet");
    add_ns(inet_ns_, "internet", "the emulated internet", true);
  }

  // A namespace on the emulated internet with one address (hosts, services).
  // A namespace hanging off a router with one /32 address: the router's port holds `gateway`
  // (the same on every port), the namespace's default route points at it, and both ends know
  // each other's MAC. Internet hosts, services and office LAN hosts are all such stubs.
  std::string stub_link(const std::string& router, const std::string& ns, const std::string& name,
                        Ipv4 ip, Ipv4 gateway, const std::string& dev, const std::string& what,
                        const std::string& default_why) {
    std::string port = unique_ifname(router, "h-", name);
    LinkEnd r = end(router, port);
    LinkEnd e = end(ns, dev);
    plan_.veths.push_back({r, e, what});
    plan_.addrs.push_back({ns, dev, Cidr{ip, 32}});
    plan_.addrs.push_back({router, port, Cidr{gateway, 32}});
    plan_.neighs.push_back({ns, dev, gateway, r.mac});
    plan_.neighs.push_back({router, port, ip, e.mac});
    plan_.routes.push_back(
        {ns, 254, Cidr{Ipv4{0}, 0}, RouteType::kUnicast, gateway, dev, true, default_why});
    plan_.routes.push_back(
        {router, 254, Cidr{ip, 32}, RouteType::kUnicast, std::nullopt, port, false, what});
    return port;
  }

  std::string internet_stub(const std::string& ns, const std::string& name, Ipv4 ip,
                            const std::string& what, const std::string& dev = "eth0") {
    return stub_link(inet_ns_, ns, name, ip, kInternetSide, dev, what,
                     "default route to the internet router");
  }

  // The VPC's virtual private gateway: between the VPC router and the tunnels' charons, with
  // every tunnel's outside address on the emulated internet.
  void vpn_gateway(const Vpc& vpc, const std::string& rns) {
    std::vector<Ipv4> outside;
    for (const auto& [cname, c] : sc_.vpn_connections)
      if (c.vpc == vpc.name)
        for (int t = 1; t <= 2; ++t)
          outside.push_back(addr_.tunnel_public.at(cname + "/" + std::to_string(t)));
    if (!sc_.has_vpn_gateway(vpc.name)) return;
    std::string gns = ns_name(sc_.name, "vgw", vpc.name);
    add_ns(gns, "vpn-gateway", "virtual private gateway of vpc " + vpc.name, true);
    LinkEnd r = end(rns, "vgw"), g = end(gns, "vpc");
    plan_.veths.push_back({r, g, "vpc " + vpc.name + " ↔ virtual private gateway"});
    // A /30, so the two birds of a BGP connection are direct neighbours.
    plan_.addrs.push_back({rns, "vgw", Cidr{kRouterVgwSide, 30}});
    plan_.addrs.push_back({gns, "vpc", Cidr{kVgwVpcSide, 30}});
    plan_.neighs.push_back({rns, "vgw", kVgwVpcSide, g.mac});
    plan_.neighs.push_back({gns, "vpc", kRouterVgwSide, r.mac});
    plan_.routes.push_back(
        {gns, 254, *vpc.cidr, RouteType::kUnicast, kRouterVgwSide, "vpc", true, "vpc " + vpc.name});
    // charon routes into the tunnel from an address of its own side: VPC base + 3, which AWS
    // reserves and no ENI ever has.
    plan_.addrs.push_back({gns, "lo", Cidr{vpc.cidr->at(3), 32}});
    vpn_endpoints(gns, "vgw-" + vpc.name, outside, "vpc " + vpc.name);
  }

  // The outside addresses of an AWS-side VPN end (a virtual private gateway or a transit
  // gateway) on the emulated internet, if it has tunnels.
  void vpn_endpoints(const std::string& ns, const std::string& label,
                     const std::vector<Ipv4>& outside, const std::string& of) {
    if (outside.empty()) return;  // Direct Connect only: no tunnels, no internet
    std::string port = internet_stub(ns, label, outside[0], "VPN tunnel endpoints of " + of);
    for (size_t i = 1; i < outside.size(); ++i) {
      plan_.addrs.push_back({ns, "eth0", Cidr{outside[i], 32}});
      plan_.routes.push_back({inet_ns_, 254, Cidr{outside[i], 32}, RouteType::kUnicast, outside[0],
                              port, true, "VPN tunnel endpoint of " + of});
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
  void vpn_tunnels() {
    std::map<std::string, int> next;      // charons per namespace so far
    std::vector<ProcessPlan> initiators;  // started after every responder has its config
    for (const auto& [cname, c] : sc_.vpn_connections) {
      const Onprem& o = sc_.onprem.at(c.customer_gateway);
      const bool to_tgw = !c.tgw.empty();
      std::string gns = to_tgw ? ns_name(sc_.name, "tgw", c.tgw) : ns_name(sc_.name, "vgw", c.vpc);
      std::string ons = ns_name(sc_.name, "onprem", o.name);
      const bool bgp = c.routing == "bgp";
      const std::vector<Cidr> any = {Cidr{Ipv4{0}, 0}};
      // The AWS side's prefixes, for a static connection's selectors: the VPC, or the VPCs a
      // transit gateway attachment's table reaches. charon routes into the tunnel from an
      // address inside them: base + 3, which AWS reserves and no ENI has.
      const std::vector<Cidr> aws_side = to_tgw ? tgw_reachable(c) : std::vector<Cidr>{*sc_.vpcs.at(c.vpc).cidr};
      if (to_tgw && !bgp)
        for (const auto& p : aws_side)
          if (tgw_lo_.insert({gns, p}).second) plan_.addrs.push_back({gns, "lo", Cidr{p.at(3), 32}});
      std::vector<std::string> learned_by;  // a transit gateway's bird: what this VPN feeds it
      // Every gateway with tunnels has a bird: for a static connection it learns the charons'
      // routes, so they meet BGP's in one table (AWS rule 17).
      if (!to_tgw) gateway_bird(sc_.vpcs.at(c.vpc), addr_.tunnel_public.at(cname + "/1"));
      if (bgp) office_bird(o);
      for (int t = 1; t <= 2; ++t) {
        const std::string tname = cname + "-" + std::to_string(t);
        int k = next[gns]++, j = next[ons]++;
        std::string psk = hex(stable_hash(sc_.name + "/" + tname + "/psk"), 16) +
                          hex(stable_hash(tname + "/" + sc_.name), 16);
        IpsecTunnel vgw{tname,
                        "@state/vpn/" + tname + "/vgw",
                        addr_.tunnel_public.at(cname + "/" + std::to_string(t)),
                        *o.public_ip,
                        ike_port(k),
                        nat_t_port(k),
                        ike_port(j),
                        bgp ? any : aws_side,
                        bgp ? any : c.static_routes,
                        psk,
                        false,
                        221u + k,
                        40000u + k};
        IpsecTunnel cgw{tname,        "@state/vpn/" + tname + "/cgw",
                        *o.public_ip, vgw.local,
                        ike_port(j),  nat_t_port(j),
                        ike_port(k),  vgw.remote_ts,
                        vgw.local_ts, psk,
                        true,         221u + j,
                        bgp ? 40000u + j : 0u};
        std::optional<Cidr> inside;
        if (auto in = addr_.tunnel_inside.find(cname + "/" + std::to_string(t));
            in != addr_.tunnel_inside.end())
          inside = in->second;
        if (to_tgw) learned_by.push_back(bgp ? bird_name(tname) : bird_learn_name(vgw.table));
        if (bgp) {
          birds_[gns].sessions.push_back(
              {bird_name(tname), inside->at(1), inside->at(2), o.asn});
          birds_[ons].sessions.push_back(
              {bird_name(tname), inside->at(2), inside->at(1), kAmazonSideAsn});
        }
        for (const auto& [side, ns, cfg] :
             {std::tuple{"vgw", gns, &vgw}, std::tuple{"cgw", ons, &cgw}}) {
          const std::string dir = std::string("vpn/") + tname + "/" + side;
          plan_.files.push_back({dir + "/strongswan.conf", strongswan_conf(*cfg)});
          plan_.files.push_back({dir + "/swanctl.conf", swanctl_conf(*cfg)});
          uint32_t prio = cfg->table_priority ? cfg->table_priority : cfg->table;
          plan_.rules.push_back({ns, prio, std::nullopt, std::nullopt, cfg->table, false,
                                 "routes of tunnel " + tname + " (its charon's table)"});
          ProcessPlan p{ns, "ipsec-" + tname + "-" + side, {"charon-systemd"}, "/", "", {}, true};
          p.env = {"STRONGSWAN_CONF=@state/" + dir + "/strongswan.conf"};
          if (inside) p.tun_address = Cidr{inside->at(cfg->initiator ? 2 : 1), 30};
          if (!bgp && !cfg->initiator)
            birds_[gns].learn.push_back({cfg->table, kStaticVpnPreference});
          if (to_tgw && !cfg->initiator) {
            // The VPN attachment's association: what comes out of its tunnels is looked up in
            // that route table.
            std::tie(p.tun_rule_priority, p.tun_rule_table) = tgw_association(c);
          }
          if (std::string(side) == "vgw") {
            plan_.gateways.push_back(
                {"vpn-tunnel", to_tgw ? c.tgw : c.vpc, tname, ns, cfg->local, *o.public_ip});
          }
          if (cfg->initiator) {
            initiators.push_back(p);
          } else {
            // A responder without its config turns the initiator away for good.
            p.ready_file = dir + "/charon.log";
            p.ready_text = "successfully loaded";
            plan_.processes.push_back(p);
          }
        }
      }
      if (to_tgw) tgw_bird(c, addr_.tunnel_public.at(cname + "/1"), learned_by, !bgp);
    }
    plan_.processes.insert(plan_.processes.end(), initiators.begin(), initiators.end());
  }

  // The BGP speakers: a virtual private gateway (AS 64512, announcing its VPC) and an office
  // router (its own AS, announcing its network). Router IDs are unique among each bird's
  // peers: a gateway takes an address of its first tunnel or link (its VPC-side address is
  // the same in every VPC), an office router its first LAN address.
  void gateway_bird(const Vpc& vpc, Ipv4 id) {
    BirdConfig& g = birds_[ns_name(sc_.name, "vgw", vpc.name)];
    if (g.router_id.value == 0) g.router_id = id;
    g.asn = kAmazonSideAsn, g.announce = {*vpc.cidr};
    g.kernel = {{254, 0, {}, true}};
  }
  void office_bird(const Onprem& o) {
    BirdConfig& b = birds_[ns_name(sc_.name, "onprem", o.name)];
    b.router_id = o.cidr->at(1), b.asn = o.asn, b.announce = {*o.cidr};
    b.kernel = {{254, 0}};
  }

  // A transit gateway's route tables as Linux tables, in name order; the table a VPN
  // attachment is associated with (0: none) and the priority of its rule.
  uint32_t tgw_table(const TransitGateway& t, const std::string& rt) const {
    uint32_t id = kTableBase;
    for (const auto& [name, _] : t.route_tables) {
      if (name == rt) return id;
      ++id;
    }
    return 0;
  }
  // The VPC CIDRs propagated into the table a VPN attachment is associated with: what a static
  // connection to the hub reaches.
  std::vector<Cidr> tgw_reachable(const VpnConnection& c) const {
    const TransitGateway& t = sc_.transit_gateways.at(c.tgw);
    const std::string att = vpn_attachment(t, c.name);
    std::set<Cidr> out;
    for (const auto& [_, rt] : t.route_tables)
      if (std::count(rt.associations.begin(), rt.associations.end(), att))
        for (const auto& p : rt.propagations)
          if (!t.attachments.at(p).vpc.empty()) out.insert(*sc_.vpcs.at(t.attachments.at(p).vpc).cidr);
    return {out.begin(), out.end()};
  }

  static std::string vpn_attachment(const TransitGateway& t, const std::string& conn) {
    for (const auto& [name, a] : t.attachments)
      if (a.vpn == conn) return name;
    return "";
  }
  std::pair<uint32_t, uint32_t> tgw_association(const VpnConnection& c) const {
    const TransitGateway& t = sc_.transit_gateways.at(c.tgw);
    const std::string att = vpn_attachment(t, c.name);
    uint32_t n = 0;
    for (const auto& [name, rt] : t.route_tables) {
      for (const auto& a : rt.associations) {
        if (a == att) return {kRulePrioTables + 500 + n, tgw_table(t, name)};
        ++n;
      }
    }
    return {0, 0};
  }

  // The hub's bird for a VPN attachment: it announces the VPC routes of the attachment's
  // associated table, and installs what the office announces into the tables the attachment
  // propagates into (AWS rule 32), below their static routes.
  // protocols: the bird protocols carrying this VPN's routes (its BGP sessions, or for a
  // static connection the kernel protocols learning its charons' tables).
  void tgw_bird(const VpnConnection& c, Ipv4 id, const std::vector<std::string>& protocols,
                bool learned) {
    const TransitGateway& t = sc_.transit_gateways.at(c.tgw);
    BirdConfig& b = birds_[ns_name(sc_.name, "tgw", t.name)];
    if (b.router_id.value == 0) b.router_id = id;
    b.asn = kAmazonSideAsn;
    const std::string att = vpn_attachment(t, c.name);
    std::set<Cidr> announce(b.announce.begin(), b.announce.end());
    for (const auto& p : tgw_reachable(c)) announce.insert(p);
    for (const auto& [name, rt] : t.route_tables) {
      if (std::count(rt.associations.begin(), rt.associations.end(), att))
        for (const auto& r : rt.routes)  // not back to the office what points to it
          if (!r.blackhole && r.attachment != att) announce.insert(*r.destination);
      const uint32_t table = tgw_table(t, name);
      auto kernel = [&] {
        auto k = std::find_if(b.kernel.begin(), b.kernel.end(),
                              [&](const KernelExport& x) { return x.table == table; });
        if (k == b.kernel.end())
          k = b.kernel.insert(b.kernel.end(), {table, kPropagatedStatic, {}, false, false});
        return k;
      };
      if (std::count(rt.propagations.begin(), rt.propagations.end(), att)) {
        auto k = kernel();
        k->protocols.insert(k->protocols.end(), protocols.begin(), protocols.end());
        k->with_learned |= learned;
        k->from_master = true;
      }
      // The table's static routes to this VPN: via either tunnel's inside peer, the first
      // preferred; they beat propagated routes for the same prefix (AWS rule 32).
      for (const auto& r : rt.routes) {
        if (r.attachment != att) continue;
        kernel();
        for (int i = 1; i <= 2; ++i)
          b.statics.push_back({table, *r.destination,
                               addr_.tunnel_inside.at(c.name + "/" + std::to_string(i)).at(2),
                               202 - i});  // above every learned route (100-150)
      }
    }
    b.announce.assign(announce.begin(), announce.end());
  }

  // Direct Connect: a veth between the office router and the VPC's gateway at the port's
  // speed, never the internet, never encrypted; BGP over its /30, preferred at both ends over
  // VPN routes to the same prefixes (AWS rule 17).
  void direct_connect(const DirectConnect& x) {
    const Onprem& o = sc_.onprem.at(x.onprem);
    const Vpc& vpc = sc_.vpcs.at(x.vpc);
    const std::string gns = ns_name(sc_.name, "vgw", vpc.name);
    const std::string ons = ns_name(sc_.name, "onprem", o.name);
    const std::string dev = short_ifname("dx-", x.name);
    LinkEnd g = end(gns, dev), c = end(ons, dev);
    plan_.veths.push_back({g, c, "Direct Connect " + x.name + ": vpc " + vpc.name + " ↔ " + o.name,
                           x.bandwidth_bps});
    const Cidr link = addr_.dx_link.at(x.name);
    plan_.addrs.push_back({gns, dev, Cidr{link.at(1), 30}});
    plan_.addrs.push_back({ons, dev, Cidr{link.at(2), 30}});
    gateway_bird(vpc, link.at(1));
    office_bird(o);
    birds_[gns].sessions.push_back({bird_name("dx-" + x.name), link.at(1), link.at(2), o.asn,
                                    BgpSession::Export::kOriginated, true, kDirectConnectPreference});
    birds_[ons].sessions.push_back({bird_name("dx-" + x.name), link.at(2), link.at(1),
                                    kAmazonSideAsn, BgpSession::Export::kOriginated, true,
                                    kDirectConnectPreference});
    plan_.gateways.push_back({"direct-connect", vpc.name, x.name, gns, link.at(1), std::nullopt});
  }

  void birds() {
    for (auto& [ns, b] : birds_) {
      // The gateway hands what it learned on to its VPC router's bird, if a route table of
      // the VPC propagates it.
      if (bird_routers_.count(ns))
        b.sessions.push_back({"vpc", kVgwVpcSide, kRouterVgwSide, kAmazonSideAsn,
                              BgpSession::Export::kLearned, false});
      bird(ns, b, ns.substr(sc_.name.size() + 1));
    }
  }

  // bird in a namespace: config and control socket in the state directory; `up` waits until
  // its sessions have learned their routes.
  void bird(const std::string& ns, const BirdConfig& b, const std::string& label) {
    const std::string dir = "bgp/" + label;
    plan_.files.push_back({dir + "/bird.conf", bird_conf(b)});
    ProcessPlan p{ns,
                  "bird-" + label,
                  {"bird", "-f", "-c", "@state/" + dir + "/bird.conf", "-s",
                   "@state/" + dir + "/bird.ctl", "-P", "/run/bird.pid"},
                  "/",
                  "",
                  {},
                  true};
    p.bgp_socket = dir + "/bird.ctl";
    plan_.processes.push_back(p);
  }

  void host(const InternetHost& h) {
    std::string ns = endpoint_ns_name(sc_.name, h.name);
    add_ns(ns, "host", "internet host " + h.name, false);
    internet_stub(ns, h.name, *h.ip, "internet host " + h.name);
    plan_.endpoints.push_back({h.name, "host", ns, "", "", *h.ip, std::nullopt, {}, ""});
  }

  // An on-premises network: its router sits on the emulated internet with a public address and
  // NATs its LAN to it, as an office router does; each LAN host is a namespace of its own.
  void onprem(const Onprem& o) {
    using Kind = NftObject::Kind;
    std::string rns = ns_name(sc_.name, "onprem", o.name);
    add_ns(rns, "onprem-router", "router of on-premises network " + o.name, true);
    internet_stub(rns, o.name, *o.public_ip, "router of on-premises network " + o.name);
    // The router's own LAN address (the network's first), the source of its tunnel routes.
    plan_.addrs.push_back({rns, "lo", Cidr{o.cidr->at(1), 32}});
    for (const auto& [hname, h] : o.hosts) {
      std::string ns = endpoint_ns_name(sc_.name, hname);
      add_ns(ns, "onprem-host", "host " + hname + " of on-premises network " + o.name, false);
      stub_link(rns, ns, hname, *h.ip, kOnpremGateway, "eth0", "LAN of " + o.name + ": " + hname,
                "default route to the office router");
      plan_.endpoints.push_back(
          {hname, "onprem-host", ns, "", o.name, *h.ip, std::nullopt, {}, ""});
    }
    NftTable t;
    t.objects.push_back(
        {Kind::kChain,
         "postrouting",
         "type nat hook postrouting priority srcnat; policy accept;",
         {"oifname \"eth0\" ip saddr " + o.cidr->str() + " snat to " + o.public_ip->str()}});
    plan_.nft.push_back({rns, std::move(t)});
  }

  // An emulated AWS service: answers HTTP on 80 and 443 with the source address it saw.
  void service(const Service& svc) {
    std::string ns = ns_name(sc_.name, "svc", svc.name);
    add_ns(ns, "service", "emulated AWS service " + svc.name, true);
    internet_stub(ns, svc.name, svc.address(), "AWS service " + svc.name);
    plan_.processes.push_back(
        {ns,
         "service-" + svc.name,
         {"@self", "service-responder", "--name", svc.name, "--port", "80", "--port", "443"},
         "/",
         "",
         {},
         true});
    plan_.endpoints.push_back(
        {svc.name, "service", ns, "", "", svc.address(), std::nullopt, {}, ""});
    NftTable t;
    reply_paths(ns, t);
    if (!t.objects.empty()) plan_.nft.push_back({ns, std::move(t)});
  }

  // Links into a service or load-balancer namespace from many VPCs, whose addresses may
  // overlap: a reply leaves through the link its connection came in on. Conntrack remembers
  // the link (ct mark from the ingress interface); replies carry it as packet mark; a policy
  // rule per link routes them back.
  struct ReplyLink {
    std::string port;  // in the namespace
    Ipv4 peer;         // the other end's link address
  };

  void reply_paths(const std::string& ns, NftTable& t) {
    using Kind = NftObject::Kind;
    auto it = reply_links_.find(ns);
    if (it == reply_links_.end()) return;
    std::vector<std::string> marks;
    uint32_t mark = 1;
    for (const auto& l : it->second) {
      marks.push_back("\"" + l.port + "\" : " + std::to_string(mark));
      plan_.rules.push_back({ns, kRulePrioTables + mark, mark, std::nullopt, kTableBase + mark,
                             false, "replies to connections that came in on " + l.port});
      plan_.routes.push_back({ns, kTableBase + mark, Cidr{Ipv4{0}, 0}, RouteType::kUnicast, l.peer,
                              l.port, true, "back out through " + l.port});
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
  std::pair<Ipv4, Ipv4> link_pair() {
    uint32_t base = 0xA9FE4000 + 4 * next_link_++;
    return {Ipv4{base + 1}, Ipv4{base + 2}};
  }

  // A namespace with an ENI in a subnet (NAT gateway, endpoint, load balancer node).
  void eni_namespace(const std::string& rns, const std::string& ns, const std::string& port,
                     const Cidr& subnet, Ipv4 ip, const std::string& what,
                     Cidr via_vpc = Cidr{Ipv4{0}, 0}) {
    const Ipv4 gw = subnet.at(1);
    LinkEnd r = end(rns, port);
    LinkEnd e = end(ns, "eth0");
    plan_.veths.push_back({r, e, what});
    plan_.addrs.push_back({ns, "eth0", Cidr{ip, subnet.prefix}});
    plan_.addrs.push_back({rns, port, Cidr{gw, 32}});
    plan_.neighs.push_back({ns, "eth0", gw, r.mac});
    plan_.neighs.push_back({rns, port, ip, e.mac});
    plan_.routes.push_back({ns, 254, via_vpc, RouteType::kUnicast, gw, "eth0", false,
                            (via_vpc.prefix == 0 ? "default route" : "the VPC") +
                                std::string(" via the VPC router ") + gw.str()});
    plan_.routes.push_back(
        {rns, 254, Cidr{ip, 32}, RouteType::kUnicast, std::nullopt, port, false, what});
    sysctl(rns, "net/ipv4/conf/" + port + "/proxy_arp", "1", true);
    sysctl(rns, "net/ipv4/neigh/" + port + "/proxy_delay", "0", true);
  }

  // A veth from `ns` (port `port`, address a) to `far_ns` (address b): endpoint links.
  std::string far_link(const std::string& ns, const std::string& port, Ipv4 a,
                       const std::string& far_ns, const std::string& far_seed, Ipv4 b,
                       const std::string& what) {
    std::string far_port = unique_ifname(far_ns, "c-", far_seed);
    LinkEnd x = end(ns, port), y = end(far_ns, far_port);
    plan_.veths.push_back({x, y, what});
    plan_.addrs.push_back({ns, port, Cidr{a, 32}});
    plan_.addrs.push_back({far_ns, far_port, Cidr{b, 32}});
    plan_.neighs.push_back({ns, port, b, y.mac});
    plan_.neighs.push_back({far_ns, far_port, a, x.mac});
    reply_links_[far_ns].push_back({far_port, a});
    return far_port;
  }

  // Gateway endpoint: a link from the VPC router to the service, and the service's prefix
  // in the chosen route tables (AWS rule 26).
  void gateway_endpoint(const Vpc& vpc, const Endpoint& ep, const std::string& rns,
                        const std::map<std::string, uint32_t>& table_id) {
    const Service& svc = sc_.services.at(ep.service);
    std::string sns = ns_name(sc_.name, "svc", svc.name);
    auto [a, b] = link_pair();
    std::string rport = unique_ifname(rns, "s-", ep.name);
    far_link(rns, rport, a, sns, vpc.name + "-" + ep.name, b,
             "gateway endpoint " + ep.name + " of vpc " + vpc.name + " → " + svc.name);
    for (const auto& rt : ep.route_tables) {
      plan_.routes.push_back({rns, table_id.at(rt), svc.cidr, RouteType::kUnicast, b, rport, true,
                              "route table " + rt + ": pl/" + svc.name + " → endpoint/" + ep.name});
    }
  }

  // Interface endpoint: an ENI per subnet whose namespace forwards to the service (or to an
  // endpoint service's load balancer), source-NATed onto its own link (AWS rules 27, 28).
  void interface_endpoint(const Vpc& vpc, const Endpoint& ep, const std::string& rns,
                          std::vector<EndpointEni>& out) {
    using Kind = NftObject::Kind;
    for (const auto& sub : ep.subnets) {
      const Cidr scidr = *vpc.subnets.at(sub).cidr;
      const Ipv4 ip = addr_.eni_private.at(eni_key("vpce", vpc.name, ep.name, sub));
      std::string ens = ns_name(sc_.name, "vpce", vpc.name + "." + ep.name + "." + sub);
      add_ns(ens, "interface-endpoint",
             "endpoint " + ep.name + " of vpc " + vpc.name + " in " + sub, true);
      std::string port = unique_ifname(rns, "i-", ep.name + "-" + sub);
      eni_namespace(rns, ens, port, scidr, ip, "ENI of endpoint " + ep.name + " in " + sub);
      auto [a, b] = link_pair();
      std::string target_ns;
      Ipv4 target;
      if (ep.service.rfind("endpoint_service/", 0) == 0) {
        const auto& es = sc_.endpoint_services.at(ep.service.substr(17));
        target_ns = ns_name(sc_.name, "nlb", es.name + "." + es.subnets.at(0));
        target = b;
      } else {
        target_ns = ns_name(sc_.name, "svc", ep.service);
        target = sc_.services.at(ep.service).address();
      }
      far_link(ens, "svc", a, target_ns, vpc.name + "-" + ep.name + "-" + sub, b,
               "endpoint " + ep.name + " (" + vpc.name + "/" + sub + ") → " + ep.service);
      plan_.routes.push_back({ens, 254, Cidr{target, 32}, RouteType::kUnicast,
                              target == b ? std::nullopt : std::optional<Ipv4>(b), "svc",
                              target != b, ep.service + " through the endpoint link"});
      NftTable t;
      t.objects.push_back({Kind::kChain,
                           "prerouting",
                           "type nat hook prerouting priority dstnat; policy accept;",
                           {"iifname \"eth0\" ip daddr " + ip.str() + " dnat to " + target.str()}});
      t.objects.push_back({Kind::kChain,
                           "postrouting",
                           "type nat hook postrouting priority srcnat; policy accept;",
                           {"oifname \"svc\" snat to " + a.str()}});
      t.objects.push_back(
          {Kind::kChain,
           "forward",
           "type filter hook forward priority filter; policy drop;",
           {"ct state established,related accept", "iifname \"eth0\" oifname \"svc\" accept"}});
      plan_.nft.push_back({ens, std::move(t)});
      out.push_back({port, sub, ip});
      plan_.gateways.push_back({"interface-endpoint", vpc.name, ep.name, ens, ip, std::nullopt});
      if (ep.private_dns) private_dns_[{vpc.name, ep.service}].push_back(ip);
    }
  }

  // OpenVPN: a CA, the server's certificate (serverAuth) and one per client (clientAuth),
  // made for the scenario; the server hands out the client CIDR and pushes authorized routes.
  void openvpn_endpoint(const ClientVpnEndpoint& e, const std::string& ens, Ipv4 pub) {
    const std::string& name = e.name;
    const std::string dir = "@state/cvpn/" + name;
    plan_.files.push_back({"cvpn/" + name + "/ext.cnf",
                           "[server]\nbasicConstraints = CA:FALSE\n"
                           "keyUsage = critical,digitalSignature,keyAgreement\n"
                           "extendedKeyUsage = serverAuth\n"
                           "[client]\nbasicConstraints = CA:FALSE\n"
                           "keyUsage = critical,digitalSignature,keyAgreement\n"
                           "extendedKeyUsage = clientAuth\n"});
    auto openssl = [&](const std::string& step, std::vector<std::string> args) {
      args.insert(args.begin(), "openssl");
      ProcessPlan p{ens, "cvpn-" + name + "-" + step, args, dir, "", {}, true};
      p.wait_exit = true;
      plan_.processes.push_back(p);
    };
    const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt",
                                         "ec_paramgen_curve:prime256v1", "-nodes"};
    auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
      a.insert(a.end(), b.begin(), b.end());
      return a;
    };
    openssl("ca",
            with({"req", "-x509"}, with(ec, {"-keyout", "ca.key", "-out", "ca.crt", "-days", "30",
                                             "-subj", "/CN=vpcemu " + sc_.name + " " + name + " CA",
                                             "-addext", "basicConstraints=critical,CA:TRUE",
                                             "-addext", "keyUsage=critical,keyCertSign,cRLSign"})));
    std::vector<std::pair<std::string, std::string>> certs = {{"server", "server"}};
    for (const auto& [client, _] : e.clients) certs.push_back({client, "client"});
    for (const auto& [who, kind] : certs) {
      openssl(who + "-key", with({"req"}, with(ec, {"-keyout", who + ".key", "-out", who + ".csr",
                                                    "-subj", "/CN=" + who})));
      openssl(who + "-cert", {"x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey",
                              "ca.key", "-CAcreateserial", "-out", who + ".crt", "-days", "30",
                              "-extfile", "ext.cnf", "-extensions", kind});
    }
    const Cidr pool = *e.client_cidr;
    std::vector<std::string> server = {"openvpn",
                                       "--local",
                                       pub.str(),
                                       "--port",
                                       "1194",
                                       "--server",
                                       pool.network().str(),
                                       Ipv4{pool.mask()}.str(),
                                       "--topology",
                                       "subnet",
                                       "--cert",
                                       "server.crt",
                                       "--key",
                                       "server.key",
                                       "--dh",
                                       "none",
                                       "--verify-client-cert",
                                       "require",
                                       "--keepalive",
                                       "1",
                                       "5",
                                       "--status",
                                       "status.txt",
                                       "1",
                                       "--status-version",
                                       "2"};
    server.insert(server.end(), kOpenvpnCommon.begin(), kOpenvpnCommon.end());
    for (const auto& a : e.authorization) {
      server.push_back("--push");
      server.push_back("route " + a.network().str() + " " + Ipv4{a.mask()}.str());
    }
    ProcessPlan sp{ens, "cvpn-" + name + "-server", server, dir, "", {}, true};
    // Clients start once the server listens: a first packet into nothing costs a 2 s retry.
    sp.ready_file = "logs/cvpn-" + name + "-server.log";
    sp.ready_text = "Initialization Sequence Completed";
    plan_.processes.push_back(sp);
  }

  void openvpn_clients(const ClientVpnEndpoint& e, Ipv4 pub) {
    const std::string dir = "@state/cvpn/" + e.name;
    for (const auto& [client, _] : e.clients) {
      std::string cns = endpoint_ns_name(sc_.name, client);
      std::vector<std::string> argv = {
          "openvpn",           "--client", "--remote",           pub.str(), "1194",
          "--nobind",          "--cert",   client + ".crt",      "--key",   client + ".key",
          "--remote-cert-tls", "server",   "--verify-x509-name", "server",  "name"};
      argv.insert(argv.end(), kOpenvpnCommon.begin(), kOpenvpnCommon.end());
      ProcessPlan p{cns, "cvpn-client-" + client, argv, dir, "", {}, true};
      p.ready_file = "logs/cvpn-client-" + client + ".log";
      p.ready_text = "Initialization Sequence Completed";
      plan_.processes.push_back(p);
    }
  }

  // WireGuard (wireguard-go, userspace): X25519 keys made for the scenario; the server is the
  // client CIDR's first address, clients the next ones in name order.
  void x25519_key(const ClientVpnEndpoint& e, const std::string& ns, const std::string& who) {
    const std::string dir = "@state/cvpn/" + e.name;
    ProcessPlan k{ns,
                  "cvpn-" + e.name + "-" + who + "-key",
                  {"openssl", "genpkey", "-algorithm", "x25519", "-out", who + ".key.pem"},
                  dir,
                  "",
                  {},
                  true};
    k.wait_exit = true;
    ProcessPlan p{ns,
                  "cvpn-" + e.name + "-" + who + "-pub",
                  {"openssl", "pkey", "-in", who + ".key.pem", "-pubout", "-out", who + ".pub.pem"},
                  dir,
                  "",
                  {},
                  true};
    p.wait_exit = true;
    plan_.processes.push_back(k);
    plan_.processes.push_back(p);
  }

  Ipv4 wireguard_address(const ClientVpnEndpoint& e, const std::string& client) const {
    uint64_t i = 2;
    for (const auto& [c, _] : e.clients) {
      if (c == client) break;
      ++i;
    }
    return e.client_cidr->at(i);
  }

  void wireguard_endpoint(const ClientVpnEndpoint& e, const std::string& ens, Ipv4) {
    const std::string key = "cvpn/" + e.name + "/";
    x25519_key(e, ens, "server");
    for (const auto& [client, _] : e.clients) x25519_key(e, ens, client);
    std::string uapi = "set=1\nprivate_key=@key:" + key + "server.key.pem\nlisten_port=51820\n";
    for (const auto& [client, _] : e.clients) {
      uapi += "public_key=@pub:" + key + client +
              ".pub.pem\nallowed_ip=" + wireguard_address(e, client).str() + "/32\n";
    }
    ProcessPlan p{ens,
                  "cvpn-" + e.name + "-server",
                  {"wireguard-go", "-f", "wg0"},
                  "@state/cvpn/" + e.name,
                  "",
                  {},
                  true};
    p.wireguard =
        WireguardSetup{"wg0", uapi + "\n", Cidr{e.client_cidr->at(1), e.client_cidr->prefix}, {}};
    plan_.processes.push_back(p);
  }

  void wireguard_clients(const ClientVpnEndpoint& e, Ipv4 pub) {
    const std::string key = "cvpn/" + e.name + "/";
    for (const auto& [client, _] : e.clients) {
      std::string cns = endpoint_ns_name(sc_.name, client);
      std::string uapi =
          "set=1\nprivate_key=@key:" + key + client + ".key.pem\npublic_key=@pub:" + key +
          "server.pub.pem\nendpoint=" + pub.str() + ":51820\npersistent_keepalive_interval=1\n";
      for (const auto& a : e.authorization) uapi += "allowed_ip=" + a.str() + "\n";
      uapi += "allowed_ip=" + e.client_cidr->at(1).str() + "/32\n";
      ProcessPlan p{cns,
                    "cvpn-client-" + client,
                    {"wireguard-go", "-f", "wg0"},
                    "@state/cvpn/" + e.name,
                    "",
                    {},
                    true};
      p.wireguard = WireguardSetup{"wg0", uapi + "\n",
                                   Cidr{wireguard_address(e, client), e.client_cidr->prefix},
                                   e.authorization};
      plan_.processes.push_back(p);
      plan_.gateways.push_back(
          {"wireguard-client", e.vpc, client, cns, wireguard_address(e, client), std::nullopt});
    }
  }

  // Client VPN endpoint: an ENI in the first associated subnet, a public address where clients
  // connect (OpenVPN, mutual TLS with certificates made for the scenario), their traffic
  // source-NATed to the ENI and allowed only to authorized destinations (AWS rule 30).
  void client_vpn(const Vpc& vpc, const std::string& rns, std::vector<EndpointEni>& out) {
    using Kind = NftObject::Kind;
    for (const auto& [name, e] : sc_.client_vpn_endpoints) {
      if (e.vpc != vpc.name || e.subnets.empty()) continue;
      const std::string sub = e.subnets[0];
      const Cidr scidr = *vpc.subnets.at(sub).cidr;
      const Ipv4 ip = addr_.eni_private.at(eni_key("cvpn", vpc.name, name, sub));
      const Ipv4 pub = addr_.tunnel_public.at("cvpn/" + name);
      std::string ens = ns_name(sc_.name, "cvpn", name);
      add_ns(ens, "client-vpn-endpoint", "client VPN endpoint " + name, true);
      std::string port = unique_ifname(rns, "c-", name);
      eni_namespace(rns, ens, port, scidr, ip, "ENI of client VPN endpoint " + name, *vpc.cidr);
      internet_stub(ens, "cvpn-" + name, pub, "client VPN endpoint " + name, "inet");
      out.push_back({port, sub, ip});
      plan_.gateways.push_back({"client-vpn-endpoint", vpc.name, name, ens, ip, pub});

      const std::string tun = e.transport == "wireguard" ? "wg0" : "tun0";
      if (e.transport == "wireguard") {
        wireguard_endpoint(e, ens, pub);
      } else {
        openvpn_endpoint(e, ens, pub);
      }
      std::string auth;
      for (const auto& a : e.authorization) auth += (auth.empty() ? "" : ", ") + a.str();
      NftTable t;
      t.objects.push_back({Kind::kChain,
                           "postrouting",
                           "type nat hook postrouting priority srcnat; policy accept;",
                           {"iifname \"" + tun + "\" oifname \"eth0\" snat to " + ip.str()}});
      std::vector<std::string> fwd = {"ct state established,related accept"};
      if (!auth.empty()) {
        fwd.push_back("iifname \"" + tun + "\" oifname \"eth0\" ip daddr { " + auth + " } accept");
      }
      fwd.push_back("counter comment \"no authorization rule allows it\"");
      t.objects.push_back(
          {Kind::kChain, "forward", "type filter hook forward priority filter; policy drop;", fwd});
      plan_.nft.push_back({ens, std::move(t)});

      for (const auto& [client, _] : e.clients) {
        std::string cns = endpoint_ns_name(sc_.name, client);
        add_ns(cns, "vpn-client", "client VPN client " + client, false);
        internet_stub(cns, client, addr_.tunnel_public.at("client/" + client),
                      "client VPN client " + client);
        plan_.endpoints.push_back({client,
                                   "vpn-client",
                                   cns,
                                   vpc.name,
                                   name,
                                   addr_.tunnel_public.at("client/" + client),
                                   std::nullopt,
                                   {},
                                   ""});
      }
      if (e.transport == "wireguard")
        wireguard_clients(e, pub);
      else
        openvpn_clients(e, pub);
    }
  }

  // Endpoint service: a load balancer node per subnet of the provider VPC.
  void load_balancer_nodes(const Vpc& vpc, const std::string& rns, std::vector<EndpointEni>& out) {
    for (const auto& [name, es] : sc_.endpoint_services) {
      if (es.vpc != vpc.name) continue;
      for (const auto& sub : es.subnets) {
        const Cidr scidr = *vpc.subnets.at(sub).cidr;
        const Ipv4 ip = addr_.eni_private.at(eni_key("nlb", vpc.name, name, sub));
        std::string lns = ns_name(sc_.name, "nlb", name + "." + sub);
        add_ns(lns, "load-balancer", "load balancer of endpoint service " + name + " in " + sub,
               true);
        std::string port = unique_ifname(rns, "l-", name + "-" + sub);
        eni_namespace(rns, lns, port, scidr, ip, "load balancer " + name + " in " + sub);
        out.push_back({port, sub, ip});
        plan_.gateways.push_back({"load-balancer", vpc.name, name, lns, ip, std::nullopt});
      }
    }
  }

  // The load balancer spreads new connections over its targets (nft numgen) and presents its
  // own address to them; consumers can only ever start connections, never receive them.
  void load_balancer_rules(const EndpointService& es) {
    using Kind = NftObject::Kind;
    const Vpc& vpc = sc_.vpcs.at(es.vpc);
    std::vector<std::string> targets;
    for (size_t i = 0; i < es.targets.size(); ++i)
      targets.push_back(std::to_string(i) + " : " + addr_.private_ip.at(es.targets[i]).str());
    std::string tmap;
    for (const auto& x : targets) tmap += (tmap.empty() ? "" : ", ") + x;
    for (const auto& sub : es.subnets) {
      std::string lns = ns_name(sc_.name, "nlb", es.name + "." + sub);
      const Ipv4 ip = addr_.eni_private.at(eni_key("nlb", vpc.name, es.name, sub));
      NftTable t;
      t.objects.push_back({Kind::kChain,
                           "prerouting",
                           "type nat hook prerouting priority dstnat; policy accept;",
                           {"iifname != \"eth0\" meta l4proto tcp th dport " +
                            std::to_string(es.port) + " dnat to numgen inc mod " +
                            std::to_string(es.targets.size()) + " map { " + tmap + " }"}});
      t.objects.push_back({Kind::kChain,
                           "postrouting",
                           "type nat hook postrouting priority srcnat; policy accept;",
                           {"oifname \"eth0\" snat to " + ip.str()}});
      t.objects.push_back({Kind::kChain,
                           "forward",
                           "type filter hook forward priority filter; policy drop;",
                           {"ct state established,related accept",
                            "iifname != \"eth0\" oifname \"eth0\" ct state new accept",
                            "counter comment \"one-way: the provider cannot reach consumers\""}});
      reply_paths(lns, t);
      plan_.nft.push_back({lns, std::move(t)});
    }
  }

  // AmazonProvidedDNS: dnsmasq in the VPC router on the VPC's base + 2.
  void dns(const Vpc& vpc, const std::string& rns) {
    const Ipv4 ip = vpc.cidr->at(2);
    plan_.addrs.push_back({rns, "lo", Cidr{ip, 32}});
    std::string hosts;
    for (const auto& [iname, in] : vpc.instances) {
      Ipv4 a = addr_.private_ip.at(iname);
      std::string dashed = a.str();
      std::replace(dashed.begin(), dashed.end(), '.', '-');
      hosts += a.str() + " ip-" + dashed + ".ec2.internal ip-" + dashed + " " + iname + "\n";
    }
    for (const auto& [name, svc] : sc_.services) {
      if (auto it = private_dns_.find({vpc.name, name}); it != private_dns_.end()) {
        for (const auto& a : it->second) {
          hosts += a.str();
          for (const auto& n : svc.dns_names) hosts += " " + n;
          hosts += "\n";
        }
        continue;
      }
      hosts += svc.address().str();
      for (const auto& n : svc.dns_names) hosts += " " + n;
      hosts += "\n";
    }
    // dnsmasq watches the directory (inotify): a live change rewrites the file, no restart.
    const std::string file = "dns/" + vpc.name + "/hosts";
    plan_.files.push_back({file, hosts});
    plan_.processes.push_back(
        {rns,
         "dns-" + vpc.name,
         {"dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
          "--no-poll", "--bind-interfaces", "--listen-address=" + ip.str(),
          "--hostsdir=@state/dns/" + vpc.name, "--pid-file=", "--log-facility=-", "--user=root"},
         "/",
         "",
         {},
         true});
    plan_.files.push_back({"etc/vpc-" + vpc.name + "/resolv.conf",
                           "nameserver " + ip.str() + "\nsearch ec2.internal\n"});
  }

  void compile_vpc(const Vpc& vpc) {
    const std::string rns = ns_name(sc_.name, "vpc", vpc.name);
    add_ns(rns, "router", "vpc " + vpc.name, true);
    const Cidr vcidr = *vpc.cidr;

    // Route tables: Linux table (and fwmark) 100 + index in name order.
    std::map<std::string, uint32_t> table_id;
    uint32_t next = kTableBase;
    for (const auto& [name, _] : vpc.route_tables) table_id[name] = next++;

    // The local route: VPC destinations are looked up in main, ahead of every route table.
    plan_.rules.push_back({rns, kRulePrioLocal, std::nullopt, vcidr, 254, false,
                           "local route " + vcidr.str() + " wins over every route table"});
    plan_.routes.push_back({rns, 254, vcidr, RouteType::kBlackhole, std::nullopt, "", false,
                            "addresses of the VPC without an ENI"});
    for (const auto& [name, id] : table_id) {
      plan_.rules.push_back({rns, kRulePrioTables + (id - kTableBase), id, std::nullopt, id, false,
                             "route table " + name});
    }
    plan_.rules.push_back({rns, kRulePrioUnreachable, std::nullopt, std::nullopt, 0, true,
                           "no route in the subnet's route table: drop"});

    vpn_gateway(vpc, rns);
    std::string igw_ns;
    LinkEnd router_igw;
    if (vpc.internet_gateway) {
      igw_ns = ns_name(sc_.name, "igw", vpc.name);
      add_ns(igw_ns, "internet-gateway", "internet gateway of vpc " + vpc.name, true);
      router_igw = end(rns, "igw");
      LinkEnd igw_vpc = end(igw_ns, "vpc");
      plan_.veths.push_back({router_igw, igw_vpc, "vpc " + vpc.name + " ↔ internet gateway"});
      plan_.addrs.push_back({rns, "igw", Cidr{kRouterIgwSide, 32}});
      plan_.addrs.push_back({igw_ns, "vpc", Cidr{kIgwVpcSide, 32}});
      plan_.neighs.push_back({rns, "igw", kIgwVpcSide, igw_vpc.mac});
      plan_.neighs.push_back({igw_ns, "vpc", kRouterIgwSide, router_igw.mac});
      plan_.routes.push_back({igw_ns, 254, vcidr, RouteType::kUnicast, kRouterIgwSide, "vpc", true,
                              "vpc " + vpc.name});

      std::string gport = unique_ifname(inet_ns_, "g-", vpc.name);
      LinkEnd igw_inet = end(igw_ns, "inet");
      LinkEnd inet_g = end(inet_ns_, gport);
      plan_.veths.push_back({igw_inet, inet_g, "internet gateway of " + vpc.name + " ↔ internet"});
      plan_.addrs.push_back({igw_ns, "inet", Cidr{kIgwInetSide, 32}});
      plan_.addrs.push_back({inet_ns_, gport, Cidr{kInternetSide, 32}});
      plan_.neighs.push_back({igw_ns, "inet", kInternetSide, inet_g.mac});
      plan_.neighs.push_back({inet_ns_, gport, kIgwInetSide, igw_inet.mac});
      plan_.routes.push_back({igw_ns, 254, Cidr{Ipv4{0}, 0}, RouteType::kUnicast, kInternetSide,
                              "inet", true, "internet"});
      igw_rules(vpc, igw_ns, gport);
    }

    for (const auto& [sname, sub] : vpc.subnets) {
      std::string rt = !sub.route_table.empty()        ? sub.route_table
                       : !vpc.main_route_table.empty() ? vpc.main_route_table
                                                       : "main";
      plan_.subnets.push_back({vpc.name, sname, *sub.cidr, rt, effective_acl(sub)});
    }

    // ENIs.
    std::map<std::string, std::string> port_of;  // instance → router port
    for (const auto& [iname, in] : vpc.instances) {
      const Subnet& sub = vpc.subnets.at(in.subnet);
      const Cidr scidr = *sub.cidr;
      const Ipv4 ip = addr_.private_ip.at(iname);
      std::string ins = endpoint_ns_name(sc_.name, iname);
      add_ns(ins, "instance", "instance " + iname, false);
      std::string port = unique_ifname(rns, "e-", iname);
      port_of[iname] = port;
      // Same-subnet peers resolve to the router (proxy ARP), so every packet crosses it as in AWS.
      eni_namespace(rns, ins, port, scidr, ip, "ENI of " + iname);
      std::optional<Ipv4> pub;
      if (auto p = addr_.public_ip.find(iname); p != addr_.public_ip.end()) pub = p->second;
      const std::string resolv = "etc/vpc-" + vpc.name + "/resolv.conf";
      plan_.endpoints.push_back(
          {iname, "instance", ins, vpc.name, in.subnet, ip, pub, effective_groups(in), resolv});
      if (!in.run.empty()) plan_.processes.push_back({ins, iname, in.run, dir_, resolv});
    }

    // NAT gateways: an ENI in a public subnet, masquerading to its private address.
    std::map<std::string, std::string> nat_port;  // NAT name → router port
    for (const auto& [nname, nat] : vpc.nat_gateways) {
      const Cidr scidr = *vpc.subnets.at(nat.subnet).cidr;
      const Ipv4 ip = addr_.nat_private.at(nat_key(vpc.name, nname));
      std::string nns = ns_name(sc_.name, "nat", vpc.name + "." + nname);
      add_ns(nns, "nat-gateway", "NAT gateway " + nname + " of vpc " + vpc.name, true);
      std::string port = unique_ifname(rns, "n-", nname);
      nat_port[nname] = port;
      eni_namespace(rns, nns, port, scidr, ip, "ENI of NAT gateway " + nname);
      nat_rules(nns, ip, *vpc.cidr);
      plan_.gateways.push_back(
          {"nat-gateway", vpc.name, nname, nns, ip, addr_.nat_public.at(nat_key(vpc.name, nname))});
    }

    // Endpoints and load balancers: ENIs of their own, in subnets.
    std::vector<EndpointEni> endpoint_enis, lb_enis;
    for (const auto& [_, ep] : vpc.endpoints) {
      if (ep.type == "gateway")
        gateway_endpoint(vpc, ep, rns, table_id);
      else
        interface_endpoint(vpc, ep, rns, endpoint_enis);
    }
    load_balancer_nodes(vpc, rns, lb_enis);
    std::vector<EndpointEni> cvpn_enis;
    client_vpn(vpc, rns, cvpn_enis);

    // Routes of each table.
    for (const auto& [name, rt] : vpc.route_tables) {
      uint32_t id = table_id[name];
      for (const auto& r : rt.routes) {
        std::string why = "route table " + name + ": " + r.destination->str() + " → " + r.target;
        if (r.target == "internet_gateway") {
          plan_.routes.push_back(
              {rns, id, *r.destination, RouteType::kUnicast, kIgwVpcSide, "igw", true, why});
        } else if (r.target.rfind("peering/", 0) == 0) {
          const PeerLink& l = peer_link(r.target.substr(8));
          bool a_side = l.vpc_a == vpc.name;
          plan_.routes.push_back({rns, id, *r.destination, RouteType::kUnicast,
                                  a_side ? l.addr_b : l.addr_a, a_side ? l.port_a : l.port_b, true,
                                  why});
        } else if (r.target.rfind("nat_gateway/", 0) == 0) {
          std::string n = r.target.substr(12);
          plan_.routes.push_back({rns, id, *r.destination, RouteType::kUnicast,
                                  addr_.nat_private.at(nat_key(vpc.name, n)), nat_port.at(n), true,
                                  why});
        } else if (r.target == "vpn_gateway") {
          plan_.routes.push_back(
              {rns, id, *r.destination, RouteType::kUnicast, kVgwVpcSide, "vgw", true, why});
        } else if (r.target.rfind("transit_gateway/", 0) == 0) {
          const TgwLink& l = tgw_link(r.target.substr(16), vpc.name);
          plan_.routes.push_back({rns, id, *r.destination, RouteType::kUnicast, l.link.at(2),
                                  l.router_port, true, why});
        } else if (r.target == "blackhole") {
          plan_.routes.push_back(
              {rns, id, *r.destination, RouteType::kBlackhole, std::nullopt, "", false, why});
        } else if (r.target.rfind("instance/", 0) == 0) {
          std::string n = r.target.substr(9);
          plan_.routes.push_back({rns, id, *r.destination, RouteType::kUnicast,
                                  addr_.private_ip.at(n), port_of.at(n), true, why});
        }
      }
    }
    propagation(vpc, rns, table_id);
    router_rules(vpc, rns, table_id, port_of, nat_port, endpoint_enis, lb_enis, cvpn_enis);
    dns(vpc, rns);
  }

  // Route propagation from the VPN gateway into the tables that ask for it. A table's own
  // routes win over propagated ones for the same prefix, and static VPN routes over BGP
  // (AWS rule 17): the kernel picks the lowest metric among equal prefixes. Static VPN routes
  // are known now; BGP routes arrive at run time through a bird in the router, learned from
  // the gateway's bird.
  void propagation(const Vpc& vpc, const std::string& rns,
                   const std::map<std::string, uint32_t>& table_id) {
    std::vector<uint32_t> tables;
    for (const auto& [name, rt] : vpc.route_tables)
      if (std::count(rt.propagations.begin(), rt.propagations.end(), "vpn_gateway"))
        tables.push_back(table_id.at(name));
    if (tables.empty()) return;
    std::set<Cidr> statics;
    bool bgp = false;
    for (const auto& [cname, c] : sc_.vpn_connections) {
      if (c.vpc != vpc.name) continue;
      bgp |= c.routing == "bgp";
      if (c.routing == "static") statics.insert(c.static_routes.begin(), c.static_routes.end());
    }
    for (const auto& [_, x] : sc_.direct_connects) bgp |= x.vpc == vpc.name;
    for (uint32_t id : tables)
      for (const auto& dst : statics)
        plan_.routes.push_back({rns, id, dst, RouteType::kUnicast, kVgwVpcSide, "vgw", true,
                                "propagated static VPN route " + dst.str(), kPropagatedStatic});
    if (!bgp) return;
    // The router's own BGP packets to its gateway (everything else it sends or forwards goes
    // by route table, or nowhere).
    plan_.rules.push_back({rns, kRulePrioLocal + 1, std::nullopt, Cidr{Cidr{kRouterVgwSide, 30}.network(), 30}, 254,
                           false, "the router's BGP session with its VPN gateway", "lo"});
    BirdConfig b;
    b.router_id = kRouterVgwSide;
    b.asn = kAmazonSideAsn;
    b.sessions.push_back({"vgw", kRouterVgwSide, kVgwVpcSide, kAmazonSideAsn,
                          BgpSession::Export::kNone, true});
    for (uint32_t id : tables) b.kernel.push_back({id, kPropagatedBgp});
    bird(rns, b, rns.substr(sc_.name.size() + 1));
    bird_routers_.insert(ns_name(sc_.name, "vgw", vpc.name));
  }

  // The VPC router's table: ingress port → route table mark, AWS's source/destination check
  // (an ENI may only send from its own address), then security groups and NACLs.
  void router_rules(const Vpc& vpc, const std::string& rns,
                    const std::map<std::string, uint32_t>& table_id,
                    const std::map<std::string, std::string>& port_of,
                    const std::map<std::string, std::string>& nat_port,
                    const std::vector<EndpointEni>& endpoint_enis,
                    const std::vector<EndpointEni>& lb_enis,
                    const std::vector<EndpointEni>& cvpn_enis) {
    using Kind = NftObject::Kind;
    NftTable t;
    std::vector<std::string> marks, sources;
    std::vector<EniPort> enis;
    for (const auto& [iname, in] : vpc.instances) {
      const std::string& port = port_of.at(iname);
      const Subnet& sub = vpc.subnets.at(in.subnet);
      std::string rt = sub.route_table.empty() ? vpc.main_route_table : sub.route_table;
      if (!rt.empty()) marks.push_back("\"" + port + "\" : " + std::to_string(table_id.at(rt)));
      sources.push_back("\"" + port + "\" . " + addr_.private_ip.at(iname).str());
      enis.push_back({port, iname, in.subnet, addr_.private_ip.at(iname), effective_groups(in)});
    }
    // NAT gateways: routed by their subnet's table and judged by its NACL, but they carry no
    // security groups and forward others' packets, so the source check does not apply.
    for (const auto& [nname, nat] : vpc.nat_gateways) {
      const std::string& port = nat_port.at(nname);
      const Subnet& sub = vpc.subnets.at(nat.subnet);
      std::string rt = sub.route_table.empty() ? vpc.main_route_table : sub.route_table;
      if (!rt.empty()) marks.push_back("\"" + port + "\" : " + std::to_string(table_id.at(rt)));
      enis.push_back({port,
                      "nat-gateway " + nname,
                      nat.subnet,
                      addr_.nat_private.at(nat_key(vpc.name, nname)),
                      {}});
    }
    auto subnet_mark = [&](const std::string& port, const std::string& subnet) {
      const Subnet& sub = vpc.subnets.at(subnet);
      std::string rt = sub.route_table.empty() ? vpc.main_route_table : sub.route_table;
      if (!rt.empty()) marks.push_back("\"" + port + "\" : " + std::to_string(table_id.at(rt)));
    };
    // Interface endpoints carry security groups (AWS rule 27); load balancer nodes do not.
    for (const auto& [ename, ep] : vpc.endpoints) {
      if (ep.type != "interface") continue;
      std::vector<std::string> groups =
          ep.security_groups.empty() ? std::vector<std::string>{kDefaultGroup} : ep.security_groups;
      for (const auto& e : endpoint_enis) {
        if (e.ip != addr_.eni_private.at(eni_key("vpce", vpc.name, ename, e.subnet))) continue;
        subnet_mark(e.port, e.subnet);
        enis.push_back({e.port, "endpoint " + ename, e.subnet, e.ip, groups});
      }
    }
    for (const auto& e : lb_enis) {
      subnet_mark(e.port, e.subnet);
      enis.push_back({e.port, "load balancer", e.subnet, e.ip, {}});
    }
    for (const auto& e : cvpn_enis) {
      subnet_mark(e.port, e.subnet);
      enis.push_back({e.port, "client VPN endpoint", e.subnet, e.ip, {kDefaultGroup}});
    }
    // What arrives from a transit gateway is routed by its attachment subnet's table.
    for (const auto& l : tgw_links_)
      if (l.vpc == vpc.name) subnet_mark(l.router_port, l.subnet);
    t.objects.push_back({Kind::kMap, "route-table", "type ifname : mark;", marks});
    t.objects.push_back({Kind::kSet, "eni-source", "type ifname . ipv4_addr;", sources});
    std::vector<std::string> pre = {
        "iifname \"e-*\" iifname . ip saddr != @eni-source counter drop comment "
        "\"source/destination check\""};
    // A peering carries only the two VPCs' own traffic: nothing transits (AWS rules 23, 24).
    for (const auto& l : peer_links_) {
      if (l.vpc_a != vpc.name && l.vpc_b != vpc.name) continue;
      bool a_side = l.vpc_a == vpc.name;
      const Cidr& peer_cidr = *sc_.vpcs.at(a_side ? l.vpc_b : l.vpc_a).cidr;
      pre.push_back("iifname \"" + (a_side ? l.port_a : l.port_b) +
                    "\" ip saddr != " + peer_cidr.str() + " counter drop comment \"peering " +
                    l.name + ": not from the peer VPC\"");
    }
    pre.push_back("meta mark set iifname map @route-table");
    t.objects.push_back({Kind::kChain, "prerouting",
                         "type filter hook prerouting priority mangle; policy accept;", pre});
    security_objects(vpc, enis, members_, sc_.services, t);
    plan_.nft.push_back({rns, std::move(t)});
  }

  // NAT gateway: connections from the VPC leave with its private address (the IGW maps that
  // to its Elastic IP) and a port from 1024-65535, AWS's range; nothing may start from outside.
  void nat_rules(const std::string& nns, Ipv4 ip, const Cidr& vpc_cidr) {
    using Kind = NftObject::Kind;
    NftTable t;
    t.objects.push_back({Kind::kChain,
                         "postrouting",
                         "type nat hook postrouting priority srcnat; policy accept;",
                         {"ip saddr != " + ip.str() + " meta l4proto { tcp, udp } snat to " +
                              ip.str() + ":1024-65535 fully-random",
                          "ip saddr != " + ip.str() + " snat to " + ip.str()}});
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
    plan_.nft.push_back({nns, std::move(t)});
  }

  // Internet gateway: stateful 1:1 NAT between public and private addresses; anything else is
  // dropped, so an instance without a public address never crosses it.
  void igw_rules(const Vpc& vpc, const std::string& igw_ns, const std::string& gport) {
    using Kind = NftObject::Kind;
    std::vector<std::string> pub2priv, priv2pub, mapped;
    for (const auto& [iname, _] : vpc.instances) {
      auto p = addr_.public_ip.find(iname);
      if (p == addr_.public_ip.end()) continue;
      Ipv4 priv = addr_.private_ip.at(iname);
      pub2priv.push_back(p->second.str() + " : " + priv.str());
      priv2pub.push_back(priv.str() + " : " + p->second.str());
      mapped.push_back(priv.str());
      plan_.routes.push_back({inet_ns_, 254, Cidr{p->second, 32}, RouteType::kUnicast, kIgwInetSide,
                              gport, true,
                              "public address of " + iname + " (vpc " + vpc.name + ")"});
    }
    for (const auto& [nname, _] : vpc.nat_gateways) {
      Ipv4 priv = addr_.nat_private.at(nat_key(vpc.name, nname));
      Ipv4 pub = addr_.nat_public.at(nat_key(vpc.name, nname));
      pub2priv.push_back(pub.str() + " : " + priv.str());
      priv2pub.push_back(priv.str() + " : " + pub.str());
      mapped.push_back(priv.str());
      plan_.routes.push_back({inet_ns_, 254, Cidr{pub, 32}, RouteType::kUnicast, kIgwInetSide,
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
                         {"dnat to ip daddr map @public-to-private"}});
    t.objects.push_back({Kind::kChain,
                         "postrouting",
                         "type nat hook postrouting priority srcnat; policy accept;",
                         {"iifname \"vpc\" snat to ip saddr map @private-to-public"}});
    t.objects.push_back({Kind::kChain,
                         "forward",
                         "type filter hook forward priority filter; policy drop;",
                         {"iifname \"vpc\" ip saddr @mapped accept",
                          "iifname \"inet\" oifname \"vpc\" ip daddr @mapped accept",
                          "counter comment \"no public address: the internet gateway drops it\""}});
    plan_.nft.push_back({igw_ns, std::move(t)});
  }

  const Scenario& sc_;
  std::string dir_;
  Addressing addr_;
  Plan plan_;
  std::string inet_ns_;
  std::map<std::string, std::set<std::string>> ifnames_;
  std::vector<PeerLink> peer_links_;
  std::vector<TgwLink> tgw_links_;
  std::map<std::pair<std::string, std::string>, LinkEnd> tgw_peer_ends_;
  std::set<std::pair<std::string, Cidr>> tgw_lo_;  // (hub namespace, prefix) with a lo address  // (hub, peer) → hub's end
  GroupMembers members_;
  std::set<std::string> bird_routers_;  // VGW namespaces whose VPC router runs a bird
  std::map<std::string, BirdConfig> birds_;  // namespace → its bird (BGP speakers only)
  std::map<std::string, std::vector<ReplyLink>> reply_links_;  // by namespace
  uint32_t next_link_ = 0;
  // (vpc, service) → interface endpoint addresses its private DNS name resolves to.
  std::map<std::pair<std::string, std::string>, std::vector<Ipv4>> private_dns_;
};

}  // namespace

Plan compile(const Scenario& sc, const std::string& scenario_dir) {
  return Compiler(sc, scenario_dir).run();
}

}  // namespace vpcemu
