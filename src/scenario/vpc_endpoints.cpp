// VPC endpoints: gateway and interface endpoints.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

void parse_endpoint(Reader& rd, Endpoint& ep, const yaml::Node& node) {
  rd.each_key(node, "endpoint '" + ep.name + "'",
              {"type", "service", "route_tables", "subnets", "security_groups", "private_dns"},
              [&](const std::string& k, SourceSpan ks, const yaml::Node& v) {
                if (k == "type") {
                  ep.type_span = rd.span(v, ks);
                  if (auto t = rd.scalar(v, "type", ks)) {
                    if (*t == "gateway")
                      ep.type = EndpointType::kGateway;
                    else if (*t == "interface")
                      ep.type = EndpointType::kInterface;
                    else if (*t == "gateway_load_balancer")
                      ep.type = EndpointType::kGatewayLoadBalancer;
                    else
                      rd.d.error(ep.type_span,
                                 "endpoint type must be gateway, interface or "
                                 "gateway_load_balancer, found '" +
                                     *t + "'");
                  }
                } else if (k == "service") {
                  ep.service_span = rd.span(v, ks);
                  if (auto t = rd.scalar(v, "service", ks)) ep.service = EndpointTarget::parse(*t);
                } else if (k == "route_tables") {
                  rd.names(v, ks, "route_tables", ep.route_tables, ep.route_table_spans);
                } else if (k == "subnets") {
                  rd.names(v, ks, "subnets", ep.subnets, ep.subnet_spans);
                } else if (k == "security_groups") {
                  rd.names(v, ks, "security_groups", ep.security_groups, ep.security_group_spans);
                } else if (k == "private_dns") {
                  ep.private_dns_span = rd.span(v, ks);
                  if (auto b = rd.boolean(v, "private_dns", ks)) ep.private_dns = *b;
                }
              });
  if (rd.mapping_or_empty(node)) {
    if (!node["type"])
      rd.d.error(ep.span, "endpoint '" + ep.name +
                              "' has no 'type' (gateway, interface or gateway_load_balancer)");
    if (!node["service"]) rd.d.error(ep.span, "endpoint '" + ep.name + "' has no 'service'");
  }
}

}  // namespace vpcemu::parsing
