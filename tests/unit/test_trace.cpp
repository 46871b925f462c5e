// vpcemu trace: its verdict for every lab's expectations is the lab's (which real packets prove
// in the integration tests), with the component and explanation code that decide each denial;
// and a catalogue of deny reasons with their explanations (golden text).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analyze/graph.h"
#include "analyze/trace.h"
#include "compile/compile.h"
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

// graph --trace: every node a trace passes is a node of the topology graph, and the path's
// edges are marked (the TGW-VPN lab's office → VPN → hub → VPC), its denial in red.
TEST_CASE("trace: its hops are nodes of the topology graph; graph --trace marks the path") {
  namespace fs = std::filesystem;
  for (const auto& f : fs::directory_iterator(fs::path(VPCEMU_SOURCE_DIR) / "scenarios")) {
    if (f.path().extension() != ".yaml") continue;
    Lab l = load_lab(f.path().string());
    const Graph g = topology_graph(l.sc, compile(l.sc, "/scenarios"));
    for (const auto& e : l.sc.expects) {
      if (e.runs()) continue;
      TraceOutcome o = trace(l.sc, l.addr, trace_query(e));
      REQUIRE(o.result);
      for (const auto& h : o.result->hops) {
        INFO(f.path().filename().string() << ":" << e.span.line << " " << h.component);
        CHECK(!h.node.empty());
        // A service reached by address (NAT64's 64:ff9b::...) is drawn only when named.
        if (h.node.rfind("svc_", 0) == 0 && IpAddr::parse(e.to)) continue;
        CHECK(g.node(h.node) != nullptr);
      }
    }
  }
  Lab l = load_lab(std::string(VPCEMU_SOURCE_DIR) + "/scenarios/transit-gateway-vpn.yaml");
  Graph g = topology_graph(l.sc, compile(l.sc, "/scenarios"));
  TraceQuery q{"desk-1", "prod-1", Protocol::kTcp, 22, 4};
  TraceOutcome o = trace(l.sc, l.addr, q);
  REQUIRE(o.result);
  REQUIRE(o.result->allow);
  std::vector<std::string> path;
  for (const auto& h : o.result->hops)
    if (path.empty() || path.back() != h.node) path.push_back(h.node);
  mark_path(g, path, "");
  auto marked = [&](const std::string& a, const std::string& b) {
    for (const auto& e : g.edges)
      if (((e.from == a && e.to == b) || (e.from == b && e.to == a)) && e.path) return true;
    return false;
  };
  CHECK(marked("onprem_office", "vpn_office_vpn"));
  CHECK(marked("vpn_office_vpn", "tgw_hub"));
  CHECK(marked("tgw_hub", "vpc_prod"));
  CHECK_FALSE(marked("tgw_hub", "vpc_dev"));
  CHECK(g.node("host_prod_1")->mark == "path");
  CHECK(graph_dot(g).find("vpn_office_vpn -> tgw_hub [style=dashed, color=\"#e6550d\"") !=
        std::string::npos);

  q = {"dev-1", "desk-1", Protocol::kIcmp, std::nullopt, 4};
  o = trace(l.sc, l.addr, q);
  REQUIRE(o.result);
  REQUIRE_FALSE(o.result->allow);
  CHECK(o.result->denied_node == "tgw_hub");  // its table has no route to the office
  Graph d = topology_graph(l.sc, compile(l.sc, "/scenarios"));
  mark_path(d, {"host_dev_1", "vpc_dev", "tgw_hub"}, o.result->denied_node);
  CHECK(d.node("tgw_hub")->mark == "deny");
  CHECK(graph_mermaid(d).find("style tgw_hub fill:#ff9896") != std::string::npos);
}
