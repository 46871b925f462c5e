// vpcemu exec NAME -- COMMAND: become COMMAND inside an instance's or host's namespace.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "apply/state.h"
#include "cli/verbs.h"
#include "compile/plan.h"
#include "kernel/netns.h"
#include "kernel/process.h"

namespace fs = std::filesystem;

namespace vpcemu::cli {

namespace {

// The endpoint NAME among the scenarios that are up (or in `scenario` only).
std::optional<std::pair<EndpointInfo, std::string>> find_endpoint(const std::string& run_dir,
                                                                  const std::string& scenario,
                                                                  const std::string& name) {
  std::vector<std::pair<EndpointInfo, std::string>> found;
  for (const auto& sc : StateDir::list(run_dir)) {
    if (!scenario.empty() && sc != scenario) continue;
    auto plan = StateDir(run_dir, sc).read_summary();
    if (!plan) continue;
    if (auto* e = plan->endpoint(name)) found.push_back({*e, sc});
  }
  if (found.size() == 1) return found[0];
  if (found.empty()) {
    std::cerr << "vpcemu exec: no instance or host named '" << name << "' in "
              << (scenario.empty() ? "any scenario that is up" : "scenario " + scenario) << "\n";
  } else {
    std::cerr << "vpcemu exec: '" << name << "' exists in several scenarios (";
    for (size_t i = 0; i < found.size(); ++i) std::cerr << (i ? ", " : "") << found[i].second;
    std::cerr << "); choose one with --scenario\n";
  }
  return std::nullopt;
}

}  // namespace

int exec_in_namespace(const std::string& ns, const std::string& resolv,
                      const std::vector<std::string>& cmd, const char* verb) {
  auto fd = netns_open(ns);
  if (!fd) {
    std::cerr << "vpcemu " << verb << ": " << fd.error().str() << "\n";
    return kExitFail;
  }
  // Same preparation as `ip netns exec`: this process becomes the command, so stdin/stdout/
  // stderr and the exit status pass through untouched.
  if (const char* step = enter_netns_environment(fd->get(), ns, resolv)) {
    std::cerr << "vpcemu " << verb << ": entering " << ns << ": " << step << ": " << strerror(errno)
              << "\n";
    return kExitFail;
  }
  std::vector<char*> argv;
  for (const auto& a : cmd) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  std::cerr << "vpcemu " << verb << ": " << cmd[0] << ": " << strerror(errno) << "\n";
  return errno == ENOENT ? 127 : 126;
}

int cmd_exec(const std::string& run_dir, const std::string& scenario, const std::string& name,
             const std::vector<std::string>& cmd) {
  if (!need_root("exec")) return kExitFail;
  auto ep = find_endpoint(run_dir, scenario, name);
  if (!ep) return kExitFail;
  // Instances see the VPC's resolver.
  std::string resolv;
  if (!ep->first.resolv_conf.empty()) {
    resolv = StateDir(run_dir, ep->second).path() + "/" + ep->first.resolv_conf;
    if (!fs::exists(resolv)) resolv.clear();
  }
  return exec_in_namespace(ep->first.ns, resolv, cmd, "exec");
}

}  // namespace vpcemu::cli
