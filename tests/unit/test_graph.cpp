// vpcemu graph: what the topology graph holds for the labs, and that its DOT and Mermaid are
// whole (every edge between declared nodes, every subgraph closed). Every lab's DOT is also a
// reviewed golden file (tests/unit/golden/<lab>.dot, with the plans).
#include <filesystem>
#include <set>
#include <sstream>

#include "analyze/graph.h"
#include "compile/compile.h"
#include "helpers.h"

using namespace vpcemu;
using namespace vpcemu::test;

namespace {

Graph lab(const std::string& name, Scenario* out = nullptr) {
  auto r = parse_scenario_file(std::string(VPCEMU_SOURCE_DIR) + "/scenarios/" + name + ".yaml");
  validate(r.scenario, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  Plan p = compile(r.scenario, "/scenarios");
  if (out) *out = r.scenario;
  return topology_graph(r.scenario, p);
}

bool has_edge(const Graph& g, const std::string& a, const std::string& b) {
  for (const auto& e : g.edges)
    if ((e.from == a && e.to == b) || (e.from == b && e.to == a)) return true;
  return false;
}

std::string cluster_label(const Graph& g, const std::string& node) {
  const GraphNode* n = g.node(node);
  if (!n) return "(no node " + node + ")";
  for (const auto& c : g.clusters)
    if (c.id == n->cluster) return c.label;
  return "(top)";
}

}  // namespace

TEST_CASE("graph: basic-vpc's instances in their subnets, the internet gateway between") {
  const Graph g = lab("basic-vpc");
  REQUIRE(g.node("host_web_1"));
  CHECK(g.node("host_web_1")->label == "web-1\n10.0.1.10\npublic 203.0.113.1");
  CHECK(
      cluster_label(g, "host_web_1").rfind("subnet public-a\n10.0.1.0/24\nroute table public", 0) ==
      0);
  CHECK(
      cluster_label(g, "host_app_1").rfind("subnet private-a\n10.0.2.0/24\nroute table main", 0) ==
      0);
  CHECK(has_edge(g, "igw_prod", "vpc_prod"));
  CHECK(has_edge(g, "igw_prod", "internet"));
  CHECK(cluster_label(g, "host_client") == "internet");
}

TEST_CASE("graph: peerings, transit gateway attachments, VPNs and Direct Connect") {
  const Graph p = lab("peering");
  size_t peerings = 0;
  for (const auto& n : p.nodes) peerings += n.kind == "peering";
  CHECK(peerings >= 2);
  for (const auto& n : p.nodes)
    if (n.kind == "peering") {
      int ends = 0;
      for (const auto& e : p.edges) ends += e.from == n.id || e.to == n.id;
      CHECK(ends == 2);  // a peering joins exactly two VPCs: no transit
    }
  Scenario sc;
  const Graph t = lab("transit-gateway-vpn", &sc);
  for (const auto& [_, tgw] : sc.transit_gateways)
    for (const auto& [__, a] : tgw.attachments)
      if (!a.vpc.empty()) CHECK(has_edge(t, "tgw_" + tgw.name, "vpc_" + a.vpc));
  CHECK(has_edge(t, "vpn_office_vpn", "tgw_hub"));
  CHECK(has_edge(t, "onprem_office", "vpn_office_vpn"));
  const Graph d = lab("direct-connect");
  bool dx = false;
  for (const auto& e : d.edges) dx |= e.style == "bold" && e.label.rfind("Direct Connect", 0) == 0;
  CHECK(dx);
}

TEST_CASE("graph: DOT and Mermaid of every lab are whole") {
  namespace fs = std::filesystem;
  for (const auto& e : fs::directory_iterator(fs::path(VPCEMU_SOURCE_DIR) / "scenarios")) {
    const std::string name = e.path().stem().string();
    INFO(name);
    const Graph g = lab(name);
    std::set<std::string> ids;
    for (const auto& n : g.nodes) CHECK(ids.insert(n.id).second);  // unique
    for (const auto& x : g.edges) {
      CHECK(ids.count(x.from));
      CHECK(ids.count(x.to));
    }
    const std::string dot = graph_dot(g);
    CHECK(std::count(dot.begin(), dot.end(), '{') == std::count(dot.begin(), dot.end(), '}'));
    std::istringstream m(graph_mermaid(g));
    std::string line;
    int depth = 0, edges = 0;
    std::getline(m, line);
    CHECK(line == "flowchart LR");
    while (std::getline(m, line)) {
      const auto t = line.substr(line.find_first_not_of(' '));
      if (t.rfind("subgraph ", 0) == 0) ++depth;
      if (t == "end") --depth;
      CHECK(depth >= 0);
      edges += t.find(" ---") != std::string::npos || t.find(" -.-") != std::string::npos ||
               t.find(" ===") != std::string::npos;
    }
    CHECK(depth == 0);
    CHECK(edges == static_cast<int>(g.edges.size()));
  }
}
