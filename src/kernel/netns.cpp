// Named network namespaces, done the way iproute2 does them so `ip netns` sees ours.
#include "kernel/netns.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <thread>

namespace vpcemu {

namespace {

// vpcemu's own daemons (the gateway load balancer) find the namespaces of the sandbox they were
// started in through the environment.
constexpr const char* kNetnsDirEnv = "VPCEMU_NETNS_DIR";

std::string& netns_dir_value() {
  static std::string dir = getenv(kNetnsDirEnv) ? getenv(kNetnsDirEnv) : "/run/netns";
  return dir;
}

std::string path_of(const std::string& name) {
  return netns_dir() + "/" + name;
}

// /run/netns must be a shared mount so namespaces created here are visible in other mount
// namespaces (and the other way round), as iproute2 arranges it.
Status prepare_netns_dir() {
  const char* dir = netns_dir().c_str();
  if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
    return errno_error("mkdir", dir, errno);
  }
  if (mount("", dir, "none", MS_SHARED | MS_REC, nullptr) == 0) return {};
  if (errno != EINVAL) return errno_error("mount --make-shared", dir, errno);
  if (mount(dir, dir, "none", MS_BIND | MS_REC, nullptr) != 0) {
    return errno_error("mount --bind", dir, errno);
  }
  if (mount("", dir, "none", MS_SHARED | MS_REC, nullptr) != 0) {
    return errno_error("mount --make-shared", dir, errno);
  }
  return {};
}

}  // namespace

const std::string& netns_dir() {
  return netns_dir_value();
}
void set_netns_dir(const std::string& dir) {
  netns_dir_value() = dir;
  setenv(kNetnsDirEnv, dir.c_str(), 1);
}

Status netns_create(const std::string& name) {
  static const Status prepared = prepare_netns_dir();  // once, also when called in parallel
  if (!prepared) return prepared;
  const std::string path = path_of(name);
  int fd = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
  if (fd < 0) return errno_error("create netns", name, errno);
  close(fd);
  Fd home(open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!home.valid()) return errno_error("open", "/proc/thread-self/ns/net", errno);
  if (unshare(CLONE_NEWNET) != 0) {
    int e = errno;
    unlink(path.c_str());
    return errno_error("unshare(CLONE_NEWNET)", "for netns " + name, e);
  }
  int mount_err = 0;
  if (mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) {
    mount_err = errno;
  }
  if (setns(home.get(), CLONE_NEWNET) != 0) {
    // Without a way back every later step would act on the wrong namespace: a bug-level fault.
    return errno_error("setns back to the host namespace", "", errno);
  }
  if (mount_err) {
    unlink(path.c_str());
    return errno_error("mount --bind", "netns " + name, mount_err);
  }
  return {};
}

Status netns_delete(const std::string& name) {
  const std::string path = path_of(name);
  if (umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return errno_error("umount", "netns " + name, errno);
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return errno_error("unlink", path, errno);
  }
  return {};
}

bool netns_exists(const std::string& name) {
  struct stat st;
  return stat(path_of(name).c_str(), &st) == 0;
}

