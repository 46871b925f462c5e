// vpcemu validate FILE: every problem of a scenario file, or that it is valid.
#include <iostream>

#include "cli/load.h"
#include "cli/verbs.h"

namespace vpcemu::cli {

int cmd_validate(const std::string& file) {
  auto sc = load_scenario(file);
  if (!sc) return kExitInvalid;
  std::cout << file << ": scenario '" << sc->name << "' is valid\n";
  return kExitOk;
}

}  // namespace vpcemu::cli
