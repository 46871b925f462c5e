// A scenario's topology as a graph — VPCs with their subnets, instances, gateways and
// endpoints; peerings, transit gateways and their attachments, VPNs, Direct Connect, the
// internet and offices — and that graph as Graphviz DOT or a Mermaid flowchart. Pure: from the
// scenario and its plan (the addresses `up` would give).
#pragma once
#include <string>
#include <vector>

#include "compile/plan.h"
#include "model/scenario.h"

namespace vpcemu {

struct GraphCluster {
  std::string id, label, parent;  // parent: "" at the top
  std::string kind;               // vpc | subnet | internet | onprem
};
struct GraphNode {
  std::string id, label, cluster;
  std::string kind;  // router | instance | host | igw | nat | endpoint | peering | tgw | vpn | ...
};
struct GraphEdge {
  std::string from, to, label;
  std::string style;  // "" solid | dashed (a tunnel, a client) | bold (a dedicated link)
};
struct Graph {
  std::string name;
  std::vector<GraphCluster> clusters;
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  const GraphNode* node(const std::string& id) const;
};

Graph topology_graph(const Scenario& sc, const Plan& plan);
std::string graph_dot(const Graph& g);
std::string graph_mermaid(const Graph& g);

}  // namespace vpcemu
