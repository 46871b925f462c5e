// VPC peering connections.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

void parse_peerings(Reader& rd, Scenario& sc, const yaml::Node& v) {
  rd.each_resource(v, "peerings", sc.peerings, [&](Peering& p, const yaml::Node& pv) {
    const std::string& n = p.name;
    const SourceSpan nks = p.span;
    rd.each_key(pv, "peering '" + n + "'", {"requester", "accepter"},
                [&](const std::string& pk, SourceSpan pks, const yaml::Node& x) {
                  if (pk == "requester")
                    rd.into(x, pk, pks, p.requester, p.requester_span);
                  else
                    rd.into(x, pk, pks, p.accepter, p.accepter_span);
                });
    if (rd.mapping_or_empty(pv) && (!pv["requester"] || !pv["accepter"])) {
      rd.d.error(nks, "peering '" + n + "' needs a 'requester' and an 'accepter' VPC");
    }
  });
}

}  // namespace vpcemu::parsing
