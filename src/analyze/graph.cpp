// The topology graph (graph.h): built once, written as DOT or Mermaid.
#include "analyze/graph.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace vpcemu {

namespace {

// An identifier both DOT and Mermaid take: letters, digits and underscores.
std::string ident(const std::string& kind, const std::string& name) {
  std::string s = kind + "_";
  for (char c : name) s += (isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return s;
}

class Builder {
 public:
  Builder(const Scenario& sc, const Plan& plan) : sc_(sc), plan_(plan) { g_.name = sc.name; }

  Graph build() {
    internet();
    for (const auto& [_, o] : sc_.onprem) onprem(o);
    for (const auto& [_, v] : sc_.vpcs) vpc(v);
    for (const auto& [_, p] : sc_.peerings) {
      const std::string id = ident("pcx", p.name);
      node(id, p.name + "\npeering", "", "peering");
      edge(router(p.requester), id, "requester");
      edge(id, router(p.accepter), "accepter");
    }
    for (const auto& [_, t] : sc_.transit_gateways) tgw(t);
    for (const auto& [_, v] : sc_.vpn_connections) vpn(v);
    for (const auto& [_, d] : sc_.direct_connects) {
      const std::string gbps = std::to_string(d.bandwidth_bps / 1000000) + " Mbps";
      edge(ident("onprem", d.onprem), vgw(d.vpc), "Direct Connect " + d.name + "\n" + gbps, "bold");
    }
    for (const auto& [_, c] : sc_.client_vpn_endpoints) client_vpn(c);
    // Edges to nodes made later (an endpoint service in another VPC), once every node exists.
    for (auto& e : pending_)
      if (ids_.count(e.to)) g_.edges.push_back(e);
    return std::move(g_);
  }

 private:
  static std::string router(const std::string& vpc) { return ident("vpc", vpc); }

  void cluster(const std::string& id, const std::string& label, const std::string& parent,
               const std::string& kind) {
    g_.clusters.push_back({id, label, parent, kind});
  }
  void node(const std::string& id, const std::string& label, const std::string& cluster,
            const std::string& kind) {
    if (ids_.insert(id).second) g_.nodes.push_back({id, label, cluster, kind});
  }
  void edge(const std::string& a, const std::string& b, const std::string& label = "",
            const std::string& style = "") {
    g_.edges.push_back({a, b, label, style});
  }

  std::string addresses(const std::string& name) const {
    const EndpointInfo* e = plan_.endpoint(name);
    if (!e) return "";
    std::string s;
    if (e->private_ip) s += "\n" + e->private_ip->str();
    if (e->ipv6) s += "\n" + e->ipv6->str();
    if (e->public_ip) s += "\npublic " + e->public_ip->str();
    return s;
  }

  void internet() {
    cluster("cluster_internet", "internet", "", "internet");
    node("internet", "internet\nrouter", "cluster_internet", "router");
    for (const auto& [_, h] : sc_.hosts)
      node(ident("host", h.name), h.name + addresses(h.name), "cluster_internet", "host");
    // Services a scenario uses (an endpoint or an expectation names them): AWS's public ones.
    std::set<std::string> used;
    for (const auto& [_, v] : sc_.vpcs)
      for (const auto& [__, ep] : v.endpoints)
        if (!ep.service.endpoint_service && !ep.service.gateway_load_balancer)
          used.insert(ep.service.name);
    for (const auto& e : sc_.expects)
      if (sc_.services.count(e.to)) used.insert(e.to);
    for (const auto& s : used)
      if (sc_.services.count(s))
        node(ident("svc", s), s + "\nAWS service", "cluster_internet", "service");
  }

  void onprem(const Onprem& o) {
    const std::string c = "cluster_onprem_" + ident("", o.name);
    cluster(c, o.name + " (on premises)" + (o.cidr ? "\n" + o.cidr->str() : ""), "", "onprem");
    node(ident("onprem", o.name),
         o.name + " router\ncustomer gateway" + (o.public_ip ? "\n" + o.public_ip->str() : ""), c,
         "router");
    if (o.public_ip) edge(ident("onprem", o.name), "internet");
    for (const auto& [_, h] : o.hosts)
      node(ident("host", h.name), h.name + addresses(h.name), c, "host");
  }

  std::string vgw(const std::string& vpc) {
    const std::string id = ident("vgw", vpc);
    node(id, "virtual private\ngateway", "cluster_" + router(vpc), "vgw");
    if (vgws_.insert(vpc).second) edge(id, router(vpc));
    return id;
  }

  void vpc(const Vpc& v) {
    const std::string c = "cluster_" + router(v.name);
    std::string label = "VPC " + v.name;
    if (v.cidr) label += "\n" + v.cidr->str();
    if (v.ipv6_cidr) label += "\n" + v.ipv6_cidr->str();
    cluster(c, label, "", "vpc");
    node(router(v.name), v.name + "\nrouter", c, "router");
    if (v.internet_gateway) {
      node(ident("igw", v.name), "internet\ngateway", c, "igw");
      edge(ident("igw", v.name), router(v.name));
      edge(ident("igw", v.name), "internet");
    }
    if (v.egress_only_internet_gateway) {
      node(ident("eigw", v.name), "egress-only\ninternet gateway", c, "igw");
      edge(ident("eigw", v.name), router(v.name));
      edge(ident("eigw", v.name), "internet", "IPv6 out");
    }
    for (const auto& [_, s] : v.subnets) {
      const std::string sc = "cluster_" + ident("subnet", v.name + "_" + s.name);
      std::string l = "subnet " + s.name;
      if (s.cidr) l += "\n" + s.cidr->str();
      if (s.ipv6_cidr) l += "\n" + s.ipv6_cidr->str();
      const std::string rt = v.route_table_of(s);
      l +=
          "\nroute table " + (rt.empty() ? std::string("main") : rt) + ", NACL " + effective_acl(s);
      cluster(sc, l, c, "subnet");
      subnet_clusters_[v.name + "/" + s.name] = sc;
    }
    for (const auto& [_, in] : v.instances)
      node(ident("host", in.name), in.name + addresses(in.name), subnet_cluster(v.name, in.subnet),
           "instance");
    for (const auto& [_, n] : v.nat_gateways) {
      std::string l = n.name + "\nNAT gateway";
      for (const auto& gw : plan_.gateways)
        if (gw.kind == "nat-gateway" && gw.vpc == v.name && gw.name == n.name && gw.public_ip)
          l += "\n" + gw.public_ip->str();
      node(ident("nat", v.name + "_" + n.name), l, subnet_cluster(v.name, n.subnet), "nat");
    }
    for (const auto& [_, ep] : v.endpoints) {
      const std::string id = ident("vpce", v.name + "_" + ep.name);
      const std::string target = ep.service.endpoint_service ? ident("vpces", ep.service.name)
                                 : ep.service.gateway_load_balancer ? ident("gwlb", ep.service.name)
                                                                    : ident("svc", ep.service.name);
      if (ep.type == EndpointType::kGateway) {
        node(id, ep.name + "\ngateway endpoint\n" + ep.service.str(), c, "endpoint");
        edge(router(v.name), id);
      } else {
        const std::string where = ep.subnets.empty() ? c : subnet_cluster(v.name, ep.subnets[0]);
        node(
            id,
            ep.name + "\n" +
                (ep.type == EndpointType::kInterface ? "interface endpoint\n" : "GWLB endpoint\n") +
                ep.service.str(),
            where, "endpoint");
      }
      pending_.push_back({id, target, "", "dashed"});
    }
    for (const auto& [_, es] : sc_.endpoint_services) {
      if (es.vpc != v.name) continue;
      const std::string id = ident("vpces", es.name);
      node(id, es.name + "\nendpoint service (NLB)\nport " + std::to_string(es.port),
           es.subnets.empty() ? c : subnet_cluster(v.name, es.subnets[0]), "nlb");
      for (const auto& t : es.targets) edge(id, ident("host", t), "target");
    }
    for (const auto& [_, lb] : sc_.gateway_load_balancers) {
      if (lb.vpc != v.name) continue;
      const std::string id = ident("gwlb", lb.name);
      node(id, lb.name + "\ngateway load balancer",
           lb.subnets.empty() ? c : subnet_cluster(v.name, lb.subnets[0]), "gwlb");
      for (const auto& t : lb.targets) edge(id, ident("host", t), "GENEVE");
    }
  }

  std::string subnet_cluster(const std::string& vpc, const std::string& subnet) const {
    auto it = subnet_clusters_.find(vpc + "/" + subnet);
    return it == subnet_clusters_.end() ? "cluster_" + router(vpc) : it->second;
  }

  void tgw(const TransitGateway& t) {
    const std::string id = ident("tgw", t.name);
    node(id, t.name + "\ntransit gateway", "", "tgw");
    for (const auto& [_, a] : t.attachments) {
      if (!a.vpc.empty()) edge(id, router(a.vpc), a.name);
      if (!a.peering.empty() && t.name < a.peering)
        edge(id, ident("tgw", a.peering), a.name + "\npeering");
    }
  }

  void vpn(const VpnConnection& v) {
    const std::string id = ident("vpn", v.name);
    node(id,
         v.name + "\nsite-to-site VPN\n" + (v.routing == VpnRouting::kBgp ? "BGP" : "static") +
             ", 2 tunnels",
         "", "vpn");
    edge(ident("onprem", v.customer_gateway), id, "IPsec", "dashed");
    if (!v.tgw.empty())
      edge(id, ident("tgw", v.tgw), "", "dashed");
    else if (!v.vpc.empty())
      edge(id, vgw(v.vpc), "", "dashed");
  }

  void client_vpn(const ClientVpnEndpoint& c) {
    const std::string id = ident("cvpn", c.name);
    node(id,
         c.name + "\nclient VPN endpoint\n" +
             (c.transport == ClientVpnTransport::kWireguard ? "WireGuard" : "OpenVPN") +
             (c.client_cidr ? "\nclients " + c.client_cidr->str() : ""),
         c.subnets.empty() ? "cluster_" + router(c.vpc) : subnet_cluster(c.vpc, c.subnets[0]),
         "endpoint");
    for (const auto& [client, _] : c.clients) {
      node(ident("host", client), client + addresses(client), "cluster_internet", "host");
      edge(ident("host", client), id, "", "dashed");
    }
  }

  const Scenario& sc_;
  const Plan& plan_;
  Graph g_;
  std::set<std::string> ids_, vgws_;
  std::map<std::string, std::string> subnet_clusters_;
  std::vector<GraphEdge> pending_;
};

std::string quoted(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      o += std::string("\\") + c;
    else if (c == '\n')
      o += "\\n";
    else
      o += c;
  }
  return o + "\"";
}

const char* dot_shape(const std::string& kind) {
  if (kind == "router") return "ellipse";
  if (kind == "igw" || kind == "vgw") return "house";
  if (kind == "nat") return "octagon";
  if (kind == "peering") return "diamond";
  if (kind == "tgw") return "hexagon";
  if (kind == "vpn") return "parallelogram";
  if (kind == "endpoint" || kind == "nlb" || kind == "gwlb") return "component";
  if (kind == "service") return "cylinder";
  return "box";
}

const char* dot_fill(const std::string& kind) {
  if (kind == "vpc") return "#eef5ff";
  if (kind == "subnet") return "#ffffff";
  if (kind == "internet") return "#f4f4f4";
  return "#fff8ec";  // on premises
}

}  // namespace

