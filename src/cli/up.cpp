// vpcemu up FILE: build a scenario, or bring a running one to its changed file.
#include <chrono>
#include <filesystem>

#include "apply/apply.h"
#include "apply/state.h"
#include "cli/load.h"
#include "cli/verbs.h"
#include "compile/compile.h"
#include "compile/plan_diff.h"
#include "compile/plan_json.h"
#include "kernel/netns.h"

namespace fs = std::filesystem;

namespace vpcemu::cli {

namespace {

// A running scenario whose file changed: add what is new, change nftables by difference (one
// transaction per namespace), refuse what cannot be changed live.
int up_change(StateDir& state, const Plan& old, const Plan& plan, const std::string& src,
              int ready_ms) {
  PlanDiff diff = diff_plans(old, plan);
  if (!diff.unsupported.empty()) {
    log("vpcemu up: scenario " + plan.scenario + " is up and this change cannot be applied live:");
    for (size_t i = 0; i < diff.unsupported.size() && i < 10; ++i) log("  " + diff.unsupported[i]);
    if (diff.unsupported.size() > 10)
      log("  ... and " + std::to_string(diff.unsupported.size() - 10) + " more");
    log("Live changes can add instances, change security groups and network ACLs, add, replace "
        "and remove routes, move Elastic IPs and route table associations. Run "
        "'vpcemu down " +
        plan.scenario + "' and 'vpcemu up' to rebuild it.");
    return kExitFail;
  }
  log("vpcemu: up " + plan.scenario + ": applying the change to the running scenario");
  ApplyOptions opt;
  opt.ready_timeout_ms = ready_ms;
  Status s = apply_plan(diff.added, state, opt, log);
  if (s) s = apply_nft_changes(diff.nft_changes, log);
  if (s)
    s = apply_route_changes(diff.replaced_routes, diff.removed_routes, diff.removed_rules, log);
  if (s) s = state.write_plan(plan, src);
  if (!s) {
    log("vpcemu up: failed: " + s.error().str());
    log("vpcemu up: the scenario keeps running as far as the change got; 'vpcemu down " +
        plan.scenario + "' removes all of it");
    return kExitFail;
  }
  log("vpcemu: " + plan.scenario + " is up with the change applied");
  return kExitOk;
}

}  // namespace

int cmd_up(const std::string& run_dir, const std::string& file, int ready_ms) {
  auto sc = load_scenario(file);
  if (!sc) return kExitInvalid;
  if (!need_root("up")) return kExitFail;
  const std::string src = abs_path(file);
  auto compiled = compile_validated(*sc, fs::path(src).parent_path().string());
  if (!compiled) return kExitFail;
  Plan& plan = *compiled;
  StateDir state(run_dir, sc->name);
  auto lock = state.lock();
  if (!lock) {
    log("vpcemu up: " + lock.error().str());
    return kExitFail;
  }
  if (state.exists()) {
    auto old = state.read_plan();
    if (state.complete() && old && plan_to_json(*old) != plan_to_json(plan)) {
      return up_change(state, *old, plan, src, ready_ms);
    }
    if (state.complete() && old) {
      std::vector<std::string> missing;
      for (const auto& ns : plan.namespaces)
        if (!netns_exists(ns.name)) missing.push_back(ns.name);
      if (missing.empty()) {
        log("vpcemu: scenario " + sc->name + " is up and unchanged; nothing to do");
        return kExitOk;
      }
      log("vpcemu: scenario " + sc->name + " is up but " + std::to_string(missing.size()) +
          " of its namespaces are gone (first: " + missing[0] + "); rebuilding it");
    } else {
      log("vpcemu: a previous 'up' of " + sc->name + " did not finish; removing its leftovers");
    }
    destroy(state, log);
  } else if (!netns_list(sc->name + ".").empty()) {
    log("vpcemu: removing leftover namespaces of " + sc->name);
    destroy(state, log);
  }
  log("vpcemu: up " + sc->name + " (" + std::to_string(plan.endpoints.size()) +
      " instances and hosts)");
  auto t0 = std::chrono::steady_clock::now();
  Status s = state.create();
  if (s) s = state.write_plan(plan, src);
  ApplyOptions opt;
  opt.ready_timeout_ms = ready_ms;
  if (s) s = apply_plan(plan, state, opt, log);
  if (!s) {
    log("vpcemu up: failed: " + s.error().str());
    log("vpcemu up: removing what was created");
    destroy(state, log);
    return kExitFail;
  }
  if (auto m = state.mark_complete(); !m) log("vpcemu up: " + m.error().str());
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  log("vpcemu: " + sc->name + " is up (" + std::to_string(ms) + " ms)");
  for (const auto& e : plan.endpoints) {
    std::string line = "  " + e.name + "  " + (e.private_ip ? e.private_ip->str() : "-");
    if (e.public_ip) line += "  public " + e.public_ip->str();
    if (e.ipv6) line += "  " + e.ipv6->str();
    log(line);
  }
  return kExitOk;
}

}  // namespace vpcemu::cli
