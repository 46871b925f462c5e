// vpcemu serve [FILE...]: the long-lived process of a lab container (its entry point): brings up
// the files it is given, then waits; scenarios are brought up, changed, checked and entered
// from outside (`docker exec lab vpcemu up ...`). On SIGTERM or SIGINT (`docker stop`) it takes
// every scenario that is up down and exits 0. As a container's PID 1 it is also what orphaned
// daemons are reparented to, so it reaps them (and it asks to be their subreaper elsewhere).
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <iostream>

#include "apply/state.h"
#include "cli/verbs.h"

namespace vpcemu::cli {

int cmd_serve(const std::string& run_dir, const std::vector<std::string>& files,
              const UpOptions& up) {
  if (!need_root("serve")) return kExitFail;
  sigset_t wanted;
  sigemptyset(&wanted);
  for (int sig : {SIGTERM, SIGINT, SIGCHLD}) sigaddset(&wanted, sig);
  // Blocked from here, taken by sigwaitinfo; every process vpcemu starts unblocks them.
  sigprocmask(SIG_BLOCK, &wanted, nullptr);
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  for (const auto& f : files) {
    const int rc = cmd_up(run_dir, f, up);
    if (rc != kExitOk) {
      log("vpcemu serve: " + f + " did not come up; taking down what is up and stopping");
      for (const auto& name : StateDir::list(run_dir)) down_scenario(run_dir, name, "text", true);
      return rc;
    }
  }
  std::cout << "vpcemu serve: ready (pid " << getpid()
            << "); 'vpcemu up FILE' builds a scenario here, SIGTERM takes every one down"
            << std::endl;
  for (;;) {
    siginfo_t info;
    if (sigwaitinfo(&wanted, &info) < 0) continue;
    if (info.si_signo == SIGCHLD) {
      while (waitpid(-1, nullptr, WNOHANG) > 0) {
      }
      continue;
    }
    std::cout << "vpcemu serve: " << strsignal(info.si_signo) << "; taking every scenario down"
              << std::endl;
    int rc = kExitOk;
    for (const auto& name : StateDir::list(run_dir))
      if (down_scenario(run_dir, name, "text", true) != kExitOk) rc = kExitFail;
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    return rc;
  }
}

}  // namespace vpcemu::cli