Result<Fd> netns_open(const std::string& name) {
  int fd = open(path_of(name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno_error("open netns", name, errno);
  return Fd(fd);
}

std::vector<std::string> netns_list(const std::string& prefix) {
  std::vector<std::string> out;
  DIR* d = opendir(netns_dir().c_str());
  if (!d) return out;
  while (auto* e = readdir(d)) {
    std::string n = e->d_name;
    if (n.rfind(prefix, 0) == 0 && n != "." && n != "..") out.push_back(n);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

Result<NetnsGuard> NetnsGuard::enter(int nsfd, const std::string& ns_name) {
  NetnsGuard g;
  g.home_ = Fd(open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!g.home_.valid()) return errno_error("open", "/proc/thread-self/ns/net", errno);
  if (setns(nsfd, CLONE_NEWNET) != 0) return errno_error("setns", "netns " + ns_name, errno);
  return g;
}

NetnsGuard::~NetnsGuard() {
  if (home_.valid()) (void)setns(home_.get(), CLONE_NEWNET);
}

Status on_own_mount_namespace(const std::function<Status(bool)>& work) {
  Status result;
  std::thread helper([&] {
    const bool own = unshare(CLONE_FS | CLONE_NEWNS) == 0 &&
                     mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) == 0;
    result = work(own);
  });
  helper.join();
  return result;
}

namespace {

// The writes of these namespaces (each a list of indexes into `writes`), each entered in turn.
Status write_namespaces(const std::vector<SysctlWrite>& writes,
                        const std::vector<std::vector<size_t>>& by_ns) {
  for (const auto& idx : by_ns) {
    const std::string& ns = writes[idx[0]].ns;
    auto fd = netns_open(ns);
    if (!fd) return fd.error();
    if (setns(fd->get(), CLONE_NEWNET) != 0) return errno_error("setns", "netns " + ns, errno);
    for (size_t i : idx) {
      const std::string path = "/proc/sys/" + writes[i].key;
      Fd f(open(path.c_str(), O_WRONLY | O_CLOEXEC));
      if (!f.valid())
        return errno_error("open /proc/sys", writes[i].key + " in netns " + ns, errno);
      if (write(f.get(), writes[i].value.data(), writes[i].value.size()) < 0)
        return errno_error("write /proc/sys",
                           writes[i].key + "=" + writes[i].value + " in netns " + ns, errno);
    }
  }
  return {};
}

}  // namespace

Status sysctl_write_all(const std::vector<SysctlWrite>& writes) {
  if (writes.empty()) return {};
  std::vector<std::vector<size_t>> by_ns;  // namespaces in order of first appearance
  std::map<std::string, size_t> slot;
  for (size_t i = 0; i < writes.size(); ++i) {
    auto [it, fresh] = slot.emplace(writes[i].ns, by_ns.size());
    if (fresh) by_ns.emplace_back();
    by_ns[it->second].push_back(i);
  }
  // In a container /proc/sys is mounted read-only (only --privileged or
  // systempaths=unconfined lift that): a fresh procfs of our own is writable.
  struct statvfs sv {};
  const bool read_only = statvfs("/proc/sys", &sv) == 0 && (sv.f_flag & ST_RDONLY);
  if (by_ns.size() < kSysctlBatch && !read_only) {
    Status result;
    std::thread helper([&] { result = write_namespaces(writes, by_ns); });
    helper.join();
    return result;
  }
  return on_own_mount_namespace([&](bool own) -> Status {
    for (size_t first = 0; first < by_ns.size(); first += kSysctlBatch) {
      const std::vector<std::vector<size_t>> batch(
          by_ns.begin() + static_cast<long>(first),
          by_ns.begin() + static_cast<long>(std::min(by_ns.size(), first + kSysctlBatch)));
      const bool mounted =
          own && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0;
      Status s = write_namespaces(writes, batch);
      if (mounted) umount2("/proc", MNT_DETACH);
      if (!s) return s;
    }
    return {};
  });
}

std::map<std::string, std::vector<pid_t>> pids_in_netns(const std::vector<std::string>& names) {
  std::map<std::string, std::vector<pid_t>> out;
  std::map<std::pair<dev_t, ino_t>, std::string> wanted;
  for (const auto& n : names) {
    struct stat st;
    if (stat(path_of(n).c_str(), &st) == 0) wanted[{st.st_dev, st.st_ino}] = n;
  }
  if (wanted.empty()) return out;
  DIR* d = opendir("/proc");
  if (!d) return out;
  while (auto* e = readdir(d)) {
    char* end = nullptr;
    long pid = strtol(e->d_name, &end, 10);
    if (*end != '\0' || pid <= 0) continue;
    struct stat st;
    std::string p = "/proc/" + std::string(e->d_name) + "/ns/net";
    if (stat(p.c_str(), &st) != 0) continue;
    auto it = wanted.find({st.st_dev, st.st_ino});
    if (it != wanted.end()) out[it->second].push_back(static_cast<pid_t>(pid));
  }
  closedir(d);
  return out;
}

}  // namespace vpcemu
