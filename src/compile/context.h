// What every construct's compile step shares: the scenario, its addresses, the plan being built,
// the registries one construct fills and another reads, and the helpers that make kernel
// objects of one shape (a namespace, a veth end, an ENI, a stub link, a far link).
#pragma once
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "compile/compile.h"
#include "compile/plan.h"
#include "compile/security.h"
#include "daemons/bird.h"
#include "model/addressing.h"
#include "model/scenario.h"

namespace vpcemu::compiling {

// An ENI of an AWS-managed namespace (endpoint, load balancer node, client VPN endpoint): the
// router port it hangs off, its subnet and address.
struct EndpointEni {
  std::string port;
  std::string subnet;
  Ipv4 ip;
};

// A peering is a veth between two VPC routers. Its two ends get addresses of their own
// (169.254.16.0/20, one /30 per peering) so a router can be on both sides of several.
struct PeerLink {
  std::string name, vpc_a, vpc_b, port_a, port_b;
  Ipv4 addr_a, addr_b;
};

// A VPC attachment to a transit gateway: a veth between the VPC router and the hub, a /30
// (router first).
struct TgwLink {
  std::string tgw, attachment, vpc, subnet, router_port, hub_port;
  Cidr link;
};

// Links into a service or load-balancer namespace from many VPCs, whose addresses may
// overlap: a reply leaves through the link its connection came in on. Conntrack remembers
// the link (ct mark from the ingress interface); replies carry it as packet mark; a policy
// rule per link routes them back.
struct ReplyLink {
  std::string port;                // in the namespace
  IpAddr peer;                     // the other end's link address
  IpPrefix to = Cidr{Ipv4{0}, 0};  // what its replies go to (its family: the rule's)
};

// One VPC's router while it is compiled: its namespace, its route tables' Linux ids (100 + index
// in name order, also their fwmark), and the router port of every ENI the VPC's constructs add,
// which router_rules marks and guards.
struct VpcRouter {
  const Vpc& vpc;
  std::string ns;
  std::map<std::string, uint32_t> table_id;
  std::map<std::string, std::string> port_of;   // instance → router port
  std::map<std::string, std::string> nat_port;  // NAT gateway → router port
  std::vector<EndpointEni> endpoint_enis, lb_enis, cvpn_enis;
  // Gateway load balancer nodes of this VPC, and its gateway load balancer endpoints (also by
  // name, for routes to them).
  std::vector<EndpointEni> gwlb_enis, gwlbe_enis;
  std::map<std::string, EndpointEni> gwlbe_port;
};

struct CompileContext {
  CompileContext(const Scenario& scenario, std::string scenario_dir);