std::string graph_ident(const std::string& kind, const std::string& name) {
  return ident(kind, name);
}

void mark_path(Graph& g, const std::vector<std::string>& nodes, const std::string& denied_at) {
  for (auto& n : g.nodes)
    if (std::find(nodes.begin(), nodes.end(), n.id) != nodes.end()) n.mark = "path";
  for (size_t i = 1; i < nodes.size(); ++i)
    for (auto& e : g.edges)
      if ((e.from == nodes[i - 1] && e.to == nodes[i]) ||
          (e.from == nodes[i] && e.to == nodes[i - 1]))
        e.path = true;
  for (auto& n : g.nodes)
    if (n.id == denied_at) n.mark = "deny";
}

const GraphNode* Graph::node(const std::string& id) const {
  for (const auto& n : nodes)
    if (n.id == id) return &n;
  return nullptr;
}

Graph topology_graph(const Scenario& sc, const Plan& plan) {
  return Builder(sc, plan).build();
}

std::string graph_dot(const Graph& g) {
  std::string o = "digraph " + quoted(g.name) + " {\n";
  o += "  graph [rankdir=LR, compound=true, fontname=\"Helvetica\", fontsize=11, "
       "label=" +
       quoted("scenario " + g.name) + ", labelloc=t];\n";
  o += "  node [fontname=\"Helvetica\", fontsize=10, style=filled, fillcolor=white];\n";
  o += "  edge [fontname=\"Helvetica\", fontsize=9, dir=none];\n";
  // Clusters nest: each written with its nodes and its child clusters inside.
  std::function<void(const std::string&, const std::string&)> write = [&](const std::string& parent,
                                                                          const std::string& pad) {
    for (const auto& n : g.nodes)
      if (n.cluster == parent)
        o += pad + n.id + " [label=" + quoted(n.label) + ", shape=" + dot_shape(n.kind) +
             (n.mark == "path"   ? ", fillcolor=\"#ffe08a\", penwidth=2"
              : n.mark == "deny" ? ", fillcolor=\"#ff9896\", color=\"#d62728\", penwidth=3"
                                 : "") +
             "];\n";
    for (const auto& c : g.clusters) {
      if (c.parent != parent) continue;
      o += pad + "subgraph " + c.id + " {\n";
      o += pad + "  label=" + quoted(c.label) + "; style=\"rounded,filled\"; fillcolor=\"" +
           dot_fill(c.kind) + "\";\n";
      write(c.id, pad + "  ");
      o += pad + "}\n";
    }
  };
  write("", "  ");
  for (const auto& e : g.edges) {
    o += "  " + e.from + " -> " + e.to;
    std::string attrs;
    if (!e.label.empty()) attrs += "label=" + quoted(e.label);
    if (!e.style.empty()) attrs += std::string(attrs.empty() ? "" : ", ") + "style=" + e.style;
    if (e.path) attrs += std::string(attrs.empty() ? "" : ", ") + "color=\"#e6550d\", penwidth=3";
    o += (attrs.empty() ? "" : " [" + attrs + "]") + ";\n";
  }
  return o + "}\n";
}

