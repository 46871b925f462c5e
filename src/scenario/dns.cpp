// Route 53 private hosted zones: a zone name, its VPCs, its records.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

namespace {

DnsRecord parse_record(Reader& rd, const yaml::Node& r, SourceSpan ks) {
  DnsRecord rec;
  rec.span = rd.span(r, ks);
  rd.each_key(r, "record", {"name", "type", "values", "ttl"},
              [&](const std::string& k, SourceSpan rks, const yaml::Node& x) {
                if (k == "name") {
                  rd.into(x, k, rks, rec.name, rec.name_span);
                } else if (k == "type") {
                  rd.into(x, k, rks, rec.type, rec.type_span);
                } else if (k == "ttl") {
                  rd.number(x, k, rks, 0, 2147483647);  // accepted; vpcemu's answers carry 0
                } else {
                  rec.values_span = rd.span(x, rks);
                  if (x.IsScalar()) {
                    if (auto s = rd.scalar(x, k, rks)) rec.values.push_back(*s);
                    return;
                  }
                  rd.each_item(x, rks, "values must be a list", [&](const yaml::Node& i) {
                    if (auto s = rd.scalar(i, "value", rks)) rec.values.push_back(*s);
                  });
                }
              });
  if (rd.mapping_or_empty(r)) {
    if (!r["name"]) rd.d.error(rec.span, "record has no 'name' (\"@\" for the zone's apex)");
    if (!r["type"]) rd.d.error(rec.span, "record has no 'type' (A, AAAA or CNAME)");
    if (!r["values"]) rd.d.error(rec.span, "record has no 'values'");
  }
  return rec;
}

}  // namespace

void parse_hosted_zones(Reader& rd, Scenario& sc, const yaml::Node& v) {
  rd.each_key(v, "private_hosted_zones", {},
              [&](const std::string& zone, SourceSpan zks, const yaml::Node& z) {
                HostedZone hz;
                hz.name = zone;
                hz.span = zks;
                rd.each_key(z, "private hosted zone '" + zone + "'", {"vpcs", "records"},
                            [&](const std::string& k, SourceSpan ks, const yaml::Node& x) {
                              if (k == "vpcs") {
                                rd.names(x, ks, "vpcs", hz.vpcs, hz.vpc_spans);
                                return;
                              }
                              rd.each_item(x, ks, "records must be a list of records",
                                           [&](const yaml::Node& r) {
                                             hz.records.push_back(parse_record(rd, r, ks));
                                           });
                            });
                if (rd.mapping_or_empty(z) && !z["vpcs"])
                  rd.d.error(zks, "private hosted zone '" + zone +
                                      "' has no 'vpcs' (the VPCs it answers in)");
                sc.private_hosted_zones.emplace(zone, std::move(hz));
              });
}

}  // namespace vpcemu::parsing
