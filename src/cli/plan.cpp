// vpcemu plan FILE: the kernel objects `up` would create, or on a running scenario the
// difference it would apply.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apply/state.h"
#include "cli/load.h"
#include "cli/verbs.h"
#include "compile/compile.h"
#include "compile/plan_diff.h"
#include "compile/plan_json.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace vpcemu::cli {

int cmd_plan(const std::string& run_dir, const std::string& file, const std::string& format) {
  auto sc = load_scenario(file);
  if (!sc) return kExitInvalid;
  auto compiled = compile_validated(*sc, fs::path(abs_path(file)).parent_path().string());
  if (!compiled) return kExitFail;
  Plan& plan = *compiled;
  // On a running scenario, the plan is the difference `up` would apply.
  StateDir state(run_dir, sc->name);
  if (state.complete()) {
    if (auto old = state.read_plan()) {
      PlanDiff diff = diff_plans(*old, plan);
      if (format == "json") {
        json j = {{"scenario", sc->name},
                  {"running", true},
                  {"add", plan_to_json(diff.added)},
                  {"nft_transactions", json::array()},
                  {"cannot_apply_live", diff.unsupported}};
        for (const auto& [ns, change] : diff.nft_changes) {
          j["nft_transactions"].push_back(
              {{"ns", ns}, {"now", change.now}, {"cleanup", change.cleanup}});
        }
        std::cout << j.dump(2) << "\n";
      } else {
        std::cout << "# scenario " << sc->name << " is up; the difference 'up' would apply:\n"
                  << diff_to_text(diff);
      }
      return kExitOk;
    }
  }
  if (format == "json") {
    std::cout << plan_to_json(plan).dump(2) << "\n";
  } else {
    std::cout << plan_to_text(plan);
  }
  return kExitOk;
}

}  // namespace vpcemu::cli
