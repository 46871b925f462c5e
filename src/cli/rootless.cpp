// The rootless sandbox: its supervisor and entering it (see rootless.h).
#include "cli/rootless.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "apply/state.h"
#include "cli/verbs.h"
#include "kernel/netns.h"
#include "kernel/process.h"

namespace fs = std::filesystem;

namespace vpcemu::cli {

namespace {

// Computed once, before entering: inside the sandbox getuid() is 0.
RootlessPaths paths() {
  static const RootlessPaths once = [] {
    const char* xdg = getenv("XDG_RUNTIME_DIR");
    std::string dir = xdg && *xdg ? xdg : "";
    // `su` keeps the caller's XDG_RUNTIME_DIR: only a directory of our own will do.
    struct stat st {};
    if (!dir.empty() &&
        (stat(dir.c_str(), &st) != 0 || st.st_uid != getuid() || access(dir.c_str(), W_OK) != 0))
      dir.clear();
    if (dir.empty()) {
      // No session manager (a CI job, `su`): a directory of the user's own under /tmp.
      dir = "/tmp/vpcemu-" + std::to_string(getuid());
      mkdir(dir.c_str(), 0700);
    }
    return RootlessPaths{dir + "/vpcemu"};
  }();
  return once;
}

bool write_file(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  return ok;
}

// The first subordinate range of /etc/subuid (or subgid) for this user with the 65535 ids a
// sandbox maps: its first id.
std::optional<unsigned long> subordinate(const char* file, uid_t id) {
  std::ifstream in(file);
  const char* user = getenv("USER");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string who;
    unsigned long start = 0, count = 0;
    char colon = 0;
    if (!std::getline(f, who, ':') || !(f >> start >> colon >> count) || colon != ':') continue;
    if ((who == std::to_string(id) || (user && who == user)) && count >= 65535) return start;
  }
  return std::nullopt;
}

// Maps the child's user namespace: root is this user; with newuidmap/newgidmap and a
// subordinate range, uids 1..65535 too (daemons that switch to 'nobody' need one).
bool map_ids(pid_t child) {
  const uid_t uid = getuid();
  const gid_t gid = getgid();
  const auto su = subordinate("/etc/subuid", uid), sg = subordinate("/etc/subgid", uid);
  auto helper = [&](const char* prog, unsigned own, unsigned long start) {
    std::vector<std::string> args = {prog, std::to_string(child), "0",    std::to_string(own), "1",
                                     "1",  std::to_string(start), "65535"};
    pid_t p = fork();
    if (p == 0) {
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      int devnull = open("/dev/null", O_WRONLY);
      if (devnull >= 0) dup2(devnull, 2);
      execvp(prog, argv.data());
      _exit(127);
    }
    int st = 0;
    return p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0;
  };
  // Once newuidmap has mapped the uids, only newgidmap can finish: a uid_map is written once.
  if (su && sg && helper("newuidmap", uid, *su)) return helper("newgidmap", gid, *sg);
  const std::string pid = "/proc/" + std::to_string(child);
  return write_file(pid + "/uid_map", "0 " + std::to_string(uid) + " 1\n") &&
         write_file(pid + "/setgroups", "deny") &&
         write_file(pid + "/gid_map", "0 " + std::to_string(gid) + " 1\n");
}

[[noreturn]] void die(int fd, const std::string& why) {
  std::string m = why + ": " + strerror(errno);
  if (write(fd, m.data(), m.size()) < 0) {
  }
  _exit(1);
}

// Starts the supervisor; returns its pid (as the host sees it) or 0 after saying why not.
pid_t start_supervisor(const RootlessPaths& p, int lock_fd) {
  int ready[2], mapped[2];
  if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(mapped, O_CLOEXEC) != 0) return 0;
  pid_t child = fork();
  if (child < 0) return 0;
  if (child == 0) {
    close(ready[0]);
    close(mapped[1]);
    close(lock_fd);  // the sandbox's lock is for the verbs that enter it
    setsid();
    if (unshare(CLONE_NEWUSER) != 0) die(ready[1], "unshare(user)");
    // The parent maps our ids once we are in the namespace, then says so.
    if (write(ready[1], "u", 1) != 1) _exit(1);
    char c;
    if (read(mapped[0], &c, 1) != 1 || c != 'm') die(ready[1], "mapping uids");
    if (setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0) die(ready[1], "becoming root");
    if (unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC) != 0)
      die(ready[1], "unshare(mount, net, pid)");
    pid_t init = fork();  // the PID namespace's first process: the supervisor
    if (init < 0) die(ready[1], "fork");
    if (init > 0) {
      std::string m = "pid " + std::to_string(init);
      if (write(ready[1], m.data(), m.size()) < 0) {
      }
      _exit(0);
    }
    // Host mounts still appear here; ours never leave.
    mount("", "/", nullptr, MS_REC | MS_SLAVE, nullptr);
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr);
    sethostname("vpcemu", 6);
    int log = open(p.log().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    if (log >= 0) dup2(log, 1), dup2(log, 2);
    close(ready[1]);
    if (chdir("/") != 0) _exit(1);
    set_netns_dir(p.netns());
    set_quiet(true);
    _exit(cmd_serve(p.run(), {}, UpOptions{}));
  }
  close(ready[1]);
  close(mapped[0]);
  char u = 0;
  const bool ok = read(ready[0], &u, 1) == 1 && u == 'u' && map_ids(child);
  if (write(mapped[1], ok ? "m" : "x", 1) < 0) {
  }
  close(mapped[1]);
  std::string said;
  char buf[256];
  ssize_t n;
  while ((n = read(ready[0], buf, sizeof(buf))) > 0) said.append(buf, n);
  close(ready[0]);
  waitpid(child, nullptr, 0);
  if (!ok) {
    std::cerr << "vpcemu --rootless: cannot map this user's ids into a user namespace (is "
                 "user.max_user_namespaces 0?)\n";
    return 0;
  }
  if (said.rfind("pid ", 0) != 0) {
    std::cerr << "vpcemu --rootless: the sandbox could not be made: " << said << "\n";
    return 0;
  }
  return static_cast<pid_t>(std::stol(said.substr(4)));
}

