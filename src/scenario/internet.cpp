// The emulated internet: its hosts, and the AWS public services on it.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

// The hosts of `internet:`.
void parse_internet(Reader& rd, Scenario& sc, const yaml::Node& v) {
  rd.each_key(v, "internet", {"hosts"},
              [&](const std::string&, SourceSpan hks, const yaml::Node& hv) {
                rd.each_resource(
                    hv, "internet hosts", sc.hosts, [&](InternetHost& host, const yaml::Node& h) {
                      const std::string& n = host.name;
                      const SourceSpan nks = host.span;
                      rd.each_key(h, "internet host '" + n + "'", {"ip", "ipv6"},
                                  [&](const std::string& k, SourceSpan iks, const yaml::Node& iv) {
                                    if (k == "ip") {
                                      rd.into(iv, "ip", iks, host.ip, host.ip_span);
                                    } else {
                                      host.ipv6_span = rd.span(iv, iks);
                                      host.ipv6 = rd.ipv6_address(iv, "ipv6", iks);
                                    }
                                  });
                      if (!h.IsMap() || !h["ip"]) {
                        rd.d.error(nks, "internet host '" + n + "' has no 'ip'");
                      }
                    });
                (void)hks;
              });
}

void parse_services(Reader& rd, Scenario& sc, const yaml::Node& v) {
  rd.each_named(v, "services", [&](const std::string& n, SourceSpan nks, const yaml::Node& sv) {
    Service svc;
    if (auto it = sc.services.find(n); it != sc.services.end())
      svc = it->second;
    else
      svc.name = n, svc.dns_names = {n + ".us-east-1.amazonaws.com"};
    svc.span = nks;
    bool has_cidr = false;
    rd.each_key(sv, "service '" + n + "'", {"cidr"},
                [&](const std::string&, SourceSpan cks, const yaml::Node& x) {
                  svc.cidr_span = rd.span(x, cks);
                  if (auto c = rd.cidr(x, "cidr", cks)) svc.cidr = *c, has_cidr = true;
                });
    if (!has_cidr && !sc.services.count(n)) rd.d.error(nks, "service '" + n + "' needs a 'cidr'");
    if (has_cidr && svc.cidr.size() < 16) {
      rd.d.error(svc.cidr_span, "a service's CIDR needs at least 16 addresses (/28 or larger)");
    }
    sc.services[n] = std::move(svc);
  });
}

}  // namespace vpcemu::parsing
