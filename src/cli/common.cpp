// What every verb shares: logging, the root check, paths and scenario names.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/verbs.h"
#include "scenario/parse.h"

namespace fs = std::filesystem;

namespace vpcemu::cli {

void log(const std::string& s) {
  std::cerr << s << "\n";
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

}  // namespace vpcemu::cli