// The supervisor that runs, from its pid file (pid and start time): 0 if none.
pid_t running_supervisor(const RootlessPaths& p) {
  std::ifstream in(p.pid_file());
  long pid = 0;
  unsigned long long start = 0;
  if (!(in >> pid >> start) || pid <= 0) return 0;
  return process_running(static_cast<pid_t>(pid), start) ? static_cast<pid_t>(pid) : 0;
}

// Held shared by every verb in the sandbox, exclusive to start or stop its supervisor.
int lock_fd = -1;
// The supervisor, opened while this process still saw the host's /proc: after entering, /proc
// is the sandbox's, where it is pid 1.
int supervisor_fd = -1;

}  // namespace

int enter_rootless(std::string& run_dir) {
  const RootlessPaths p = paths();
  for (const auto& d : {p.base, p.netns(), p.run()}) mkdir(d.c_str(), 0700);
  lock_fd = open((p.base + "/lock").c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  // Shared while the supervisor runs (a long `capture` or `exec` never holds up another
  // verb); exclusive only to start one.
  if (lock_fd < 0 || flock(lock_fd, LOCK_SH) != 0) {
    std::cerr << "vpcemu --rootless: cannot lock " << p.base << "/lock: " << strerror(errno)
              << "\n";
    return -1;
  }
  pid_t sup = running_supervisor(p);
  if (!sup) {
    flock(lock_fd, LOCK_EX);
    sup = running_supervisor(p);  // another verb may have started one meanwhile
  }
  if (!sup) {
    // A supervisor that ended took every namespace and process with it: what its scenarios
    // left on disk (state, the files namespaces were bound to) goes too.
    std::error_code ec;
    for (const auto& d : {p.netns(), p.run()}) {
      fs::remove_all(d, ec);
      mkdir(d.c_str(), 0700);
    }
    sup = start_supervisor(p, lock_fd);
    if (!sup) return -1;
    std::ofstream(p.pid_file()) << sup << " " << process_start_time(sup) << "\n";
  }
  flock(lock_fd, LOCK_SH);
  supervisor_fd = static_cast<int>(syscall(SYS_pidfd_open, sup, 0));
  // setns changes the working directory to the mount namespace's root: keep ours.
  std::error_code ec;
  const std::string cwd = fs::current_path(ec).string();
  const std::string ns = "/proc/" + std::to_string(sup) + "/ns/";
  int fds[4];
  const char* kinds[] = {"user", "mnt", "net", "pid"};
  for (int i = 0; i < 4; ++i) {
    fds[i] = open((ns + kinds[i]).c_str(), O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) {
      std::cerr << "vpcemu --rootless: the supervisor (pid " << sup
                << ") is gone: " << strerror(errno) << "\n";
      return -1;
    }
  }
  for (int i = 0; i < 4; ++i) {
    if (setns(fds[i], 0) != 0) {
      std::cerr << "vpcemu --rootless: entering the sandbox's " << kinds[i]
                << " namespace: " << strerror(errno) << "\n";
      return -1;
    }
    close(fds[i]);
  }
  if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
    if (chdir("/") != 0) {
    }
  }
  // The PID namespace applies to children: the verb runs in one, this process waits for it
  // and passes on its exit status (the terminal's Ctrl-C reaches the child).
  pid_t child = fork();
  if (child < 0) {
    std::cerr << "vpcemu --rootless: fork: " << strerror(errno) << "\n";
    return -1;
  }
  if (child == 0) {
    set_netns_dir(p.netns());
    run_dir = p.run();
    return 0;
  }
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  int st = 0;
  while (waitpid(child, &st, 0) < 0 && errno == EINTR) {
  }
  const int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  return code + 1;
}

void rootless_stop_if_empty() {
  const RootlessPaths p = paths();
  // Another verb in the sandbox (a parallel `up`) keeps it.
  if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) != 0) return;
  if (!StateDir::list(p.run()).empty() || supervisor_fd < 0) return;
  if (syscall(SYS_pidfd_send_signal, supervisor_fd, SIGTERM, nullptr, 0) != 0) return;
  pollfd gone{supervisor_fd, POLLIN, 0};
  poll(&gone, 1, 2000);  // readable once it has exited
  unlink(p.pid_file().c_str());
}

}  // namespace vpcemu::cli
