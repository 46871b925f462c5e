// Scenario loading for the CLI verbs.
#include "cli/load.h"

#include <iostream>

#include "scenario/parse.h"
#include "validate/validate.h"

namespace vpcemu {

std::optional<Scenario> load_scenario(const std::string& path, bool quiet_warnings) {
  auto r = parse_scenario_file(path);
  // Validation runs on whatever parsed, so one run lists shape and semantic problems alike.
  validate(r.scenario, r.diags);
  for (const auto& d : r.diags.sorted()) {
    if (d.severity == Severity::kWarning && quiet_warnings) continue;
    std::cerr << format_diagnostic(path, d);
  }
  if (r.diags.has_errors()) {
    size_t n = r.diags.error_count();
    std::cerr << path << ": " << n << (n == 1 ? " error" : " errors") << "\n";
    return std::nullopt;
  }
  return std::move(r.scenario);
}

}  // namespace vpcemu
