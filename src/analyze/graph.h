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
  std::string mark;  // "" | path (on a traced path) | deny (where it was denied)
};
struct GraphEdge {
  std::string from, to, label;
  std::string style;  // "" solid | dashed (a tunnel, a client) | bold (a dedicated link)
  bool path = false;  // on a traced path
};
struct Graph {
  std::string name;
  std::vector<GraphCluster> clusters;
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  const GraphNode* node(const std::string& id) const;
};

Graph topology_graph(const Scenario& sc, const Plan& plan);
// A node's id: its kind ("host", "vpc", "igw", "nat", "pcx", "tgw", "vgw", "vpn", "onprem",
// "vpce", "vpces", "svc", "cvpn", "gwlb", "eigw") and name; "internet" is the internet's.
std::string graph_ident(const std::string& kind, const std::string& name);
// Marks a path (node ids in order, as `vpcemu trace` gives them): its nodes, the edges between
// consecutive ones, and `denied_at` (when not empty) as where it ended.
void mark_path(Graph& g, const std::vector<std::string>& nodes, const std::string& denied_at);
std::string graph_dot(const Graph& g);
std::string graph_mermaid(const Graph& g);

}  // namespace vpcemu
