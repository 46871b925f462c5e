// Named network namespaces (iproute2-compatible: bind mounts under /run/netns), entering them
// per thread, sysctls inside them, and the processes that live in them.
#pragma once
#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "kernel/fd.h"
#include "util/result.h"

namespace vpcemu {

// Where named namespaces are bound: /run/netns (iproute2's), or in a rootless sandbox a
// directory of the user's ($XDG_RUNTIME_DIR/vpcemu/netns), set once at start and passed on to
// the processes it starts (VPCEMU_NETNS_DIR).
const std::string& netns_dir();
void set_netns_dir(const std::string& dir);

// Creates /run/netns/NAME bound to a fresh network namespace. EEXIST if it exists.
Status netns_create(const std::string& name);
// Unmounts and removes /run/netns/NAME; "already gone" is success.
Status netns_delete(const std::string& name);
bool netns_exists(const std::string& name);
Result<Fd> netns_open(const std::string& name);
// Names in /run/netns starting with `prefix`, sorted.
std::vector<std::string> netns_list(const std::string& prefix);

// Moves the calling thread into a namespace; the destructor moves it back.
class NetnsGuard {
 public:
  static Result<NetnsGuard> enter(int nsfd, const std::string& ns_name);
  NetnsGuard(NetnsGuard&& o) noexcept : home_(std::move(o.home_)) {}
  NetnsGuard& operator=(NetnsGuard&&) = delete;
  ~NetnsGuard();

 private:
  NetnsGuard() = default;
  Fd home_;
};

// Runs `work` on a thread of its own whose mount namespace is a private copy of the caller's
// (/ made rslave: nothing mounted there reaches the host), and whose network namespace is its
// own to change; both end with the thread. `work` is told whether that copy could be made.
Status on_own_mount_namespace(const std::function<Status(bool own)>& work);

struct SysctlWrite {
  std::string ns;
  std::string key;  // "net/ipv6/conf/all/disable_ipv6"
  std::string value;
};
// Writes every sysctl inside its namespace, in order, one namespace handle open at a time.
// /proc/sys keeps a dentry per namespace for a path that every namespace has
// (net/ipv6/conf/all/...), all in one hash chain, so through one procfs the N-th namespace's
// write walks N-1 others': quadratic in the namespace count. These writes go through a procfs
// of their own, mounted afresh for every kSysctlBatch namespaces inside a private mount
// namespace of a helper thread, which keeps the chains short and the host's mounts untouched
// (where no procfs can be mounted, through /proc: the same result, slower). Writes to fewer
// than kSysctlBatch namespaces (a live change), unless /proc/sys is read-only (a container's),
// go through /proc on a helper thread: a private
// mount namespace would copy every namespace's /run/netns mount (20-40 ms at ten thousand).
inline constexpr size_t kSysctlBatch = 64;
Status sysctl_write_all(const std::vector<SysctlWrite>& writes);

// For each name, the processes whose network namespace is the one bound at /run/netns/NAME
// (one scan of /proc for all of them).
std::map<std::string, std::vector<pid_t>> pids_in_netns(const std::vector<std::string>& names);

}  // namespace vpcemu
