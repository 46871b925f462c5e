// expect: entries, the reachability `vpcemu check` proves, and `run:` entries: a command inside
// an instance whose exit status is the verdict.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

void parse_expect(Reader& rd, Scenario& sc, const yaml::Node& node, SourceSpan ks) {
  rd.each_item(node, ks, "expect must be a list", [&](const yaml::Node& e) {
    Expect x;
    x.span = rd.span(e, ks);
    bool has_result = false;
    std::string result;
    SourceSpan result_span;
    rd.each_key(e, "expect entry",
                {"from", "to", "protocol", "port", "ip_version", "result", "run", "timeout"},
                [&](const std::string& k, SourceSpan eks, const yaml::Node& v) {
                  SourceSpan vs = rd.span(v, eks);
                  if (k == "run") {
                    x.run_span = vs;
                    parse_command(rd, x.run, v, eks);
                    return;
                  }
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
                    result = *s, result_span = vs;
                  } else if (k == "timeout") {
                    if (auto n = rd.number(v, "timeout", eks, 1, 3600)) x.timeout_s = *n;
                  }
                });
    if (has_result) {
      if (x.runs()) {
        if (result == "success" || result == "failure")
          x.allow = result == "success";
        else
          rd.d.error(result_span,
                     "a run: entry's result is success (exit status 0) or failure, found '" +
                         result + "'");
      } else if (result == "allow" || result == "deny") {
        x.allow = result == "allow";
      } else {
        rd.d.error(result_span, "result must be allow or deny, found '" + result + "'" +
                                    (result == "success" || result == "failure"
                                         ? " (success and failure are for run: entries)"
                                         : ""));
      }
    }
    // An IPv6 literal destination is an IPv6 probe.
    if (auto ip = IpAddr::parse(x.to); ip && ip->family == Family::kIpv6) x.ip_version = 6;
    if (!rd.mapping_or_empty(e)) {
    } else if (x.runs()) {
      if (x.from.empty())
        rd.d.error(x.span, "run: entry has no 'from' (the instance or host the command runs in)");
      for (const char* k : {"to", "protocol", "port", "ip_version"})
        if (e[k])
          rd.d.error(rd.span(e[k], x.span), std::string("'") + k +
                                                "' does not apply to a run: entry (its command's "
                                                "exit status is the verdict)");
    } else {
      if (e["timeout"])
        rd.d.error(rd.span(e["timeout"], x.span), "'timeout' applies only to run: entries");
      if (x.from.empty()) rd.d.error(x.span, "expect entry has no 'from'");
      if (x.to.empty()) rd.d.error(x.span, "expect entry has no 'to'");
      if (!e["protocol"]) rd.d.error(x.span, "expect entry has no 'protocol'");
      if (!has_result) rd.d.error(x.span, "expect entry has no 'result' (allow or deny)");
    }
    sc.expects.push_back(std::move(x));
  });
}

}  // namespace vpcemu::parsing
