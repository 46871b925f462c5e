// vpcemu validate FILE: every problem of a scenario file, or that it is valid.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/load.h"
#include "cli/verbs.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace vpcemu::cli {

int cmd_validate(const std::string& file) {
  auto sc = load_scenario(file);
  if (!sc) return kExitInvalid;
  std::cout << file << ": scenario '" << sc->name << "' is valid\n";
  return kExitOk;
}

}  // namespace vpcemu::cli
