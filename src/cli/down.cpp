// vpcemu down NAME|FILE: remove everything a scenario made, by its journal and its names.
#include "apply/apply.h"
#include "apply/state.h"
#include "cli/verbs.h"
#include "kernel/netns.h"

namespace vpcemu::cli {

namespace {

int cmd_down_name(const std::string& run_dir, const std::string& name) {
  StateDir state(run_dir, name);
  auto lock = state.lock();
  if (!lock) {
    log("vpcemu down: " + lock.error().str());
    return kExitFail;
  }
  bool anything = state.exists() || !netns_list(name + ".").empty();
  if (!anything) {
    state.remove_lock();
    log("vpcemu: scenario " + name + " is not up; nothing to remove");
    return kExitOk;
  }
  log("vpcemu: down " + name);
  auto r = destroy(state, log);
  for (const auto& e : r.errors) log("vpcemu down: " + e);
  if (r.errors.empty()) state.remove_lock();  // nothing left of the scenario, its lock neither
  return r.errors.empty() ? kExitOk : kExitFail;
}

}  // namespace

int cmd_down(const std::string& run_dir, const std::string& name_or_file) {
  if (!need_root("down")) return kExitFail;
  auto n = scenario_name_of(name_or_file);
  return n ? cmd_down_name(run_dir, *n) : kExitInvalid;
}

}  // namespace vpcemu::cli
