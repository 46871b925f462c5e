// Each AWS construct's compile step, one file each (compile/<construct>.cpp); compile.cpp calls
// them in order. Every function adds the construct's kernel objects to the context's plan.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "compile/context.h"

namespace vpcemu::compiling {

// dns.cpp (beyond dns() itself)
bool uses_dns64(const Vpc& vpc);
// One hosts-file line: an address and its names.
std::string hosts_line(const IpAddr& a, const std::vector<std::string>& names);
// dnsmasq answering from the hosts files of state directory `dir` (re-read on change) on
// `listen` (comma-separated), NXDOMAIN for anything else: the VPC and internet resolvers.
ProcessPlan dnsmasq(const std::string& ns, const std::string& name, const std::string& listen,
                    const std::string& dir);
void dns64(CompileContext& cx, const Vpc& vpc, const std::string& rns, Ipv4 resolver);

// vpc_router.cpp
void compile_vpc(CompileContext& cx, const Vpc& vpc);
VpcRouter vpc_router(CompileContext& cx, const Vpc& vpc);
void router_policy(CompileContext& cx, const VpcRouter& r, const IpPrefix& block);
void subnets(CompileContext& cx, const VpcRouter& r);
void instances(CompileContext& cx, VpcRouter& r);
void route_table_routes(CompileContext& cx, const VpcRouter& r);
void router_rules(CompileContext& cx, const VpcRouter& r);

// internet.cpp
void internet(CompileContext& cx);
void host(CompileContext& cx, const InternetHost& h);
void service(CompileContext& cx, const Service& svc);

// internet_gateway.cpp
void internet_gateway(CompileContext& cx, const VpcRouter& r);
void egress_only_internet_gateway(CompileContext& cx, const VpcRouter& r);
void egress_only_returns(CompileContext& cx);
void gateway_ipv6(CompileContext& cx, const Vpc& vpc, const std::string& rns,
                  const std::string& router_port, const std::string& gns, const std::string& gport,
                  const std::string& what, bool inbound);
void igw_rules(CompileContext& cx, const Vpc& vpc, const std::string& igw_ns,
               const std::string& gport);

// nat_gateway.cpp
void nat_gateways(CompileContext& cx, VpcRouter& r);
// compile/gateway_load_balancer.cpp
std::string gwlb_endpoint_ns(const std::string& scenario, const std::string& vpc,
                             const std::string& ep);
void gateway_load_balancer_nodes(CompileContext& cx, VpcRouter& r);
void gateway_load_balancer_endpoint(CompileContext& cx, VpcRouter& r, const Endpoint& ep);
void gateway_load_balancer_services(CompileContext& cx);
void nat_rules(CompileContext& cx, const std::string& nns, Ipv4 ip, const Cidr& vpc_cidr,
               const std::optional<IpPrefix>& nat64_from);
bool routed_ipv6(const Vpc& vpc, const std::string& nat);
void nat64_translator(CompileContext& cx, const VpcRouter& r, const std::string& nat,
                      const std::string& nns, const std::string& port);
std::vector<std::string> nat_forward(const std::optional<IpPrefix>& nat64);

// peering.cpp
void plan_peerings(CompileContext& cx);
const PeerLink& peer_link(CompileContext& cx, const std::string& name);
// Whether a peering carries IPv6: both its VPCs have an IPv6 block (the requester's end is
// fe80::1, the accepter's fe80::2).
bool peering_ipv6(const Scenario& sc, const PeerLink& l);
void peering(CompileContext& cx, const PeerLink& l);

// vpc_endpoints.cpp
void gateway_endpoint(CompileContext& cx, const Vpc& vpc, const Endpoint& ep,
                      const std::string& rns, const std::map<std::string, uint32_t>& table_id);
void interface_endpoint(CompileContext& cx, const Vpc& vpc, const Endpoint& ep,
                        const std::string& rns, std::vector<EndpointEni>& out);

// privatelink.cpp
void load_balancer_nodes(CompileContext& cx, const Vpc& vpc, const std::string& rns,
                         std::vector<EndpointEni>& out);
void load_balancer_rules(CompileContext& cx, const EndpointService& es);

// dns.cpp
void dns(CompileContext& cx, const Vpc& vpc, const std::string& rns);

// metadata.cpp
void metadata(CompileContext& cx, const Vpc& vpc, const std::string& rns);

// flow_logs.cpp: whether any ENI of the VPC logs; its set, chain, collector and configuration.
bool flow_logs_on(CompileContext& cx, const VpcRouter& r);
void flow_logs(CompileContext& cx, const VpcRouter& r, NftTable& t);

// site_to_site_vpn.cpp
void vpn_gateway(CompileContext& cx, const Vpc& vpc, const std::string& rns);
void vpn_endpoints(CompileContext& cx, const std::string& ns, const std::string& label,
                   const std::vector<Ipv4>& outside, const std::string& of);
void vpn_tunnels(CompileContext& cx);
void propagation(CompileContext& cx, const Vpc& vpc, const std::string& rns,
                 const std::map<std::string, uint32_t>& table_id);

// bgp.cpp
void gateway_bird(CompileContext& cx, const Vpc& vpc, Ipv4 id);
void office_bird(CompileContext& cx, const Onprem& o);
void birds(CompileContext& cx);

// direct_connect.cpp
void direct_connect(CompileContext& cx, const DirectConnect& x);

// transit_gateway.cpp
void plan_tgw_links(CompileContext& cx);
const TgwLink& tgw_link(CompileContext& cx, const std::string& tgw, const std::string& vpc);
void transit_gateway(CompileContext& cx, const TransitGateway& t);
void tgw_peerings(CompileContext& cx);
uint32_t tgw_table(const TransitGateway& t, const std::string& rt);
std::vector<Cidr> tgw_reachable(CompileContext& cx, const VpnConnection& c);
std::string vpn_attachment(const TransitGateway& t, const std::string& conn);
std::pair<uint32_t, uint32_t> tgw_association(CompileContext& cx, const VpnConnection& c);
void tgw_bird(CompileContext& cx, const VpnConnection& c, Ipv4 id,
              const std::vector<std::string>& protocols, bool learned);

// client_vpn.cpp
void openvpn_endpoint(CompileContext& cx, const ClientVpnEndpoint& e, const std::string& ens,
                      Ipv4 pub);
void openvpn_clients(CompileContext& cx, const ClientVpnEndpoint& e, Ipv4 pub);
void x25519_key(CompileContext& cx, const ClientVpnEndpoint& e, const std::string& ns,
                const std::string& who);
void wireguard_endpoint(CompileContext& cx, const ClientVpnEndpoint& e, const std::string& ens,
                        Ipv4);
void wireguard_clients(CompileContext& cx, const ClientVpnEndpoint& e, Ipv4 pub);
void client_vpn(CompileContext& cx, const Vpc& vpc, const std::string& rns,
                std::vector<EndpointEni>& out);

// onprem.cpp
void onprem(CompileContext& cx, const Onprem& o);

}  // namespace vpcemu::compiling
