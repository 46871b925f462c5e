// Gateway Load Balancers: a node (an ENI in the provider VPC's subnet) and an endpoint ENI per
// consumer subnet; one `vpcemu gateway-load-balancer` process per load balancer carries what
// the endpoints receive to a healthy target in GENEVE and back out through the endpoint
// (PrivateLink without a link: the process holds a TUN in every endpoint's namespace and its
// UDP socket in the node's).
#include <nlohmann/json.hpp>

#include "compile/constructs.h"
#include "compile/state_paths.h"
#include "util/text.h"

namespace vpcemu::compiling {

namespace {

// The 64-bit id in the endpoint's GENEVE option, and the vpce-… id AWS would show for it.
uint64_t endpoint_id(const std::string& scenario, const std::string& vpc, const std::string& ep) {
  return stable_hash(scenario + "/" + vpc + "/" + ep) & 0x00ffffffffffffffULL;
}

}  // namespace

std::string gwlb_endpoint_ns(const std::string& scenario, const std::string& vpc,
                             const std::string& ep) {
  return ns_name(scenario, "gwlbe", vpc + "." + ep);
}

// The load balancers of this VPC: a node namespace with its ENI in the first subnet. The node
// carries no security groups (AWS: a GWLB has none); its subnet's NACL applies.
void gateway_load_balancer_nodes(CompileContext& cx, VpcRouter& r) {
  for (const auto& [name, g] : cx.sc.gateway_load_balancers) {
    if (g.vpc != r.vpc.name) continue;
    const std::string& sub = g.subnets.at(0);
    const Ipv4 ip = cx.addr.eni_private.at(eni_key("gwlb", r.vpc.name, name, sub));
    const std::string gns = ns_name(cx.sc.name, "gwlb", name);
    cx.add_ns(gns, "gateway-load-balancer", "gateway load balancer " + name, false);
    const std::string port = cx.unique_ifname(r.ns, "b-", name);
    cx.eni_namespace(r.ns, gns, port, *r.vpc.subnets.at(sub).cidr, ip,
                     "ENI of gateway load balancer " + name, kMtuVpc);
    r.gwlb_enis.push_back({port, sub, ip});
    cx.plan.gateways.push_back({"gateway-load-balancer", r.vpc.name, name, gns, ip, std::nullopt});
  }
}

// A gateway load balancer endpoint: an ENI whose namespace sends everything that arrives on it
// into its TUN (table kGwlbeTable, the TUN made by the load balancer's process) and what comes
// out of the TUN back to the VPC router, which routes it by the endpoint subnet's table.
void gateway_load_balancer_endpoint(CompileContext& cx, VpcRouter& r, const Endpoint& ep) {
  const Vpc& vpc = r.vpc;
  const std::string& sub = ep.subnets.at(0);
  const Ipv4 ip = cx.addr.eni_private.at(eni_key("gwlbe", vpc.name, ep.name, sub));
  const std::string ens = gwlb_endpoint_ns(cx.sc.name, vpc.name, ep.name);
  cx.add_ns(ens, "gateway-load-balancer-endpoint",
            "gateway load balancer endpoint " + ep.name + " of vpc " + vpc.name, true);
  const std::string port = cx.unique_ifname(r.ns, "w-", ep.name);
  cx.eni_namespace(r.ns, ens, port, *vpc.subnets.at(sub).cidr, ip,
                   "ENI of gateway load balancer endpoint " + ep.name, kMtuTransitGateway);
  // What it forwards goes back out the interface it came in on: no redirects.
  cx.sysctl(ens, "net/ipv4/conf/all/send_redirects", "0");
  cx.sysctl(ens, "net/ipv4/conf/eth0/send_redirects", "0", true);
  cx.plan.rules.push_back({ens, kRulePrioLocal, std::nullopt, std::nullopt, kGwlbeTable, false,
                           "what the VPC routes to endpoint " + ep.name +
                               " goes to gateway load balancer " + ep.service.name,
                           "eth0"});
  r.gwlbe_enis.push_back({port, sub, ip});
  r.gwlbe_port[ep.name] = {port, sub, ip};
  cx.plan.gateways.push_back(
      {"gateway-load-balancer-endpoint", vpc.name, ep.name, ens, ip, std::nullopt});
}

// Each load balancer's process and its configuration: the node's address, the targets and
// their health check (scaled by time_scale), and every endpoint of it in any VPC.
void gateway_load_balancer_services(CompileContext& cx) {
  using nlohmann::json;
  for (const auto& [name, g] : cx.sc.gateway_load_balancers) {
    json c;
    c["name"] = name;
    c["address"] = cx.addr.eni_private.at(eni_key("gwlb", g.vpc, name, g.subnets.at(0))).str();
    c["targets"] = json::array();
    for (const auto& t : g.targets)
      c["targets"].push_back({{"name", t}, {"address", cx.addr.private_ip.at(t).str()}});
    const auto& h = g.health_check;
    auto ms = [&](int seconds) { return std::max(100, cx.sc.scaled(seconds * 1000)); };
    c["health_check"] = {{"protocol", h.http ? "http" : "tcp"},
                         {"port", h.port},
                         {"path", h.path},
                         {"interval_ms", ms(h.interval)},
                         {"timeout_ms", ms(h.timeout)},
                         {"healthy_threshold", h.healthy_threshold},
                         {"unhealthy_threshold", h.unhealthy_threshold}};
    // AWS's idle timeouts of a GWLB flow: 350 s for TCP, 120 s for the rest.
    c["idle_ms"] = {{"tcp", ms(350)}, {"other", ms(120)}};
    c["endpoints"] = json::array();
    for (const auto& [vname, vpc] : cx.sc.vpcs)
      for (const auto& [ename, ep] : vpc.endpoints) {
        if (ep.type != EndpointType::kGatewayLoadBalancer || ep.service.name != name) continue;
        const uint64_t id = endpoint_id(cx.sc.name, vname, ename);
        c["endpoints"].push_back({{"name", ename},
                                  {"vpc", vname},
                                  {"id", "vpce-0" + hex(id, 16)},
                                  {"option", id},
                                  {"ns", gwlb_endpoint_ns(cx.sc.name, vname, ename)},
                                  {"table", kGwlbeTable},
                                  {"mtu", kMtuTransitGateway}});
      }
    const std::string file = state_paths::gwlb_config(name);
    cx.plan.files.push_back({file, c.dump(2) + "\n"});
    ProcessPlan p{ns_name(cx.sc.name, "gwlb", name),
                  "gwlb-" + name,
                  {"@self", "gateway-load-balancer", "--config", state_paths::kStatePrefix + file,
                   "--state", state_paths::kStatePrefix + state_paths::gwlb_state(name)},
                  "/",
                  "",
                  {},
                  false};  // the host's /run: it opens the endpoints' namespaces there
    p.opens_namespaces = true;
    p.ready_file = state_paths::process_log(p.name);
    p.ready_text = "ready";
    cx.plan.processes.push_back(p);
  }
}

}  // namespace vpcemu::compiling
