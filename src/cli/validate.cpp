// vpcemu validate FILE: every problem of a scenario file, or that it is valid; with
// --format json the same as one JSON object on stdout (for editors and CI annotations).
#include "validate/validate.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/load.h"
#include "cli/verbs.h"
#include "scenario/parse.h"

namespace vpcemu::cli {

namespace {

nlohmann::json span_json(const std::string& file, SourceSpan s) {
  return {{"file", file}, {"line", s.line}, {"column", s.col}};
}

}  // namespace

int cmd_validate(const std::string& file, const std::string& format) {
  if (format != "json") {
    auto sc = load_scenario(file);
    if (!sc) return kExitInvalid;
    std::cout << file << ": scenario '" << sc->name << "' is valid\n";
    return kExitOk;
  }
  auto r = parse_scenario_file(file);
  validate(r.scenario, r.diags);
  nlohmann::json j = {{"file", file},
                      {"scenario", r.scenario.name},
                      {"valid", !r.diags.has_errors()},
                      {"errors", r.diags.error_count()},
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
  return r.diags.has_errors() ? kExitInvalid : kExitOk;
}

}  // namespace vpcemu::cli
