// Scenario loading for the CLI verbs.
#include "cli/load.h"

#include <iostream>

#include "apply/state.h"
#include "compile/compile.h"
#include "scenario/parse.h"
#include "util/text.h"
#include "validate/validate.h"

namespace vpcemu {

std::optional<Scenario> load_scenario(const std::string& path, bool quiet_warnings,
                                      std::string* first_error) {
  auto r = parse_scenario_file(path);
  // Validation runs on whatever parsed, so one run lists shape and semantic problems alike.
  validate(r.scenario, r.diags);
  for (const auto& d : r.diags.sorted()) {
    if (d.severity == Severity::kWarning && quiet_warnings) continue;
    std::cerr << format_diagnostic(path, d);
    if (first_error && first_error->empty() && d.severity == Severity::kError)
      *first_error = format_diagnostic(path, d);
  }
  if (r.diags.has_errors()) {
    size_t n = r.diags.error_count();
    std::cerr << path << ": " << n << (n == 1 ? " error" : " errors") << "\n";
    return std::nullopt;
  }
  return std::move(r.scenario);
}

Scenario applied_scenario(const std::string& text) {
  return text.empty() ? Scenario{} : parse_scenario_text(text, "the applied scenario").scenario;
}

Applied read_applied(const std::string& run_dir, const std::string& scenario,
                     const std::string& file) {
  Applied a;
  const StateDir state(run_dir, scenario);
  a.records = state.read_records(&a.text);
  if (!a.records) return a;
  const std::string now = read_file(file);
  a.same_text = !now.empty() && now == a.text;
  if (a.same_text) return a;
  // Kept with the plan; a scenario brought up by an earlier vpcemu: from its text.
  const auto kept = state.read_resources();
  auto resources = kept ? resources_from_text(*kept) : std::nullopt;
  a.resources = resources ? std::move(*resources) : aws_resources(applied_scenario(a.text));
  return a;
}

std::optional<Plan> compile_validated(const Scenario& sc, const std::string& scenario_dir) {
  try {
    return compile(sc, scenario_dir);
  } catch (const std::exception& e) {
    std::cerr << sc.file << ": internal error: scenario '" << sc.name
              << "' validated but did not compile (" << e.what()
              << "); this is a bug in vpcemu: please report it with this file\n";
    return std::nullopt;
  }
}

}  // namespace vpcemu