std::string graph_mermaid(const Graph& g) {
  auto text = [](const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
      if (c == '"')
        o += "#quot;";
      else if (c == '\n')
        o += "<br/>";
      else
        o += c;
    }
    return o + "\"";
  };
  std::string o = "flowchart LR\n";
  std::function<void(const std::string&, const std::string&)> write = [&](const std::string& parent,
                                                                          const std::string& pad) {
    for (const auto& n : g.nodes) {
      if (n.cluster != parent) continue;
      const std::string l = text(n.label);
      const std::string shape = n.kind == "router"    ? "((" + l + "))"
                                : n.kind == "tgw"     ? "{{" + l + "}}"
                                : n.kind == "peering" ? "{" + l + "}"
                                : n.kind == "service" ? "[(" + l + ")]"
                                : n.kind == "vpn"     ? "[/" + l + "/]"
                                                      : "[" + l + "]";
      o += pad + n.id + shape + "\n";
    }
    for (const auto& c : g.clusters) {
      if (c.parent != parent) continue;
      o += pad + "subgraph " + c.id + " [" + text(c.label) + "]\n";
      write(c.id, pad + "  ");
      o += pad + "end\n";
    }
  };
  write("", "  ");
  size_t k = 0;
  std::string marks;
  for (const auto& n : g.nodes) {
    if (n.mark == "path") marks += "  style " + n.id + " fill:#ffe08a,stroke-width:2px\n";
    if (n.mark == "deny")
      marks += "  style " + n.id + " fill:#ff9896,stroke:#d62728,stroke-width:3px\n";
  }
  for (const auto& e : g.edges) {
    if (e.path) marks += "  linkStyle " + std::to_string(k) + " stroke:#e6550d,stroke-width:3px\n";
    ++k;
  }
  for (const auto& e : g.edges) {
    const std::string arrow = e.style == "dashed" ? "-.-" : e.style == "bold" ? "===" : "---";
    o += "  " + e.from + " " + arrow + (e.label.empty() ? "" : "|" + text(e.label) + "|") + " " +
         e.to + "\n";
  }
  return o + marks;
}

}  // namespace vpcemu
