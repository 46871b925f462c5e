// YAML → Scenario model, with the source span of every node. Shape and types only: semantic
// checks (references, addressing rules) live in validate/.
#pragma once
#include <string>

#include "model/scenario.h"
#include "util/diag.h"

namespace vpcemu {

struct ParseResult {
  Scenario scenario;
  Diagnostics diags;
};

ParseResult parse_scenario_text(const std::string& text, const std::string& file);
// Reads `path`; an unreadable file is a diagnostic without position.
ParseResult parse_scenario_file(const std::string& path);

bool valid_resource_name(const std::string& name);

}  // namespace vpcemu
