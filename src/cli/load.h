// Loading a scenario file for a verb: parse, validate, print every diagnostic to stderr.
#pragma once
#include <optional>
#include <string>

#include "model/scenario.h"

namespace vpcemu {

// nullopt when the scenario has errors (all of them printed as FILE:LINE:COL: error: ...).
// Warnings are printed unless `quiet_warnings`.
std::optional<Scenario> load_scenario(const std::string& path, bool quiet_warnings = false);

}  // namespace vpcemu
