// vpcemu down NAME|FILE: remove everything a scenario made, by its journal and its names. What
// was removed is the result (stdout); the steps are progress (stderr).
#include <iostream>
#include <nlohmann/json.hpp>

#include "apply/apply.h"
#include "apply/state.h"
#include "cli/verbs.h"
#include "kernel/netns.h"

namespace vpcemu::cli {

int down_scenario(const std::string& run_dir, const std::string& name, const std::string& format,
                  bool print) {
  StateDir state(run_dir, name);
  nlohmann::json j = {{"schema_version", kJsonSchemaVersion},
                      {"scenario", name},
                      {"was_up", false},
                      {"namespaces_removed", 0},
                      {"processes_ended", 0},
                      {"errors", nlohmann::json::array()}};
  auto lock = state.lock();
  if (!lock) {
    log("vpcemu down: " + lock.error().str());
    j["errors"].push_back(lock.error().str());
    if (print && format == "json") std::cout << j.dump(2) << "\n";
    return kExitFail;
  }
  DestroyReport r;
  const bool anything = state.exists() || !netns_list(name + ".").empty();
  if (anything) {
    progress("vpcemu: down " + name);
    r = destroy(state, progress);
    for (const auto& e : r.errors) log("vpcemu down: " + e);
  }
  if (r.errors.empty()) state.remove_lock();  // nothing left of the scenario, its lock neither
  progress_done();
  j["was_up"] = anything;
  j["namespaces_removed"] = r.namespaces;
  j["processes_ended"] = r.processes;
  j["errors"] = r.errors;
  if (!print) return r.errors.empty() ? kExitOk : kExitFail;
  if (format == "json")
    std::cout << j.dump(2) << "\n";
  else if (!anything)
    std::cout << "scenario " << name << " is not up; nothing to remove\n";
  else
    std::cout << "scenario " << name << " is down (" << r.namespaces << " namespaces removed, "
              << r.processes << " processes ended"
              << (r.errors.empty() ? "" : ", " + std::to_string(r.errors.size()) + " errors")
              << ")\n";
  return r.errors.empty() ? kExitOk : kExitFail;
}

int cmd_down(const std::string& run_dir, const std::string& name_or_file,
             const std::string& format) {
  if (!need_root("down")) return kExitFail;
  auto n = scenario_name_of(name_or_file);
  return n ? down_scenario(run_dir, *n, format, true) : kExitInvalid;
}

}  // namespace vpcemu::cli
