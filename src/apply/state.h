// The run directory of one scenario (<run-dir>/<scenario>/): the plan that `up` applied, the
// write-ahead journal of every namespace and process it created, logs and a lock.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "compile/plan.h"
#include "kernel/fd.h"
#include "util/result.h"

namespace vpcemu {

inline constexpr const char* kDefaultRunDir = "/run/vpcemu";

class StateDir {
 public:
  StateDir(std::string run_dir, std::string scenario);
  const std::string& path() const { return path_; }
  const std::string& scenario() const { return scenario_; }
  std::string log_path(const std::string& name) const { return path_ + "/logs/" + name + ".log"; }
  // The last `n` lines of a file (a daemon's log), oldest first; none if it cannot be read.
  static std::vector<std::string> tail_lines(const std::string& path, size_t n);
  bool exists() const;

  Status create();
  // Exclusive lock held while the returned Fd lives: one up/down per scenario at a time.
  Result<Fd> lock();

  // Appends one entry; written before the object it names is created.
  Status journal(const nlohmann::json& entry);
  std::vector<nlohmann::json> read_journal() const;

  Status write_plan(const Plan& plan, const std::string& source_file);
  std::optional<Plan> read_plan() const;
  std::string source_file() const;
  bool complete() const;
  Status mark_complete();
  // Removes the directory and everything in it.
  Status remove();

  // Scenarios with a state directory, sorted.
  static std::vector<std::string> list(const std::string& run_dir);

 private:
  std::string run_dir_;
  std::string scenario_;
  std::string path_;
  Fd journal_;
};

}  // namespace vpcemu
