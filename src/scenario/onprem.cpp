// On-premises networks: CIDR, router (public address, ASN) and LAN hosts.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

void parse_onprem(Reader& rd, Scenario& sc, const yaml::Node& v) {
  rd.each_resource(v, "onprem", sc.onprem, [&](Onprem& o, const yaml::Node& ov) {
    const std::string& n = o.name;
    const SourceSpan nks = o.span;
    rd.each_key(ov, "on-premises network '" + n + "'", {"cidr", "router", "hosts"},
                [&](const std::string& k, SourceSpan ks, const yaml::Node& x) {
                  if (k == "cidr") {
                    rd.into(x, "cidr", ks, o.cidr, o.cidr_span);
                  } else if (k == "router") {
                    rd.each_key(x, "router", {"public_ip", "asn"},
                                [&](const std::string& rk, SourceSpan rks, const yaml::Node& rv) {
                                  if (rk == "public_ip") {
                                    rd.into(rv, "public_ip", rks, o.public_ip, o.public_ip_span);
                                  } else {
                                    o.asn_span = rd.span(rv, rks);
                                    if (auto a = rd.number(rv, "asn", rks, 1, 2147483647))
                                      o.asn = *a;
                                  }
                                });
                    if (rd.mapping_or_empty(x) && !x["public_ip"])
                      rd.d.error(rd.span(x, ks), "router has no 'public_ip'");
                  } else {
                    rd.each_resource(
                        x, "on-premises hosts", o.hosts, [&](OnpremHost& h, const yaml::Node& hv) {
                          const std::string& hn = h.name;
                          const SourceSpan hks = h.span;
                          rd.each_key(
                              hv, "on-premises host '" + hn + "'", {"ip"},
                              [&](const std::string&, SourceSpan iks, const yaml::Node& iv) {
                                rd.into(iv, "ip", iks, h.ip, h.ip_span);
                              });
                          if (!hv.IsMap() || !hv["ip"])
                            rd.d.error(hks, "on-premises host '" + hn + "' has no 'ip'");
                        });
                  }
                });
    if (rd.mapping_or_empty(ov)) {
      if (!ov["cidr"]) rd.d.error(nks, "on-premises network '" + n + "' has no 'cidr'");
      if (!ov["router"]) rd.d.error(nks, "on-premises network '" + n + "' has no 'router'");
    }
  });
}

}  // namespace vpcemu::parsing
