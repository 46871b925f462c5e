// vpcemu validate FILE: every problem of a scenario file, or that it is valid; with
// --format json the same as one JSON object on stdout (for editors and CI annotations).
#include "validate/validate.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/verbs.h"
#include "scenario/parse.h"

namespace vpcemu::cli {

namespace {

nlohmann::json span_json(const std::string& file, SourceSpan s) {
  return {{"file", file}, {"line", s.line}, {"column", s.col}};
}

}  // namespace

int cmd_validate(const std::string& file, const std::string& format, bool strict) {
  auto r = parse_scenario_file(file);
  validate(r.scenario, r.diags);
  const size_t warnings = r.diags.sorted().size() - r.diags.error_count();
  const bool valid = !r.diags.has_errors() && !(strict && warnings);
  if (format != "json") {
    for (const auto& d : r.diags.sorted()) std::cerr << format_diagnostic(file, d);
    if (r.diags.has_errors()) {
      const size_t n = r.diags.error_count();
      std::cerr << file << ": " << n << (n == 1 ? " error" : " errors") << "\n";
      return kExitInvalid;
    }
    if (!valid) {
      std::cerr << file << ": " << warnings << (warnings == 1 ? " warning" : " warnings")
                << " (--strict fails on warnings)\n";
      return kExitInvalid;
    }
    std::cout << file << ": scenario '" << r.scenario.name << "' is valid"
              << (warnings ? " (" + std::to_string(warnings) + " warnings)" : "") << "\n";
    return kExitOk;
  }
  nlohmann::json j = {{"schema_version", kJsonSchemaVersion},  {"file", file},
                      {"scenario", r.scenario.name},           {"valid", valid},
                      {"errors", r.diags.error_count()},       {"warnings", warnings},
                      {"diagnostics", nlohmann::json::array()}};
  for (const auto& d : r.diags.sorted()) {
    nlohmann::json x = span_json(file, d.span);
    x["severity"] = d.severity == Severity::kError ? "error" : "warning";
    x["message"] = d.message;
    x["notes"] = nlohmann::json::array();
    for (const auto& n : d.notes) {
      nlohmann::json note = span_json(file, n.span);
      note["message"] = n.message;
      x["notes"].push_back(note);
    }
    j["diagnostics"].push_back(x);
  }
  std::cout << j.dump(2) << "\n";
  return valid ? kExitOk : kExitInvalid;
}

}  // namespace vpcemu::cli
