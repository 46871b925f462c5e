// vpcemu plan FILE: what `up` would do, in AWS's terms first (resources to add, change and
// destroy, as `terraform plan` prints them), the kernel objects with --kernel. On a running
// scenario: the difference from what runs, and what of it cannot be applied live.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analyze/resources.h"
#include "apply/state.h"
#include "cli/load.h"
#include "cli/verbs.h"
#include "compile/compile.h"
#include "compile/plan_diff.h"
#include "compile/plan_json.h"
#include "scenario/parse.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace vpcemu::cli {

namespace {

json changes_json(const std::vector<ResourceChange>& changes) {
  json out = json::array();
  for (const auto& c : changes) {
    json x = {{"op", std::string(1, c.op)},
              {"kind", c.now.kind},
              {"id", c.now.id},
              {"detail", c.now.detail}};
    if (c.op == '~') x["before"] = c.before;
    out.push_back(x);
  }
  return out;
}

}  // namespace

int cmd_plan(const std::string& run_dir, const std::string& file, const std::string& format,
             bool kernel, bool detailed_exitcode) {
  auto sc = load_scenario(file);
  if (!sc) return kExitInvalid;
  auto compiled = compile_validated(*sc, fs::path(abs_path(file)).parent_path().string());
  if (!compiled) return kExitFail;
  Plan& plan = *compiled;
  const std::vector<AwsResource> wanted = aws_resources(*sc);
  // On a running scenario, the plan is the difference `up` would apply.
  StateDir state(run_dir, sc->name);
  std::string applied_text;
  std::optional<Plan> old = state.complete() ? state.read_plan(&applied_text) : std::nullopt;
  if (!old) {
    const auto changes = resource_changes({}, wanted);
    if (format == "json") {
      json j = plan_to_json(plan);
      j["resources"] = changes_json(changes);
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << "vpcemu plan: scenario " << sc->name << " is not up; 'up' would create:\n"
                << changes_text(changes);
      if (kernel)
        std::cout << plan_to_text(plan);
      else
        std::cout << "('vpcemu plan --kernel' lists the kernel objects: " << plan.namespaces.size()
                  << " namespaces, " << plan.veths.size() << " links, " << plan.routes.size()
                  << " routes, " << plan.nft.size() << " nftables tables, " << plan.processes.size()
                  << " processes)\n";
    }
    return detailed_exitcode ? 2 : kExitOk;
  }
  PlanDiff diff = diff_plans(*old, plan);
  std::vector<AwsResource> running;
  if (!applied_text.empty())
    running = aws_resources(parse_scenario_text(applied_text, "the applied scenario").scenario);
  const auto changes = resource_changes(running, wanted);
  const bool live = diff.unsupported.empty();
  if (format == "json") {
    json j = {{"scenario", sc->name},
              {"running", true},
              {"resources", changes_json(changes)},
              {"live", live},
              {"add", plan_to_json(diff.added)},
              {"nft_transactions", json::array()},
              {"cannot_apply_live", diff.unsupported}};
    for (const auto& [ns, change] : diff.nft_changes) {
      j["nft_transactions"].push_back(
          {{"ns", ns}, {"now", change.now}, {"cleanup", change.cleanup}});
    }
    std::cout << j.dump(2) << "\n";
  } else if (diff.empty() && changes.empty()) {
    std::cout << "vpcemu plan: scenario " << sc->name << " is up and unchanged.\n";
  } else {
    std::cout << "vpcemu plan: scenario " << sc->name << " is up; 'up' would change, "
              << (live ? "live" : "not all of it live") << ":\n"
              << changes_text(changes);
    if (!live)
      std::cout << "cannot be applied live ('vpcemu down " << sc->name
                << "', then 'vpcemu up', rebuilds it): " << diff.unsupported.size()
                << " kernel objects to remove or change\n";
    if (kernel) std::cout << diff_to_text(diff);
  }
  if (!live) return 2;
  return detailed_exitcode && !(diff.empty() && changes.empty()) ? 2 : kExitOk;
}

}  // namespace vpcemu::cli
