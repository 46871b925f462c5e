// VPC endpoints: gateway endpoints (a prefix-list route to the service) and interface endpoints
// (an ENI per subnet that forwards to the service or an endpoint service).
#include "compile/constructs.h"

namespace vpcemu::compiling {

// Gateway endpoint: a link from the VPC router to the service, and the service's prefix
// in the chosen route tables (AWS rule 26).
void gateway_endpoint(CompileContext& cx, const Vpc& vpc, const Endpoint& ep,
                      const std::string& rns, const std::map<std::string, uint32_t>& table_id) {
  const Service& svc = cx.sc.services.at(ep.service.name);
  std::string sns = ns_name(cx.sc.name, "svc", svc.name);
  auto [a, b] = cx.link_pair();
  std::string rport = cx.unique_ifname(rns, "s-", ep.name);
  cx.far_link(rns, rport, a, sns, vpc.name + "-" + ep.name, b,
              "gateway endpoint " + ep.name + " of vpc " + vpc.name + " → " + svc.name);
  for (const auto& rt : ep.route_tables) {
    cx.plan.routes.push_back({rns, table_id.at(rt), svc.cidr, RouteType::kUnicast, b, rport, true,
                              "route table " + rt + ": pl/" + svc.name + " → endpoint/" + ep.name});
  }
}

// Interface endpoint: an ENI per subnet whose namespace forwards to the service (or to an
// endpoint service's load balancer), source-NATed onto its own link (AWS rules 27, 28).
void interface_endpoint(CompileContext& cx, const Vpc& vpc, const Endpoint& ep,
                        const std::string& rns, std::vector<EndpointEni>& out) {
  using Kind = NftObject::Kind;
  for (const auto& sub : ep.subnets) {
    const Cidr scidr = *vpc.subnets.at(sub).cidr;
    const Ipv4 ip = cx.addr.eni_private.at(eni_key("vpce", vpc.name, ep.name, sub));
    std::string ens = ns_name(cx.sc.name, "vpce", vpc.name + "." + ep.name + "." + sub);
    cx.add_ns(ens, "interface-endpoint",
              "endpoint " + ep.name + " of vpc " + vpc.name + " in " + sub, true);
    std::string port = cx.unique_ifname(rns, "i-", ep.name + "-" + sub);
    cx.eni_namespace(rns, ens, port, scidr, ip, "ENI of endpoint " + ep.name + " in " + sub,
                     kMtuTransitGateway);
    auto [a, b] = cx.link_pair();
    std::string target_ns;
    Ipv4 target;
    if (ep.service.endpoint_service) {
      const auto& es = cx.sc.endpoint_services.at(ep.service.name);
      target_ns = ns_name(cx.sc.name, "nlb", es.name + "." + es.subnets.at(0));
      target = b;
    } else {
      target_ns = ns_name(cx.sc.name, "svc", ep.service.name);
      target = cx.sc.services.at(ep.service.name).address();
    }
    cx.far_link(ens, "svc", a, target_ns, vpc.name + "-" + ep.name + "-" + sub, b,
                "endpoint " + ep.name + " (" + vpc.name + "/" + sub + ") → " + ep.service.str());
    cx.plan.routes.push_back({ens, 254, Cidr{target, 32}, RouteType::kUnicast,
                              target == b ? std::nullopt : std::optional<Ipv4>(b), "svc",
                              target != b, ep.service.str() + " through the endpoint link"});
    NftTable t;
    t.objects.push_back(
        {Kind::kChain,
         "prerouting",
         "type nat hook prerouting priority dstnat; policy accept;",
         {"iifname \"eth0\" ip daddr " + ip.str() + " dnat ip to " + target.str()}});
    t.objects.push_back({Kind::kChain,
                         "postrouting",
                         "type nat hook postrouting priority srcnat; policy accept;",
                         {"oifname \"svc\" snat ip to " + a.str()}});
    t.objects.push_back(
        {Kind::kChain,
         "forward",
         "type filter hook forward priority filter; policy drop;",
         {"ct state established,related accept", "iifname \"eth0\" oifname \"svc\" accept"}});
    cx.plan.nft.push_back({ens, std::move(t)});
    out.push_back({port, sub, ip});
    cx.plan.gateways.push_back({"interface-endpoint", vpc.name, ep.name, ens, ip, std::nullopt});
    if (ep.private_dns) cx.private_dns[{vpc.name, ep.service.str()}].push_back(ip);
  }
}

}  // namespace vpcemu::compiling
