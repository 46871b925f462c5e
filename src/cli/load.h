// Loading a scenario file for a verb: parse, validate, print every diagnostic to stderr.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "analyze/resources.h"
#include "compile/plan.h"
#include "compile/plan_records.h"
#include "model/scenario.h"

namespace vpcemu {

// nullopt when the scenario has errors (all of them printed as FILE:LINE:COL: error: ...).
// Warnings are printed unless `quiet_warnings`.
// first_error, when given, receives the first error as printed (FILE:LINE:COL: error: ...).
std::optional<Scenario> load_scenario(const std::string& path, bool quiet_warnings = false,
                                      std::string* first_error = nullptr);

// A running scenario as it was applied, from the text its state keeps (StateDir::read_records):
// what plan, up and status compare with or list. Empty text: an empty scenario.
Scenario applied_scenario(const std::string& text);

// What a running scenario is up with: its plan's records (none when its state cannot be read),
// the scenario text as applied and that scenario's AWS resources, which plan and up compare
// with. Its resources are kept in the state; an applied text equal to the new file's needs none
// (same_text: its resources are the new file's). (Read on a second thread while the file
// compiled, it made compile as much slower on this 2-core machine as it saved.)
struct Applied {
  std::optional<PlanRecords> records;
  std::string text;
  bool same_text = false;
  std::vector<AwsResource> resources;
};
Applied read_applied(const std::string& run_dir, const std::string& scenario,
                     const std::string& file);

// compile() of a validated scenario. Validation proves every name compile looks up, so a miss
// (std::out_of_range from a map::at, or any other exception) is vpcemu's bug: it is printed as
// an internal error naming the scenario and asking for a report, and nullopt returned.
std::optional<Plan> compile_validated(const Scenario& sc, const std::string& scenario_dir);

}  // namespace vpcemu
