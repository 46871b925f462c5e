// expect: entries, the reachability `vpcemu check` proves.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

void parse_expect(Reader& rd, Scenario& sc, const yaml::Node& node, SourceSpan ks) {
  rd.each_item(node, ks, "expect must be a list", [&](const yaml::Node& e) {
    Expect x;
    x.span = rd.span(e, ks);
    bool has_result = false;
    rd.each_key(e, "expect entry", {"from", "to", "protocol", "port", "ip_version", "result"},
                [&](const std::string& k, SourceSpan eks, const yaml::Node& v) {
                  SourceSpan vs = rd.span(v, eks);
                  auto s = rd.scalar(v, k, eks);
                  if (!s) return;
                  if (k == "from") {
                    x.from = *s, x.from_span = vs;
                  } else if (k == "to") {
                    x.to = *s, x.to_span = vs;
                  } else if (k == "protocol") {
                    x.protocol_span = vs;
                    if (*s == "tcp")
                      x.protocol = Protocol::kTcp;
                    else if (*s == "udp")
                      x.protocol = Protocol::kUdp;
                    else if (*s == "icmp" || *s == "icmpv6")
                      x.protocol = Protocol::kIcmp;  // ping: ICMP or ICMPv6 by ip_version
                    else if (*s == "all" || *s == "-1") {
                      rd.d.error(vs, "expect needs one protocol to probe: tcp, udp or icmp");
                    } else {
                      rd.d.error(vs, "unknown protocol '" + *s + "'; use tcp, udp or icmp");
                    }
                  } else if (k == "ip_version") {
                    x.ip_version_span = vs;
                    if (*s == "4" || *s == "6")
                      x.ip_version = *s == "6" ? 6 : 4;
                    else
                      rd.d.error(vs, "ip_version must be 4 or 6, found '" + *s + "'");
                  } else if (k == "port") {
                    x.port_span = vs;
                    x.port = rd.number(v, "port", eks, 1, 65535);
                  } else if (k == "result") {
                    has_result = true;
                    if (*s == "allow")
                      x.allow = true;
                    else if (*s == "deny")
                      x.allow = false;
                    else
                      rd.d.error(vs, "result must be allow or deny, found '" + *s + "'");
                  }
                });
    // An IPv6 literal destination is an IPv6 probe.
    if (auto ip = IpAddr::parse(x.to); ip && ip->family == Family::kIpv6) x.ip_version = 6;
    if (rd.mapping_or_empty(e)) {
      if (x.from.empty()) rd.d.error(x.span, "expect entry has no 'from'");
      if (x.to.empty()) rd.d.error(x.span, "expect entry has no 'to'");
      if (!e["protocol"]) rd.d.error(x.span, "expect entry has no 'protocol'");
      if (!has_result) rd.d.error(x.span, "expect entry has no 'result' (allow or deny)");
    }
    sc.expects.push_back(std::move(x));
  });
}

}  // namespace vpcemu::parsing
