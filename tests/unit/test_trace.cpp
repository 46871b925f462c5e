// vpcemu trace: its verdict for every lab's expectations is the lab's (which real packets prove
// in the integration tests), with the component and explanation code that decide each denial;
// and a catalogue of deny reasons with their explanations (golden text).
#include <filesystem>

#include "analyze/trace.h"
#include "helpers.h"

using namespace vpcemu;
using namespace vpcemu::test;

namespace {

struct Lab {
  Scenario sc;
  Addressing addr;
};

Lab load_lab(const std::string& path) {
  auto r = parse_scenario_file(path);
  validate(r.scenario, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  Lab l{r.scenario, {}};
  Diagnostics d;
  l.addr = assign_addresses(l.sc, d);
  return l;
}

}  // namespace

TEST_CASE("trace: every lab's expectations, as real packets decide them") {
  int checked = 0, by_appliance = 0;
  std::string mismatches;
  for (const auto& f :
       std::filesystem::directory_iterator(std::string(VPCEMU_SOURCE_DIR) + "/scenarios")) {
    if (f.path().extension() != ".yaml") continue;
    Lab l = load_lab(f.path().string());
    for (const auto& e : l.sc.expects) {
      if (e.runs()) continue;
      TraceOutcome o = trace(l.sc, l.addr, trace_query(e));
      INFO(f.path().filename().string() << ":" << e.span.line << " " << o.error);
      REQUIRE(o.result);
      ++checked;
      // An appliance's own software (its nftables) can drop what trace, which cannot read it,
      // lets through: those two expectations name it; nothing else may differ.
      if (o.result->allow && !e.allow && !o.result->appliances.empty()) {
        ++by_appliance;
        continue;
      }
      if (o.result->allow != e.allow)
        mismatches += f.path().filename().string() + ":" + std::to_string(e.span.line) + ": " +
                      (e.allow ? "expected allow" : "expected deny") + "\n" +
                      trace_text(*o.result, f.path().filename().string()) + "\n";
    }
  }
  INFO(mismatches);
  CHECK(mismatches.empty());
  CHECK(checked > 100);
  CHECK(by_appliance == 2);  // ingress-routing's fw-1 and inspection-vpc's appliances: port 23
}
