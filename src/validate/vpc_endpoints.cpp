// VPC endpoints: gateway, interface and gateway load balancer endpoints, their services,
// tables, subnets and groups.
#include <algorithm>
#include <set>

#include "validate/checks.h"

namespace vpcemu::validation {

// A gateway load balancer endpoint: of a gateway load balancer, in one IPv4 subnet, without
// groups (AWS: a GWLB endpoint has no security groups), tables or private DNS.
void gateway_load_balancer_endpoint(const Scenario& sc, const Vpc& vpc, const Endpoint& ep,
                                    Diagnostics& d) {
  const std::string what = "gateway load balancer endpoint '" + ep.name + "'";
  if (ep.type != EndpointType::kGatewayLoadBalancer) {
    d.error(ep.type_span, "endpoint '" + ep.name + "' reaches " + ep.service.str() +
                              ", which takes 'type: gateway_load_balancer'");
    return;
  }
  if (!ep.service.gateway_load_balancer) {
    d.error(ep.service_span, what + " takes 'service: gateway_load_balancer/<name>', found '" +
                                 ep.service.str() + "'");
  } else if (!sc.gateway_load_balancers.count(ep.service.name)) {
    unknown_ref(d, ep.service_span, "gateway load balancer", ep.service.name,
                keys(sc.gateway_load_balancers), "");
  }
  if (ep.subnets.size() != 1)
    d.error(ep.subnet_spans.empty() ? ep.span : ep.subnet_spans.back(),
            what + " has its ENI in exactly one subnet (one endpoint per AZ in AWS), found " +
                std::to_string(ep.subnets.size()));
  resolve_all(d, vpc.subnets, ep.subnets, ep.subnet_spans, "subnet", " in vpc '" + vpc.name + "'");
  ipv4_subnets_only(d, vpc, ep.subnets, ep.subnet_spans, "a gateway load balancer endpoint");
  if (!ep.security_groups.empty())
    d.error(ep.security_group_spans[0],
            what +
                " has no security groups in AWS; the appliances' groups and the subnets' "
                "NACLs judge its traffic");
  if (!ep.route_tables.empty())
    d.error(ep.route_table_spans[0], what +
                                         " takes one subnet, not route_tables; route to it "
                                         "with 'target: endpoint/" +
                                         ep.name + "'");
  if (ep.private_dns_span.known()) d.error(ep.private_dns_span, what + " has no DNS name");
}

void validate_endpoints(const Scenario& sc, const Vpc& vpc, Diagnostics& d) {
  const std::string in_vpc = " in vpc '" + vpc.name + "'";
  const auto groups = group_names(vpc);
  for (const auto& [_, ep] : vpc.endpoints) {
    if (ep.type == EndpointType::kNone || ep.service.empty()) continue;
    const std::string& n = ep.service.name;
    if (ep.type == EndpointType::kGatewayLoadBalancer || ep.service.gateway_load_balancer) {
      gateway_load_balancer_endpoint(sc, vpc, ep, d);
      continue;
    }
    if (ep.service.endpoint_service) {
      if (!sc.endpoint_services.count(n)) {
        unknown_ref(d, ep.service_span, "endpoint service", n, keys(sc.endpoint_services), "");
        continue;
      }
    } else if (!sc.services.count(n)) {
      unknown_ref(d, ep.service_span, "service", n, keys(sc.services),
                  " (define it under services:)");
      continue;
    }
    if (ep.type == EndpointType::kGateway) {
      if (ep.service.endpoint_service || !sc.services.at(n).gateway) {
        d.error(ep.service_span,
                "gateway endpoints exist for S3 and DynamoDB only; use "
                "'type: interface' for '" +
                    ep.service.str() + "'");
      }
      if (ep.route_tables.empty())
        d.error(ep.span,
                "gateway endpoint '" + ep.name + "' needs 'route_tables' to add its route to");
      for (size_t i = 0; i < ep.route_tables.size(); ++i)
        if (!vpc.route_tables.count(ep.route_tables[i]))
          unknown_ref(d, ep.route_table_spans[i], "route table", ep.route_tables[i],
                      keys(vpc.route_tables), in_vpc);
      if (!ep.subnets.empty() || !ep.security_groups.empty() || ep.private_dns_span.known())
        d.error(ep.span, "gateway endpoint '" + ep.name +
                             "' takes route_tables only; subnets, "
                             "security_groups and private_dns belong to interface endpoints");
    } else {
      if (ep.subnets.empty())
        d.error(ep.span, "interface endpoint '" + ep.name + "' needs 'subnets' for its ENIs");
      std::set<std::string> seen;
      ipv4_subnets_only(d, vpc, ep.subnets, ep.subnet_spans, "an interface endpoint");
      for (size_t i = 0; i < ep.subnets.size(); ++i) {
        if (!vpc.subnets.count(ep.subnets[i]))
          unknown_ref(d, ep.subnet_spans[i], "subnet", ep.subnets[i], keys(vpc.subnets), in_vpc);
        else if (!seen.insert(ep.subnets[i]).second)
          d.error(ep.subnet_spans[i], "an interface endpoint has one ENI per subnet; '" +
                                          ep.subnets[i] + "' is listed twice");
      }
      for (size_t i = 0; i < ep.security_groups.size(); ++i)
        if (std::find(groups.begin(), groups.end(), ep.security_groups[i]) == groups.end())
          unknown_ref(d, ep.security_group_spans[i], "security group", ep.security_groups[i],
                      groups, in_vpc);
      if (!ep.route_tables.empty())
        d.error(ep.span, "interface endpoint '" + ep.name + "' takes subnets, not route_tables");
      if (ep.private_dns && ep.service.endpoint_service)
        d.error(ep.private_dns_span,
                "private_dns applies to AWS services, not to endpoint "
                "service '" +
                    n + "'");
      else if (ep.private_dns && (!vpc.enable_dns_support || !vpc.enable_dns_hostnames))
        d.error(ep.private_dns_span,
                "private DNS of an interface endpoint needs enable_dns_support and "
                "enable_dns_hostnames on vpc '" +
                    vpc.name + "' (AWS refuses it otherwise); add 'enable_dns_hostnames: true'",
                {{vpc.enable_dns_hostnames_span.known() ? vpc.enable_dns_hostnames_span : vpc.span,
                  vpc.enable_dns_hostnames_span.known() ? "set here"
                                                        : "a new VPC has enable_dns_hostnames "
                                                          "false"}});
    }
  }
}
}  // namespace vpcemu::validation
