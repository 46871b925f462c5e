// What every verb shares: logging, the root check, paths and scenario names.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "apply/state.h"
#include "cli/verbs.h"
#include "scenario/parse.h"

namespace fs = std::filesystem;

namespace vpcemu::cli {

namespace {

bool g_quiet = false;
bool g_line_open = false;  // a live progress line is on the terminal, without its newline

void end_live_line() {
  if (g_line_open) std::cerr << "\r\033[K" << std::flush;
  g_line_open = false;
}

}  // namespace

void set_quiet(bool quiet) {
  g_quiet = quiet;
}

void log(const std::string& s) {
  end_live_line();
  std::cerr << s << "\n";
}

void progress(const std::string& s) {
  if (s.rfind("warning: ", 0) == 0) return log("vpcemu " + s);  // never silenced
  if (g_quiet) return;
  // On a terminal the steps of long work ("  1025 namespaces (310 ms)") share one line that
  // each next step overwrites; elsewhere (logs, CI) every step is a plain line.
  static const bool tty = isatty(STDERR_FILENO) == 1;
  if (tty && s.rfind("  ", 0) == 0) {
    std::cerr << "\r\033[K" << s.substr(2) << std::flush;
    g_line_open = true;
    return;
  }
  log(s);
}

void progress_done() {
  end_live_line();
}

bool need_root(const char* verb) {
  if (geteuid() == 0) return true;
  std::cerr << "vpcemu " << verb << ": needs root (network namespaces need CAP_SYS_ADMIN and "
            << "CAP_NET_ADMIN)\n";
  return false;
}

std::string abs_path(const std::string& p) {
  std::error_code ec;
  auto a = fs::absolute(p, ec);
  return ec ? p : a.lexically_normal().string();
}

std::optional<std::string> scenario_name_of(const std::string& arg) {
  if (fs::is_regular_file(arg)) {
    auto r = parse_scenario_file(arg);
    if (r.scenario.name.empty()) {
      std::cerr << arg << ": no scenario name found in the file\n";
      return std::nullopt;
    }
    return r.scenario.name;
  }
  if (!valid_resource_name(arg)) {
    std::cerr << "'" << arg << "' is neither a scenario file nor a scenario name\n";
    return std::nullopt;
  }
  return arg;
}

std::optional<std::string> scenario_file_of(const std::string& run_dir, const std::string& arg,
                                            const char* verb) {
  if (fs::is_regular_file(arg)) return arg;
  if (!valid_resource_name(arg)) {
    std::cerr << "vpcemu " << verb << ": '" << arg
              << "' is neither a scenario file nor a scenario name\n";
    return std::nullopt;
  }
  std::string file = StateDir(run_dir, arg).source_file();
  if (file.empty()) {
    std::cerr << "vpcemu " << verb << ": no file '" << arg << "' and no scenario " << arg
              << " is up\n";
    return std::nullopt;
  }
  return file;
}

}  // namespace vpcemu::cli
