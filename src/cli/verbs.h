// The verbs of the command line, one file each (cli/<verb>.cpp); main.cpp only wires them to
// their arguments. Exit codes: 0 done, 1 failed, 2 the scenario (or argument) is invalid.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace vpcemu::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFail = 1;
inline constexpr int kExitInvalid = 2;

// Results go to stdout; errors and warnings to stderr (log), and so does progress, which
// --quiet silences and which a terminal shows as one live line (progress_done ends it).
void log(const std::string& s);
void progress(const std::string& s);
void progress_done();
void set_quiet(bool quiet);
// Every --format json output carries this; docs/json-output.md documents each version.
inline constexpr int kJsonSchemaVersion = 1;
bool need_root(const char* verb);
std::string abs_path(const std::string& p);
// A FILE|NAME argument: an existing file is read for its `name:`.
std::optional<std::string> scenario_name_of(const std::string& arg);

// strict: warnings fail as errors do (exit 2).
int cmd_validate(const std::string& file, const std::string& format, bool strict);
// Exit 2 when the change cannot be applied live; with detailed_exitcode also when there is
// any change (Terraform's -detailed-exitcode).
int cmd_plan(const std::string& run_dir, const std::string& file, const std::string& format,
             bool kernel, bool detailed_exitcode);
struct UpOptions {
  int ready_ms = 2000;
  int tunnel_ms = 20000;  // VPN tunnels and BGP sessions
  bool recreate = false;  // a change that cannot be applied live: rebuild instead of refusing
  std::string format = "text";
};
int cmd_up(const std::string& run_dir, const std::string& file, const UpOptions& opt);
int cmd_down(const std::string& run_dir, const std::string& name_or_file,
             const std::string& format);
struct StatusOptions {
  std::string format = "text";
  bool routes = false;     // route tables with their routes, as the kernel has them
  bool processes = false;  // every process with the end of its log
};
int cmd_status(const std::string& run_dir, const std::string& name, const StatusOptions& opt);
int cmd_exec(const std::string& run_dir, const std::string& scenario, const std::string& name,
             const std::vector<std::string>& cmd);
int cmd_check(const std::string& run_dir, const std::string& arg, const std::string& format,
              int timeout_ms);

}  // namespace vpcemu::cli
