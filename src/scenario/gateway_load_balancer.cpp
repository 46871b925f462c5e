// Gateway Load Balancers: their VPC, subnets, target appliances and health check.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

namespace {

// { protocol: tcp|http, port, path, interval, timeout, healthy_threshold, unhealthy_threshold },
// within the ranges AWS's target groups take.
void parse_health_check(Reader& rd, GatewayLoadBalancer::HealthCheck& h, const yaml::Node& v,
                        SourceSpan ks) {
  h.span = rd.span(v, ks);
  rd.each_key(v, "health_check",
              {"protocol", "port", "path", "interval", "timeout", "healthy_threshold",
               "unhealthy_threshold"},
              [&](const std::string& k, SourceSpan hks, const yaml::Node& x) {
                if (k == "protocol") {
                  if (auto s = rd.scalar(x, k, hks)) {
                    if (*s == "tcp" || *s == "http")
                      h.http = *s == "http";
                    else
                      rd.d.error(rd.span(x, hks),
                                 "a health check's protocol is tcp or http, found '" + *s + "'");
                  }
                } else if (k == "port") {
                  if (auto n = rd.number(x, k, hks, 1, 65535)) h.port = *n;
                } else if (k == "path") {
                  if (auto s = rd.scalar(x, k, hks)) h.path = *s;
                } else if (k == "interval") {
                  if (auto n = rd.number(x, k, hks, 5, 300)) h.interval = *n;
                } else if (k == "timeout") {
                  if (auto n = rd.number(x, k, hks, 2, 120)) h.timeout = *n;
                } else if (k == "healthy_threshold") {
                  if (auto n = rd.number(x, k, hks, 2, 10)) h.healthy_threshold = *n;
                } else if (auto n = rd.number(x, k, hks, 2, 10)) {
                  h.unhealthy_threshold = *n;
                }
              });
}

}  // namespace

void parse_gateway_load_balancers(Reader& rd, Scenario& sc, const yaml::Node& v) {
  rd.each_resource(
      v, "gateway_load_balancers", sc.gateway_load_balancers,
      [&](GatewayLoadBalancer& g, const yaml::Node& gv) {
        rd.each_key(gv, "gateway load balancer '" + g.name + "'",
                    {"vpc", "subnets", "targets", "health_check"},
                    [&](const std::string& k, SourceSpan ks, const yaml::Node& x) {
                      if (k == "vpc")
                        rd.into(x, "vpc", ks, g.vpc, g.vpc_span);
                      else if (k == "subnets")
                        rd.names(x, ks, "subnets", g.subnets, g.subnet_spans);
                      else if (k == "targets")
                        rd.names(x, ks, "targets", g.targets, g.target_spans);
                      else
                        parse_health_check(rd, g.health_check, x, ks);
                    });
        if (rd.mapping_or_empty(gv) && (!gv["vpc"] || !gv["subnets"] || !gv["targets"]))
          rd.d.error(g.span, "gateway load balancer '" + g.name +
                                 "' needs a 'vpc', its 'subnets' and its 'targets' (instances)");
      });
}

}  // namespace vpcemu::parsing
