// Named network namespaces (iproute2-compatible: bind mounts under /run/netns), entering them
// per thread, sysctls inside them, and the processes that live in them.
#pragma once
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "kernel/fd.h"
#include "util/result.h"

namespace vpcemu {

inline constexpr const char* kNetnsDir = "/run/netns";

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

// Writes /proc/sys/KEY inside the namespace (the calling thread enters it for the write).
Status sysctl_write(int nsfd, const std::string& ns_name, const std::string& key,
                    const std::string& value);

// For each name, the processes whose network namespace is the one bound at /run/netns/NAME
// (one scan of /proc for all of them).
std::map<std::string, std::vector<pid_t>> pids_in_netns(const std::vector<std::string>& names);

}  // namespace vpcemu