  // A namespace of the scenario; a forwarding one routes (ip_forward on, rp_filter off).
  void add_ns(const std::string& name, const std::string& role, const std::string& owner,
              bool forwarding);
  void sysctl(const std::string& ns, std::string key, std::string value, bool after = false);
  // One end of a veth, its MAC derived from namespace and name (stable across runs).
  LinkEnd end(const std::string& ns, const std::string& ifname);
  // A veth between two namespaces, an address (/prefix) on each end, and each end's permanent
  // neighbour entry for the other (vpcemu knows both MACs, so no ARP); in that order in the plan.
  void point_to_point(const std::string& ns_a, const std::string& if_a, Ipv4 addr_a,
                      const std::string& ns_b, const std::string& if_b, Ipv4 addr_b, int prefix,
                      const std::string& what, uint32_t mtu = kMtuInternet);
  // IPv6 on a veth point_to_point made: kLinkLocalRouter on a, kLinkLocalPeer on b, and each
  // end's permanent neighbour entry for the other.
  void link_local_pair(const std::string& ns_a, const std::string& if_a, const std::string& ns_b,
                       const std::string& if_b);
  // IPv6 on a stub or an ENI made already: `ip`/128 on the namespace's `dev`, whose default
  // route goes to kLinkLocalRouter on the router's `port`; the router routes `ip` to the port.
  // As for IPv4, both ends know each other's MAC.
  void ipv6_stub(const std::string& router, const std::string& port, const std::string& ns,
                 const std::string& dev, const IpAddr& ip, const std::string& what);
  // A deterministic name unique within `ns`.
  std::string unique_ifname(const std::string& ns, const std::string& prefix,
                            const std::string& name);
  // A namespace hanging off a router with one /32 address: the router's port holds `gateway`
  // (the same on every port), the namespace's default route points at it, and both ends know
  // each other's MAC. Internet hosts, services and office LAN hosts are all such stubs.
  std::string stub_link(const std::string& router, const std::string& ns, const std::string& name,
                        Ipv4 ip, Ipv4 gateway, const std::string& dev, const std::string& what,
                        const std::string& default_why);
  // A stub on the emulated internet's router (hosts, services, VPN endpoints).
  std::string internet_stub(const std::string& ns, const std::string& name, Ipv4 ip,
                            const std::string& what, const std::string& dev = "eth0");
  // bird in a namespace: config and control socket in the state directory; `up` waits until
  // its sessions have learned their routes.
  void bird(const std::string& ns, const BirdConfig& b, const std::string& label);
  // Replies leave a namespace with many links (service, load balancer, the internet router)
  // through the link their connection came in on: conntrack remembers the link, a policy rule
  // per link routes back.
  void reply_paths(const std::string& ns, NftTable& t);
  // The next /30 of 169.254.64.0/18 for an endpoint link: .1 on the VPC side, .2 beyond.
  std::pair<Ipv4, Ipv4> link_pair();
  // A namespace with an ENI in a subnet (NAT gateway, endpoint, load balancer node).
  // `mtu` is the ENI's: kMtuVpc for an instance, less where AWS's component takes less.
  void eni_namespace(const std::string& rns, const std::string& ns, const std::string& port,
                     const Cidr& subnet, Ipv4 ip, const std::string& what, uint32_t mtu,
                     Cidr via_vpc = Cidr{Ipv4{0}, 0});
  // A veth from `ns` (port `port`, address a) to `far_ns` (address b): endpoint links.
  std::string far_link(const std::string& ns, const std::string& port, Ipv4 a,
                       const std::string& far_ns, const std::string& far_seed, Ipv4 b,
                       const std::string& what);

  // Filled by one construct, read by others: peer_links and tgw_links are made before any VPC
  // (route targets refer to them), members before any security group, birds by every BGP
  // speaker before bgp.cpp renders them, reply_links by endpoints before services are made.
  const Scenario& sc;
  std::string dir;
  bool ipv6 = false;  // some part of the scenario speaks IPv6: its namespaces have it on
  Addressing addr;
  Plan plan;
  std::string inet_ns;
  std::map<std::string, std::set<std::string>> ifnames;
  std::vector<PeerLink> peer_links;
  std::vector<TgwLink> tgw_links;
  std::map<std::pair<std::string, std::string>, LinkEnd> tgw_peer_ends;  // (hub, peer) → hub's end
  std::set<std::pair<std::string, Cidr>> tgw_lo;  // (hub namespace, prefix) with a lo address
  GroupMembers members;
  std::set<std::string> bird_routers;       // VGW namespaces whose VPC router runs a bird
  std::map<std::string, BirdConfig> birds;  // namespace → its bird (BGP speakers only)
  // By namespace. The internet router's are its ports to the egress-only gateways of VPCs that
  // also have an internet gateway: replies to what left through one come back through it.
  std::map<std::string, std::vector<ReplyLink>> reply_links;
  uint32_t next_link = 0;
  // (vpc, service) → interface endpoint addresses its private DNS name resolves to.
  std::map<std::pair<std::string, std::string>, std::vector<Ipv4>> private_dns;
};

}  // namespace vpcemu::compiling
