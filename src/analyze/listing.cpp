// The AWS listing of a scenario (what DescribeVpcs, DescribeRouteTables, ... would answer).
#include "analyze/listing.h"

#include "model/addressing.h"

namespace vpcemu {

using nlohmann::json;

namespace {

json route_json(const std::string& destination, const std::string& target, const char* origin) {
  return {{"destination", destination},
          {"target", target},
          {"state", target == "blackhole" ? "blackhole" : "active"},
          {"origin", origin}};
}

// One VPC's route tables, the main one first (AWS's implicit main table when none is named),
// each with its subnets, the local routes and its own and its endpoints' routes.
void route_tables(const Vpc& v, json& out) {
  std::vector<std::string> names;
  if (v.main_route_table.empty()) names.push_back("");
  for (const auto& [tn, t] : v.route_tables) names.push_back(tn);
  for (const auto& tn : names) {
    json t = {{"vpc", v.name},
              {"name", tn.empty() ? "main" : tn},
              {"main", tn == v.main_route_table},
              {"subnets", json::array()},
              {"routes", json::array()}};
    for (const auto& [sn, s] : v.subnets)
      if (v.route_table_of(s) == tn) t["subnets"].push_back(sn);
    if (v.cidr) t["routes"].push_back(route_json(v.cidr->str(), "local", "CreateRouteTable"));
    if (v.ipv6_cidr)
      t["routes"].push_back(route_json(v.ipv6_cidr->str(), "local", "CreateRouteTable"));
    if (auto it = v.route_tables.find(tn); it != v.route_tables.end()) {
      const RouteTable& rt = it->second;
      if (!rt.edge_associations.empty()) t["edge_associations"] = rt.edge_associations;
      if (!rt.propagations.empty()) t["propagations"] = rt.propagations;
      for (const auto& r : rt.routes)
        if (r.destination)
          t["routes"].push_back(route_json(r.destination->str(), r.target.str(), "CreateRoute"));
    }
    for (const auto& [en, e] : v.endpoints) {
      if (e.type != EndpointType::kGateway) continue;
      for (const auto& rt : e.route_tables)
        if (rt == tn)
          t["routes"].push_back(
              route_json("pl/" + e.service.str(), "endpoint/" + en, "CreateRoute"));
    }
    out.push_back(t);
  }
}

}  // namespace

json scenario_listing(const Scenario& sc) {
  json j = {{"vpcs", json::array()},
            {"route_tables", json::array()},
            {"peerings", json::array()},
            {"vpc_endpoints", json::array()},
            {"transit_gateways", json::array()}};
  for (const auto& [vn, v] : sc.vpcs) {
    j["vpcs"].push_back({{"name", vn},
                         {"cidr", v.cidr ? json(v.cidr->str()) : json(nullptr)},
                         {"ipv6_cidr", v.ipv6_cidr ? json(v.ipv6_cidr->str()) : json(nullptr)},
                         {"internet_gateway", v.internet_gateway},
                         {"egress_only_internet_gateway", v.egress_only_internet_gateway},
                         {"nat_gateways", json::array()}});
    for (const auto& [nn, n] : v.nat_gateways)
      j["vpcs"].back()["nat_gateways"].push_back({{"name", nn}, {"subnet", n.subnet}});
    route_tables(v, j["route_tables"]);
    for (const auto& [en, e] : v.endpoints) {
      json x = {{"vpc", vn},
                {"name", en},
                {"type", e.type == EndpointType::kGateway     ? "gateway"
                         : e.type == EndpointType::kInterface ? "interface"
                                                              : "gateway_load_balancer"},
                {"service", e.service.str()}};
      if (!e.subnets.empty()) x["subnets"] = e.subnets;
      if (!e.route_tables.empty()) x["route_tables"] = e.route_tables;
      j["vpc_endpoints"].push_back(x);
    }
  }
  for (const auto& [pn, p] : sc.peerings)
    j["peerings"].push_back(
        {{"name", pn}, {"requester", p.requester}, {"accepter", p.accepter}, {"state", "active"}});
  for (const auto& [tn, t] : sc.transit_gateways) {
    json x = {{"name", tn}, {"attachments", json::array()}, {"route_tables", json::array()}};
    for (const auto& [an, at] : t.attachments)
      x["attachments"].push_back({{"name", an},
                                  {"type", !at.vpc.empty()   ? "vpc"
                                           : !at.vpn.empty() ? "vpn"
                                                             : "peering"},
                                  {"resource", !at.vpc.empty()   ? at.vpc
                                               : !at.vpn.empty() ? at.vpn
                                                                 : at.peering}});
    for (const auto& [rn, rt] : t.route_tables) {
      json r = {{"name", rn},
                {"associations", rt.associations},
                {"propagations", rt.propagations},
                {"routes", json::array()}};
      for (const auto& route : rt.routes)
        if (route.destination)
          r["routes"].push_back(route_json(route.destination->str(),
                                           route.blackhole ? "blackhole" : route.attachment,
                                           "static"));
      x["route_tables"].push_back(r);
    }
    j["transit_gateways"].push_back(x);
  }
  return j;
}

}  // namespace vpcemu
