// fork/exec inside a namespace, the way `ip netns exec` prepares the child: own mount
// namespace, / made rslave, a fresh /sys for the namespace.
#include "kernel/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "kernel/netns.h"

namespace vpcemu {

namespace {

// The child reports failures as {errno, step index} through a CLOEXEC pipe.
const char* kSteps[] = {"setsid",
                        "entering the namespace",
                        "unshare(CLONE_NEWNS)",
                        "mount --make-rslave /",
                        "mount sysfs",
                        "open log",
                        "chdir",
                        "execvp",
                        "waiting for the parent",
                        "a private /run"};

[[noreturn]] void child_fail(int fd, int step) {
  int msg[2] = {errno, step};
  (void)!write(fd, msg, sizeof(msg));
  _exit(127);
}

}  // namespace

Result<PausedProcess> spawn_paused(const SpawnOptions& opt) {
  int go[2], status[2];
  if (pipe2(go, O_CLOEXEC) != 0) return errno_error("pipe", "", errno);
  if (pipe2(status, O_CLOEXEC) != 0) {
    close(go[0]), close(go[1]);
    return errno_error("pipe", "", errno);
  }
  std::vector<char*> argv;
  for (const auto& a : opt.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<std::string> env = opt.env;  // prepared before fork: the child only calls putenv

  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(go[0]), close(go[1]), close(status[0]), close(status[1]);
    return errno_error("fork", "for " + opt.argv[0], e);
  }
  if (pid == 0) {
    close(go[1]);
    close(status[0]);
    if (opt.detach && setsid() < 0) child_fail(status[1], 0);
    if (enter_netns_environment(opt.nsfd, opt.ns_name, opt.resolv_conf, opt.mount_template))
      child_fail(status[1], 1);
    if (opt.private_run && private_run(opt.keep)) child_fail(status[1], 9);
    if (!opt.log_path.empty()) {
      int fd = open(opt.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd < 0) child_fail(status[1], 5);
      dup2(fd, 1), dup2(fd, 2), close(fd);
    }
    if (opt.detach) {
      int devnull = open("/dev/null", O_RDONLY);
      if (devnull >= 0) dup2(devnull, 0), close(devnull);
    }
    if (!opt.cwd.empty() && chdir(opt.cwd.c_str()) != 0) child_fail(status[1], 6);
    char c;
    // EOF without the byte: the parent died before journaling us; leave no orphan behind.
    if (read(go[0], &c, 1) != 1) child_fail(status[1], 8);
    close(go[0]);
    // A daemon starts with no signal blocked or ignored whatever its starter had (`vpcemu
    // serve` waits for its signals blocked): SIGTERM must end it.
    for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (auto& e : env) putenv(e.data());
    execvp(argv[0], argv.data());
    child_fail(status[1], 7);
  }
  close(go[0]);
  close(status[1]);
  return PausedProcess(pid, Fd(go[1]), Fd(status[0]));
}

Result<Fd> mount_namespace_without(const std::string& dir) {
  Fd ns;
  Status s = on_own_mount_namespace([&](bool own) -> Status {
    if (!own)
      return errno_error("unshare(CLONE_NEWNS)", "for a mount namespace without " + dir, errno);
    if (umount2(dir.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT)
      return errno_error("umount", dir, errno);
    ns.reset(open("/proc/thread-self/ns/mnt", O_RDONLY | O_CLOEXEC));
    if (!ns.valid()) return errno_error("open", "/proc/thread-self/ns/mnt", errno);
    return {};
  });
  if (!s) return s.error();
  return ns;
}

const char* enter_netns_environment(int nsfd, const std::string& ns_name,
                                    const std::string& resolv_conf, int mount_template) {
  if (setns(nsfd, CLONE_NEWNET) != 0) return "setns";
  if (mount_template >= 0 && setns(mount_template, CLONE_NEWNS) != 0)
    return "setns to the mount namespace template";
  if (unshare(CLONE_NEWNS) != 0) return "unshare(CLONE_NEWNS)";
  if (mount("", "/", "none", MS_SLAVE | MS_REC, nullptr) != 0) return "mount --make-rslave /";
  // /sys shows the namespace it was mounted in: remount it so tools see our links.
  umount2("/sys", MNT_DETACH);
  if (mount(ns_name.c_str(), "/sys", "sysfs", 0, nullptr) != 0) return "mount sysfs";
  if (!resolv_conf.empty() &&
      mount(resolv_conf.c_str(), "/etc/resolv.conf", "none", MS_BIND, nullptr) != 0) {
    return "mount --bind /etc/resolv.conf";
  }
  return nullptr;
}

const char* private_run(const std::string& keep) {
  int fd = keep.empty() ? -1 : open(keep.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (!keep.empty() && fd < 0) return "open the state directory";
  if (mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
    return "mount tmpfs /run";
  if (fd < 0) return nullptr;
  for (size_t p = 1; p != std::string::npos; p = keep.find('/', p + 1)) {
    mkdir(keep.substr(0, p).c_str(), 0755);
  }
  mkdir(keep.c_str(), 0755);
  std::string src = "/proc/self/fd/" + std::to_string(fd);
  if (mount(src.c_str(), keep.c_str(), nullptr, MS_BIND, nullptr) != 0)
    return "bind the state directory";
  close(fd);
  return nullptr;
}

void PausedProcess::go() {
  char c = 'g';
  (void)!write(go_.get(), &c, 1);
  go_.reset();
}

Status PausedProcess::exec_result() {
  int msg[2];
  ssize_t n = read(status_.get(), msg, sizeof(msg));
  if (n == sizeof(msg)) {
    waitpid(pid_, nullptr, 0);
    int step = msg[1] >= 0 && msg[1] < 10 ? msg[1] : 7;
    return errno_error(kSteps[step], "in the child for pid " + std::to_string(pid_), msg[0]);
  }
  return {};  // EOF: exec succeeded (the pipe closed on exec)
}

uint64_t process_start_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  // Fields after the command name (which may hold spaces) start after the last ')'.
  auto close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22; ++i) {
    if (!(rest >> field)) return 0;
    if (i == 22) return std::stoull(field);
  }
  return 0;
}

bool process_matches(pid_t pid, uint64_t start_time) {
  return pid > 0 && start_time != 0 && process_start_time(pid) == start_time;
}

bool process_running(pid_t pid, uint64_t start_time) {
  if (!process_matches(pid, start_time)) return false;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(in, line);
  auto c = line.rfind(')');
  return !(c != std::string::npos && c + 2 < line.size() && line[c + 2] == 'Z');
}

int child_exit_status(pid_t pid) {
  int st = 0;
  if (waitpid(pid, &st, WNOHANG) == pid) {
    if (WIFEXITED(st)) return WEXITSTATUS(st);
    if (WIFSIGNALED(st)) return 128 + WTERMSIG(st);
  }
  return -1;
}

void terminate_process(pid_t pid, uint64_t start_time, int grace_ms) {
  if (!process_matches(pid, start_time)) return;
  kill(pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    waitpid(pid, nullptr, WNOHANG);  // reaps it if it is our own child
    if (!process_running(pid, start_time)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!process_running(pid, start_time)) return;
  // SIGKILL is delivered asynchronously: wait until the process has really exited (a zombie
  // counts as gone), so a caller that removes the namespace next leaves nothing behind.
  kill(pid, SIGKILL);
  auto gone_by = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < gone_by) {
    waitpid(pid, nullptr, WNOHANG);
    if (!process_running(pid, start_time)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

bool process_listens(pid_t pid) {
  const std::string base = "/proc/" + std::to_string(pid);
  std::set<std::string> inodes;
  if (DIR* d = opendir((base + "/fd").c_str())) {
    while (auto* e = readdir(d)) {
      char target[64];
      std::string p = base + "/fd/" + e->d_name;
      ssize_t n = readlink(p.c_str(), target, sizeof(target) - 1);
      if (n <= 0) continue;
      target[n] = 0;
      if (strncmp(target, "socket:[", 8) == 0) {
        inodes.insert(std::string(target + 8, strlen(target) - 9));
      }
    }
    closedir(d);
  }
  if (inodes.empty()) return false;
  // Columns: sl local rem st tx:rx tr:tm retrnsmt uid timeout inode
  auto scan = [&](const std::string& file, const char* state) {
    std::ifstream in(base + "/net/" + file);
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string sl, local, rem, st, q, tm, retr, uid, timeout, inode;
      f >> sl >> local >> rem >> st >> q >> tm >> retr >> uid >> timeout >> inode;
      if (st == state && inodes.count(inode)) return true;
    }
    return false;
  };
  return scan("tcp", "0A") || scan("udp", "07") || scan("tcp6", "0A") || scan("udp6", "07");
}

}  // namespace vpcemu
