// The run directory of one scenario (<run-dir>/<scenario>/): the plan that `up` applied, the
// write-ahead journal of every namespace and process it created, logs and a lock.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compile/plan.h"
#include "compile/plan_records.h"
#include "compile/state_paths.h"
#include "kernel/fd.h"
#include "util/result.h"

namespace vpcemu {

inline constexpr const char* kDefaultRunDir = "/run/vpcemu";

// One line of the write-ahead journal: a namespace about to be created, or a process about to
// run (its pid and start time, so a recycled pid is never taken for it). On disk each is one
// JSON object per line: {"netns": N} or {"process": PID, "start": T, "name": NAME}.
struct JournalEntry {
  enum class Kind { kNetns, kProcess } kind = Kind::kNetns;
  std::string netns;   // kNetns
  pid_t pid = 0;       // kProcess
  uint64_t start = 0;  // kProcess: start time in clock ticks since boot
  std::string name;    // kProcess: the plan's process name
};

class StateDir {
 public:
  StateDir(std::string run_dir, std::string scenario);
  const std::string& path() const { return path_; }
  const std::string& scenario() const { return scenario_; }
  std::string log_path(const std::string& name) const {
    return path_ + "/" + state_paths::process_log(name);
  }
  // The last `n` lines of a file (a daemon's log), oldest first; none if it cannot be read.
  static std::vector<std::string> tail_lines(const std::string& path, size_t n);
  bool exists() const;

  Status create();
  // Exclusive lock held while the returned Fd lives: one up/down per scenario at a time.
  Result<Fd> lock();
  // With the lock held, once nothing of the scenario is left: the lock file goes too.
  void remove_lock();

  // Entries written before the objects they name are created.
  Status journal_namespaces(const std::vector<std::string>& names);  // in one write
  struct JournaledProcess {
    pid_t pid;
    uint64_t start;  // process_start_time(): a later pid of the same number is not ours
    std::string name;
  };
  // Processes in one write: they are let go only after it.
  Status journal_processes(const std::vector<JournaledProcess>& processes);
  std::vector<JournalEntry> read_journal() const;

  // The plan a scenario is up with (plan.records), what status, check and exec read of it
  // (summary.records), the scenario file's path (source), its text as applied (applied.yaml)
  // and its AWS resources as analyze/resources writes them (resources).
  Status write_plan(const PlanRecords& records, const std::string& source_file,
                    const std::string& resources_text);
  // With source_text: also the scenario file's text as it was applied.
  std::optional<PlanRecords> read_records(std::string* source_text = nullptr) const;
  // The resources text written with the plan; nullopt when there is none (an earlier vpcemu's).
  std::optional<std::string> read_resources() const;
  // The plan without its kernel objects (namespaces, endpoints, gateways, subnets and
  // processes only): what status, check and exec need, a fraction of the plan to read.
  std::optional<Plan> read_summary(std::string* source_text = nullptr) const;
  std::string source_file() const;
  bool complete() const;
  Status mark_complete();
  // Removes the directory and everything in it.
  Status remove();

  // Scenarios with a state directory, sorted.
  static std::vector<std::string> list(const std::string& run_dir);

 private:
  std::string lock_path() const;
  std::string run_dir_;
  std::string scenario_;
  std::string path_;
  Status journal(const std::string& lines);  // whole lines, in one write
  Fd journal_;
};

}  // namespace vpcemu
