// Endpoint services (PrivateLink): the provider VPC and its load balancer.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

void parse_endpoint_services(Reader& rd, Scenario& sc, const yaml::Node& v) {
  rd.each_resource(
      v, "endpoint_services", sc.endpoint_services, [&](EndpointService& es, const yaml::Node& sv) {
        const std::string& n = es.name;
        const SourceSpan nks = es.span;
        rd.each_key(
            sv, "endpoint service '" + n + "'", {"vpc", "load_balancer"},
            [&](const std::string& k, SourceSpan ks, const yaml::Node& x) {
              if (k == "vpc") {
                rd.into(x, "vpc", ks, es.vpc, es.vpc_span);
                return;
              }
              rd.each_key(x, "load_balancer", {"subnets", "port", "targets"},
                          [&](const std::string& lk, SourceSpan lks, const yaml::Node& lv) {
                            if (lk == "subnets")
                              rd.names(lv, lks, "subnets", es.subnets, es.subnet_spans);
                            else if (lk == "targets")
                              rd.names(lv, lks, "targets", es.targets, es.target_spans);
                            else {
                              es.port_span = rd.span(lv, lks);
                              if (auto p = rd.number(lv, "port", lks, 1, 65535)) es.port = *p;
                            }
                          });
              if (rd.mapping_or_empty(x) && (!x["subnets"] || !x["port"] || !x["targets"])) {
                rd.d.error(rd.span(x, ks), "load_balancer needs 'subnets', 'port' and 'targets'");
              }
            });
        if (rd.mapping_or_empty(sv) && (!sv["vpc"] || !sv["load_balancer"])) {
          rd.d.error(nks, "endpoint service '" + n + "' needs a 'vpc' and a 'load_balancer'");
        }
      });
}

}  // namespace vpcemu::parsing
