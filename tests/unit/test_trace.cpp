// vpcemu trace: its verdict for every lab's expectations is the lab's (which real packets prove
// in the integration tests), with the component and explanation code that decide each denial;
// and a catalogue of deny reasons with their explanations (golden text).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

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

// The explanations themselves, reviewed: every expectation of every lab and of the catalogue of
// deny reasons (tests/integration/scenarios/trace-catalogue.yaml, whose verdicts real packets
// prove in test_trace), as `vpcemu trace` prints them. VPCEMU_UPDATE_GOLDEN=1 rewrites them.
TEST_CASE("trace: golden explanations of the labs and the catalogue of deny reasons") {
  namespace fs = std::filesystem;
  const fs::path src(VPCEMU_SOURCE_DIR);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(src / "scenarios"))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  files.push_back(src / "tests/integration/scenarios/trace-catalogue.yaml");
  std::sort(files.begin(), files.end());
  const bool update = std::getenv("VPCEMU_UPDATE_GOLDEN") != nullptr;
  for (const auto& f : files) {
    Lab l = load_lab(f.string());
    const std::string name = f.filename().string();
    std::string text;
    for (const auto& e : l.sc.expects) {
      if (e.runs()) continue;
      const TraceQuery q = trace_query(e);
      TraceOutcome o = trace(l.sc, l.addr, q);
      REQUIRE(o.result);
      text += "== line " + std::to_string(e.span.line) + ": " + q.from + " → " + q.to + " " +
              protocol_name(q.protocol) + (q.port ? " " + std::to_string(*q.port) : "") +
              (q.ip_version == 6 ? " (IPv6)" : "") + ", expected " + (e.allow ? "allow" : "deny") +
              "\n" + trace_text(*o.result, name);
      // The JSON names the same decision.
      const std::string json = trace_json(*o.result, q, name);
      CHECK(json.find(std::string("\"verdict\":\"") + (o.result->allow ? "allow" : "deny")) !=
            std::string::npos);
    }
    const fs::path golden = src / "tests/unit/golden" / (f.stem().string() + ".trace");
    if (update) {
      std::ofstream(golden) << text;
    } else {
      std::ifstream in(golden);
      std::stringstream ss;
      ss << in.rdbuf();
      INFO("golden " << golden.string() << "; after review: VPCEMU_UPDATE_GOLDEN=1 ./unit_tests");
      CHECK(text == ss.str());
    }
  }
}
