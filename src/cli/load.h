// Loading a scenario file for a verb: parse, validate, print every diagnostic to stderr.
#pragma once
#include <optional>
#include <string>

#include "compile/plan.h"
#include "model/scenario.h"

namespace vpcemu {

// nullopt when the scenario has errors (all of them printed as FILE:LINE:COL: error: ...).
// Warnings are printed unless `quiet_warnings`.
std::optional<Scenario> load_scenario(const std::string& path, bool quiet_warnings = false);

// A running scenario as it was applied, from the text its state keeps (StateDir::read_plan):
// what plan, up and status compare with or list. Empty text: an empty scenario.
Scenario applied_scenario(const std::string& text);

// compile() of a validated scenario. Validation proves every name compile looks up, so a miss
// (std::out_of_range from a map::at, or any other exception) is vpcemu's bug: it is printed as
// an internal error naming the scenario and asking for a report, and nullopt returned.
std::optional<Plan> compile_validated(const Scenario& sc, const std::string& scenario_dir);

}  // namespace vpcemu
