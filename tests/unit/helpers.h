// Shared helpers for unit tests: parse+validate a YAML text and look for a diagnostic.
#pragma once
#include <catch2/catch.hpp>
#include <string>

#include "scenario/parse.h"
#include "validate/validate.h"

namespace vpcemu::test {

inline Diagnostics diagnose(const std::string& yaml) {
  auto r = parse_scenario_text(yaml, "t.yaml");
  validate(r.scenario, r.diags);
  return r.diags;
}

inline std::string dump(const Diagnostics& d) {
  std::string s;
  for (const auto& x : d.sorted()) s += format_diagnostic("t.yaml", x);
  return s.empty() ? "(no diagnostics)" : s;
}

// True when an error (or warning) at `line` mentions `text`.
inline bool has(const Diagnostics& d, Severity sev, int line, const std::string& text) {
  for (const auto& x : d.items())
    if (x.severity == sev && x.span.line == line && x.message.find(text) != std::string::npos)
      return true;
  return false;
}

}  // namespace vpcemu::test
