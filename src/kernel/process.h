// Processes inside namespaces: started by fork/exec with an argument vector (never a shell),
// identified by pid and start time so that a recycled pid is never signalled.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "kernel/fd.h"
#include "util/result.h"

namespace vpcemu {

struct SpawnOptions {
  int nsfd = -1;
  std::string ns_name;
  std::vector<std::string> argv;
  std::string cwd;          // empty: inherit
  std::string log_path;     // stdout+stderr (append); empty: inherit
  bool detach = true;       // own session, stdin from /dev/null
  std::string resolv_conf;  // bind-mounted over /etc/resolv.conf in the child's mount namespace
  std::vector<std::string> env;  // "KEY=VALUE" added to the child's environment
  // Daemons get a /run of their own (pid files, sockets never collide); `keep` stays visible
  // in it (the scenario's state directory, where their config and sockets live).
  bool private_run = false;
  std::string keep;
  // A mount namespace the child starts from (see mount_namespace_without) before it takes a
  // private copy: -1, the caller's.
  int mount_template = -1;
};

// A mount namespace like the caller's without the mounts under `dir` (and /, rslave), held by
// the returned handle: what children copy instead of the caller's. A child's private mount
// namespace is a copy of every mount it starts with, and /run/netns holds one per network
// namespace: ten thousand copied for every process started, without this.
Result<Fd> mount_namespace_without(const std::string& dir);

// What `ip netns exec` does to the calling process (or a child before exec): enter the
// network namespace, take a private mount namespace, remount /sys for it, and optionally see
// `resolv_conf` as /etc/resolv.conf. Returns the failing step's name, or nullptr.
const char* enter_netns_environment(int nsfd, const std::string& ns_name,
                                    const std::string& resolv_conf, int mount_template = -1);
// In a child that entered its environment: a fresh tmpfs on /run with `keep` bound back.
const char* private_run(const std::string& keep);

// A child that has been forked and entered its namespace but waits before exec, so the caller
// can record its pid first (write-ahead journal).
class PausedProcess {
 public:
  PausedProcess(pid_t pid, Fd go, Fd status)
      : pid_(pid), go_(std::move(go)), status_(std::move(status)) {}
  pid_t pid() const { return pid_; }
  // Lets the child exec (many children can be let go before any is awaited).
  void go();
  // Awaits the exec: an exec failure (errno and the step that failed), or nothing.
  Status exec_result();

 private:
  pid_t pid_;
  Fd go_;
  Fd status_;
};

Result<PausedProcess> spawn_paused(const SpawnOptions& opt);

// Field 22 of /proc/PID/stat (clock ticks since boot); 0 if the process does not exist.
uint64_t process_start_time(pid_t pid);
bool process_matches(pid_t pid, uint64_t start_time);
// Matches and has not exited: a zombie waits only for its parent (often a slow init) to reap it.
bool process_running(pid_t pid, uint64_t start_time);

// SIGTERM, wait up to `grace_ms`, then SIGKILL; only while pid still has `start_time`.
void terminate_process(pid_t pid, uint64_t start_time, int grace_ms);

// True when the process owns a listening TCP socket or a bound UDP socket.
bool process_listens(pid_t pid);

// Reaps the exit status of a child of ours if it has exited (-1 if still running).
int child_exit_status(pid_t pid);

}  // namespace vpcemu
