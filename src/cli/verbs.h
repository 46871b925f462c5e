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

// Progress and errors go to stderr; stdout carries results.
void log(const std::string& s);
bool need_root(const char* verb);
std::string abs_path(const std::string& p);
// A FILE|NAME argument: an existing file is read for its `name:`.
std::optional<std::string> scenario_name_of(const std::string& arg);

int cmd_validate(const std::string& file, const std::string& format);
// Exit 2 when the change cannot be applied live; with detailed_exitcode also when there is
// any change (Terraform's -detailed-exitcode).
int cmd_plan(const std::string& run_dir, const std::string& file, const std::string& format,
             bool kernel, bool detailed_exitcode);
int cmd_up(const std::string& run_dir, const std::string& file, int ready_ms);
int cmd_down(const std::string& run_dir, const std::string& name_or_file);
int cmd_status(const std::string& run_dir, const std::string& name, const std::string& format);
int cmd_exec(const std::string& run_dir, const std::string& scenario, const std::string& name,
             const std::vector<std::string>& cmd);
int cmd_check(const std::string& run_dir, const std::string& arg, const std::string& format,
              int timeout_ms);

}  // namespace vpcemu::cli
