// vpcemu plan FILE: what `up` would do, in AWS's terms first (resources to add, change and
// destroy, as `terraform plan` prints them), the kernel objects with --kernel. On a running
// scenario: the difference from what runs, and what of it cannot be applied live.
#include <unistd.h>

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

namespace fs = std::filesystem;
using nlohmann::json;

namespace vpcemu::cli {

namespace {

// The changes as changes_text prints them; on a terminal coloured as terraform's (+ green,
// ~ yellow, - red); with `rebuild`, each change a running scenario cannot take live is marked.
std::string shown(const std::vector<ResourceChange>& changes, bool rebuild) {
  static const bool tty = isatty(STDOUT_FILENO) == 1;
  std::string out;
  for (const auto& c : changes) {
    std::string line = change_line(c);
    if (rebuild && !changes_live(c)) line += "  # forces rebuild";
    if (tty) {
      const char* colour = c.op == '+' ? "\033[32m" : c.op == '~' ? "\033[33m" : "\033[31m";
      line = colour + line + "\033[0m";
    }
    out += line + "\n";
  }
  const std::string total = changes_text(changes);
  return out + total.substr(total.rfind("Plan:"));
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
  std::optional<Applied> running;
  if (StateDir(run_dir, sc->name).complete()) running = read_applied(run_dir, sc->name, file);
  const PlanRecords* old = running && running->records ? &*running->records : nullptr;
  if (!old) {
    const auto changes = resource_changes({}, wanted);
    if (format == "json") {
      json j = plan_to_json(plan);
      j["schema_version"] = kJsonSchemaVersion;
      j["running"] = false;
      j["resources"] = resource_changes_json(changes);
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << "vpcemu plan: scenario " << sc->name << " is not up; 'up' would create:\n"
                << shown(changes, false);
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
  PlanDiff diff = diff_plans(*old, plan, PlanRecords::of(plan));
  const auto changes = resource_changes(running->same_text ? wanted : running->resources, wanted);
  const bool live = diff.unsupported.empty();
  if (format == "json") {
    json j = {{"schema_version", kJsonSchemaVersion},
              {"scenario", sc->name},
              {"running", true},
              {"resources", resource_changes_json(changes)},
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
              << shown(changes, !live);
    if (!live)
      std::cout << "This change cannot be applied live: 'vpcemu up --recreate " << file
                << "' rebuilds the scenario with it (" << diff.unsupported.size()
                << " kernel objects to remove or change" << (kernel ? "" : "; --kernel lists them")
                << ").\n";
    if (kernel) std::cout << diff_to_text(diff);
  }
  if (!live) return 2;
  return detailed_exitcode && !(diff.empty() && changes.empty()) ? 2 : kExitOk;
}

}  // namespace vpcemu::cli
