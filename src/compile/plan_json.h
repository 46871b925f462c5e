// Plan ↔ JSON (the state file keeps the plan that `up` applied) and the human-readable listing.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "compile/plan.h"

namespace vpcemu {

nlohmann::json plan_to_json(const Plan& plan);
Plan plan_from_json(const nlohmann::json& j);  // throws nlohmann::json::exception on bad input
std::string plan_to_text(const Plan& plan);
RulePlan rule_from_json(const nlohmann::json& r);  // one entry of "rules"

}  // namespace vpcemu
