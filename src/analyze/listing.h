// A scenario as `vpcemu status` lists it in AWS's terms: VPCs, route tables with their
// associations and routes, peerings, VPC endpoints, transit gateways. Pure: from the model of
// the applied scenario; what runs (tunnels, processes) is observed elsewhere (apply/observe).
#pragma once
#include <nlohmann/json.hpp>

#include "model/scenario.h"

namespace vpcemu {

// {"vpcs": [...], "route_tables": [...], "peerings": [...], "vpc_endpoints": [...],
//  "transit_gateways": [...]}
nlohmann::json scenario_listing(const Scenario& sc);

}  // namespace vpcemu
