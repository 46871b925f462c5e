// Rootless: an ordinary user's scenarios live in a sandbox of their own: a user + mount +
// network + PID namespace held by a supervisor (`vpcemu serve` as the PID namespace's init),
// with namespaces bound under $XDG_RUNTIME_DIR/vpcemu/netns and state under
// $XDG_RUNTIME_DIR/vpcemu/run. Nothing on the host changes; when the supervisor ends, the
// kernel ends every process in the sandbox and its namespaces go with them.
#pragma once
#include <string>

namespace vpcemu::cli {

struct RootlessPaths {
  std::string base;  // $XDG_RUNTIME_DIR/vpcemu
  std::string netns() const { return base + "/netns"; }
  std::string run() const { return base + "/run"; }
  std::string pid_file() const { return base + "/supervisor.pid"; }
  std::string log() const { return base + "/supervisor.log"; }
};

// Moves this process into the sandbox (starting its supervisor first when none runs): returns
// 0 in a child that then goes on as the sandbox's root, with `run_dir` and the namespace
// directory set; the parent waits for that child and returns its exit status + 1 (so 0 always
// means "go on"). -1 (after saying why) when the sandbox cannot be entered.
int enter_rootless(std::string& run_dir);

// In the parent, after the verb: the supervisor ends once no scenario is left in the sandbox
// and no other verb is in it.
void rootless_stop_if_empty();

}  // namespace vpcemu::cli
