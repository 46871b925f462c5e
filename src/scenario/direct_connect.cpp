// Direct Connect connections and AWS's port speeds.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

// AWS's port speeds (dedicated 1/10/100 Gbps; hosted from 50 Mbps).
std::optional<uint64_t> bandwidth(Reader& rd, const yaml::Node& x, SourceSpan fallback) {
  static const std::vector<std::pair<std::string, uint64_t>> kSpeeds = {
      {"50Mbps", 50000000},    {"100Mbps", 100000000},  {"200Mbps", 200000000},
      {"300Mbps", 300000000},  {"400Mbps", 400000000},  {"500Mbps", 500000000},
      {"1Gbps", 1000000000},   {"2Gbps", 2000000000},   {"5Gbps", 5000000000},
      {"10Gbps", 10000000000}, {"25Gbps", 25000000000}, {"100Gbps", 100000000000}};
  auto s = rd.scalar(x, "bandwidth", fallback);
  if (!s) return std::nullopt;
  std::string list;
  for (const auto& [name, bps] : kSpeeds) {
    if (*s == name) return bps;
    list += (list.empty() ? "" : ", ") + name;
  }
  rd.d.error(rd.span(x, fallback),
             "bandwidth '" + *s + "' is not a Direct Connect port speed; use one of " + list);
  return std::nullopt;
}

void parse_direct_connects(Reader& rd, Scenario& sc, const yaml::Node& v) {
  rd.each_resource(
      v, "direct_connects", sc.direct_connects, [&](DirectConnect& dx, const yaml::Node& dv) {
        const std::string& n = dx.name;
        const SourceSpan nks = dx.span;
        rd.each_key(dv, "Direct Connect '" + n + "'", {"onprem", "gateway", "bandwidth", "jumbo"},
                    [&](const std::string& k, SourceSpan ks, const yaml::Node& x) {
                      if (k == "bandwidth") {
                        dx.bandwidth_span = rd.span(x, ks);
                        if (auto b = bandwidth(rd, x, ks)) dx.bandwidth_bps = *b;
                        return;
                      }
                      if (k == "jumbo") {
                        if (auto b = rd.boolean(x, k, ks)) dx.jumbo = *b;
                        return;
                      }
                      if (k == "onprem")
                        rd.into(x, k, ks, dx.onprem, dx.onprem_span);
                      else
                        rd.into(x, k, ks, dx.vpc, dx.vpc_span);
                    });
        if (rd.mapping_or_empty(dv)) {
          if (!dv["onprem"])
            rd.d.error(nks, "Direct Connect '" + n + "' needs 'onprem: <on-premises network>'");
          if (!dv["gateway"])
            rd.d.error(nks, "Direct Connect '" + n +
                                "' needs 'gateway: <vpc>' (its virtual private gateway)");
        }
      });
}

}  // namespace vpcemu::parsing
