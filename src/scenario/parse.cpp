// YAML → Scenario: every unknown key, wrong type and malformed value is reported with its line
// and column, and parsing goes on so that all problems are listed at once. The readers are in
// reader.cpp, each construct's keys in scenario/<construct>.cpp.
#include "scenario/parse.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "model/addressing.h"
#include "scenario/parsers.h"
#include "scenario/yaml.h"

namespace vpcemu {
namespace parsing {
namespace {

// The scenario: its name, and each top-level key handed to its construct's parser.
void parse(Reader& rd, Scenario& sc, const yaml::Node& root) {
  if (!root.IsMap()) {
    rd.d.error(
        rd.span(root, {1, 1}),
        "a scenario must be a mapping with 'name' and 'vpcs', found " + std::string(rd.kind(root)));
    return;
  }
  sc.services = builtin_services();
  rd.each_key(root, "the scenario",
              {"name", "region", "time_scale", "vpcs", "internet", "peerings", "services",
               "endpoint_services", "gateway_load_balancers", "onprem", "vpn_connections",
               "direct_connects", "transit_gateways", "client_vpn_endpoints",
               "private_hosted_zones", "expect"},
              [&](const std::string& k, SourceSpan ks, const yaml::Node& v) {
                if (k == "name") {
                  sc.name_span = rd.span(v, ks);
                  auto s = rd.scalar(v, "name", ks);
                  if (!s) return;
                  sc.name = *s;
                  // Scenario names become part of namespace names; same rule as resources.
                  if (!valid_resource_name(*s)) {
                    rd.d.error(sc.name_span,
                               "invalid scenario name '" + *s +
                                   "': use 1-32 characters of a-z, 0-9 and '-', starting with a "
                                   "letter or digit");
                  }
                } else if (k == "time_scale") {
                  sc.time_scale_span = rd.span(v, ks);
                  auto s = rd.scalar(v, k, ks);
                  if (!s) return;
                  char* end = nullptr;
                  const double x = std::strtod(s->c_str(), &end);
                  if (end != s->c_str() + s->size() || !(x > 0) || x > 1)
                    rd.d.error(
                        sc.time_scale_span,
                        "time_scale must be a number above 0 and at most 1 (0.01 makes AWS's "
                        "350 s NAT idle timeout 3.5 s), found '" +
                            *s + "'");
                  else
                    sc.time_scale = x;
                } else if (k == "region") {
                  rd.into(v, k, ks, sc.region, sc.region_span);
                } else if (k == "vpcs") {
                  parse_vpcs(rd, sc, v);
                } else if (k == "internet") {
                  parse_internet(rd, sc, v);
                } else if (k == "peerings") {
                  parse_peerings(rd, sc, v);
                } else if (k == "expect") {
                  parse_expect(rd, sc, v, ks);
                } else if (k == "client_vpn_endpoints") {
                  parse_client_vpns(rd, sc, v);
                } else if (k == "vpn_connections") {
                  parse_vpns(rd, sc, v);
                } else if (k == "direct_connects") {
                  parse_direct_connects(rd, sc, v);
                } else if (k == "transit_gateways") {
                  parse_transit_gateways(rd, sc, v);
                } else if (k == "onprem") {
                  parse_onprem(rd, sc, v);
                } else if (k == "private_hosted_zones") {
                  parse_hosted_zones(rd, sc, v);
                } else if (k == "services") {
                  parse_services(rd, sc, v);
                } else if (k == "endpoint_services") {
                  parse_endpoint_services(rd, sc, v);
                } else if (k == "gateway_load_balancers") {
                  parse_gateway_load_balancers(rd, sc, v);
                }
              });
  if (!root["name"]) rd.d.error({1, 1}, "the scenario has no 'name'");
}

}  // namespace
}  // namespace parsing

bool valid_resource_name(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!ok(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [&](char c) { return ok(c) || c == '-'; });
}

ParseResult parse_scenario_text(const std::string& text, const std::string& file) {
  ParseResult r;
  r.scenario.file = file;
  yaml::Node root;
  try {
    root = yaml::Load(text);
  } catch (const yaml::ParserException& e) {
    r.diags.error({e.mark.line + 1, e.mark.column + 1}, "malformed YAML: " + e.msg);
    return r;
  }
  parsing::Reader rd{r.diags};
  parsing::parse(rd, r.scenario, root);
  assign_ipv6_blocks(r.scenario);
  return r;
}

ParseResult parse_scenario_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    ParseResult r;
    r.scenario.file = path;
    r.diags.error({}, "cannot read scenario file: " + std::string(strerror(errno)));
    return r;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario_text(ss.str(), path);
}

}  // namespace vpcemu
