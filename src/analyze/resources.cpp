// The AWS resources of a scenario, and their differences.
#include "analyze/resources.h"

#include <map>
#include <set>

#include "model/addressing.h"
#include "util/text.h"

namespace vpcemu {

namespace {

// The parts of a detail that say something, comma-separated ("" parts are left out).
std::string listed(const std::vector<std::string>& parts, std::string_view sep = ", ") {
  std::vector<std::string> said;
  for (const auto& p : parts)
    if (!p.empty()) said.push_back(p);
  return join(said, sep);
}

// "tcp 443", "udp 1024-65535", "icmp 3/4", "all", "47".
std::string traffic(const TrafficMatch& m) {
  std::string p = m.protocol == Protocol::kNumber ? std::to_string(m.protocol_number)
                                                  : protocol_name(m.protocol);
  if (m.ports) {
    p += " " + std::to_string(m.ports->from);
    if (m.ports->to != m.ports->from) p += "-" + std::to_string(m.ports->to);
  }
  if (m.icmp_type >= 0) {
    p += " " + std::to_string(m.icmp_type);
    if (m.icmp_code >= 0) p += "/" + std::to_string(m.icmp_code);
  }
  return p;
}

std::string peer(const Peer& p, const std::string& own_vpc) {
  switch (p.kind) {
    case Peer::Kind::kGroup:
      return "sg/" + (p.vpc == own_vpc ? p.name : p.vpc + "/" + p.name);
    case Peer::Kind::kPrefixList:
      return "pl/" + p.name;
    case Peer::Kind::kCidr:
      break;
  }
  return p.cidr ? p.cidr->str() : "?";
}

}  // namespace

std::string resources_text(const std::vector<AwsResource>& resources) {
  std::string out;
  for (const auto& r : resources) {
    out += "resource";
    append_field(out, r.kind);
    append_field(out, r.id);
    append_field(out, r.detail);
    out += '\n';
  }
  return out;
}

std::optional<std::vector<AwsResource>> resources_from_text(std::string_view text) {
  std::vector<AwsResource> out;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;  // a torn last line
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    if (line.substr(0, 9) != "resource\t") return std::nullopt;
    std::vector<std::string> f;
    for (size_t tab = line.find('\t'); tab != std::string_view::npos; tab = line.find('\t')) {
      line.remove_prefix(tab + 1);
      f.push_back(unescape_field(line.substr(0, line.find('\t'))));
    }
    if (f.size() != 3) return std::nullopt;
    out.push_back({f[0], f[1], f[2]});
  }
  return out;
}

std::vector<AwsResource> aws_resources(const Scenario& sc) {
  Diagnostics ignored;
  const Addressing a = assign_addresses(sc, ignored);
  std::vector<AwsResource> out;
  auto add = [&](std::string kind, std::string id, std::string detail) {
    out.push_back({std::move(kind), std::move(id), std::move(detail)});
  };
  for (const auto& [vn, v] : sc.vpcs) {
    add("vpc", vn,
        listed({v.cidr ? v.cidr->str() : "", v.ipv6_cidr ? v.ipv6_cidr->str() : "",
                v.internet_gateway ? "internet gateway" : "",
                v.egress_only_internet_gateway ? "egress-only internet gateway" : "",
                v.main_route_table.empty() ? "" : "main route table " + v.main_route_table}));
    for (const auto& [sn, s] : v.subnets)
      add("subnet", vn + "/" + sn,
          listed({s.cidr ? s.cidr->str() : "", s.ipv6_cidr ? s.ipv6_cidr->str() : "",
                  "route table " +
                      (v.route_table_of(s).empty() ? std::string("main") : v.route_table_of(s)),
                  "network ACL " + effective_acl(s)}));
    for (const auto& [tn, t] : v.route_tables) {
      add("route_table", vn + "/" + tn,
          listed({t.propagations.empty() ? "" : "propagates from " + listed(t.propagations),
                  t.edge_associations.empty() ? ""
                                              : "associated with " + listed(t.edge_associations)}));
      for (const auto& r : t.routes)
        if (r.destination) add("route", vn + "/" + tn + " " + r.destination->str(), r.target.str());
    }
    for (const auto& [gn, g] : v.security_groups) {
      add("security_group", vn + "/" + gn, "");
      for (const auto& r : g.ingress)
        add("security_group_rule",
            vn + "/" + gn + " ingress " + traffic(r) + " from " + peer(r.peer, vn), "");
      if (g.egress)
        for (const auto& r : *g.egress)
          add("security_group_rule",
              vn + "/" + gn + " egress " + traffic(r) + " to " + peer(r.peer, vn), "");
    }
    for (const auto& [an, acl] : v.network_acls)
      for (bool in : {true, false})
        for (const auto& r : in ? acl.ingress : acl.egress)
          add("network_acl_rule",
              vn + "/" + an + (in ? " ingress " : " egress ") + std::to_string(r.number),
              std::string(r.allow ? "allow " : "deny ") + traffic(r) + (in ? " from " : " to ") +
                  (r.cidr ? r.cidr->str() : "?"));
    for (const auto& [in_name, in] : v.instances) {
      auto ip = a.private_ip.find(in_name);
      auto pub = a.public_ip.find(in_name);
      auto v6 = a.ipv6.find(in_name);
      add("instance", in_name,
          listed({"vpc " + vn, "subnet " + in.subnet,
                  ip != a.private_ip.end() ? ip->second.str() : "",
                  v6 != a.ipv6.end() ? v6->second.str() : "",
                  pub != a.public_ip.end() ? "public " + pub->second.str() : "",
                  in.security_groups.empty() ? "" : "groups " + listed(in.security_groups, ","),
                  in.source_dest_check ? "" : "source/destination check off",
                  in.run.empty() ? "" : "runs " + listed(in.run, " ")}));
    }
    for (const auto& [nn, n] : v.nat_gateways)
      add("nat_gateway", vn + "/" + nn, "subnet " + n.subnet);
    // Flow logs, as AWS's resources: one per VPC, subnet or instance that sets them on.
    auto flow_log = [&](const std::string& id, const std::optional<FlowLogs>& f) {
      if (f && f->on)
        add("flow_log", id,
            listed({"aggregation interval " + std::to_string(f->aggregation_interval) + " s",
                    f->format.empty() ? "" : "format " + f->format}));
    };
    flow_log(vn, v.flow_logs);
    for (const auto& [sn, sub] : v.subnets) flow_log(vn + "/" + sn, sub.flow_logs);
    for (const auto& [in_name, in] : v.instances) flow_log(in_name, in.flow_logs);
    for (const auto& [en, e] : v.endpoints)
      add("endpoint", vn + "/" + en,
          listed({e.type == EndpointType::kGateway     ? "gateway"
                  : e.type == EndpointType::kInterface ? "interface"
                                                       : "gateway load balancer",
                  e.service.str(), listed(e.subnets, ","), listed(e.route_tables, ",")}));
  }
  for (const auto& [pn, p] : sc.peerings) add("peering", pn, p.requester + " ↔ " + p.accepter);
  for (const auto& [gn, g] : sc.gateway_load_balancers)
    add("gateway_load_balancer", gn, listed({"vpc " + g.vpc, "targets " + listed(g.targets, ",")}));
  for (const auto& [tn, t] : sc.transit_gateways) {
    add("transit_gateway", tn,
        t.default_route_table.empty() ? "" : "default route table " + t.default_route_table);
    for (const auto& [an, at] : t.attachments)
      add("transit_gateway_attachment", tn + "/" + an,
          !at.vpc.empty()   ? "vpc " + at.vpc + " " + listed(at.subnets, ",")
          : !at.vpn.empty() ? "vpn " + at.vpn
                            : "peering " + at.peering);
    for (const auto& [rn, rt] : t.route_tables) {
      add("transit_gateway_route_table", tn + "/" + rn,
          listed({rt.associations.empty() ? "" : "associations " + listed(rt.associations, ","),
                  rt.propagations.empty() ? "" : "propagations " + listed(rt.propagations, ",")}));
      for (const auto& r : rt.routes)
        if (r.destination)
          add("transit_gateway_route", tn + "/" + rn + " " + r.destination->str(),
              r.blackhole ? "blackhole" : r.attachment);
    }
  }
  for (const auto& [cn, c] : sc.vpn_connections)
    add("vpn_connection", cn, c.vpc.empty() ? c.tgw : c.vpc);
  for (const auto& [dn, x] : sc.direct_connects) add("direct_connect", dn, x.vpc);
  for (const auto& [cn, c] : sc.client_vpn_endpoints)
    add("client_vpn_endpoint", cn,
        listed({"vpc " + c.vpc, c.client_cidr ? c.client_cidr->str() : ""}));
  for (const auto& [on, o] : sc.onprem) add("onprem", on, "");
  for (const auto& [hn, h] : sc.hosts) add("internet_host", hn, h.ip ? h.ip->str() : "");
  return out;
}

std::vector<ResourceChange> resource_changes(const std::vector<AwsResource>& before,
                                             const std::vector<AwsResource>& after) {
  std::map<std::pair<std::string, std::string>, const AwsResource*> old, now;
  for (const auto& r : before) old[{r.kind, r.id}] = &r;
  for (const auto& r : after) now[{r.kind, r.id}] = &r;
  std::vector<ResourceChange> out;
  for (const auto& r : after) {
    auto it = old.find({r.kind, r.id});
    if (it == old.end())
      out.push_back({'+', r, ""});
    else if (it->second->detail != r.detail)
      out.push_back({'~', r, it->second->detail});
  }
  for (const auto& r : before)
    if (!now.count({r.kind, r.id})) out.push_back({'-', r, ""});
  return out;
}

bool changes_live(const ResourceChange& c) {
  if (c.op == '+') return true;
  static const std::set<std::string> live = {"security_group", "security_group_rule",
                                             "network_acl_rule", "route", "route_table"};
  if (live.count(c.now.kind)) return true;
  if (c.op != '~') return false;
  if (c.now.kind == "subnet") return true;  // its route table or network ACL association
  if (c.now.kind == "instance") {
    // The same ENI (VPC, subnet, private address: the first three parts) with another Elastic
    // IP, security groups or source/destination check.
    auto eni = [](const std::string& d) {
      size_t at = 0;
      for (int i = 0; i < 3 && at != std::string::npos; ++i) at = d.find(", ", at ? at + 2 : 0);
      return d.substr(0, at);
    };
    return eni(c.now.detail) == eni(c.before);
  }
  return false;
}

std::string change_line(const ResourceChange& c) {
  std::string out = std::string("  ") + c.op + " " + c.now.kind + " " + c.now.id;
  const bool route = c.now.kind == "route" || c.now.kind == "transit_gateway_route";
  if (route)
    out += " → " + c.now.detail;  // "0.0.0.0/0 → internet_gateway"
  else if (!c.now.detail.empty())
    out += " (" + c.now.detail + ")";
  if (c.op == '~') out += " (was " + (c.before.empty() ? std::string("-") : c.before) + ")";
  return out;
}

std::string changes_text(const std::vector<ResourceChange>& changes) {
  std::string out;
  int add = 0, change = 0, destroy = 0;
  for (const auto& c : changes) {
    out += change_line(c) + "\n";
    (c.op == '+' ? add : c.op == '~' ? change : destroy)++;
  }
  out += "Plan: " + std::to_string(add) + " to add, " + std::to_string(change) + " to change, " +
         std::to_string(destroy) + " to destroy.\n";
  return out;
}

nlohmann::json resource_changes_json(const std::vector<ResourceChange>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : changes) {
    nlohmann::json x = {{"op", std::string(1, c.op)},
                        {"kind", c.now.kind},
                        {"id", c.now.id},
                        {"detail", c.now.detail},
                        {"live", changes_live(c)}};
    if (c.op == '~') x["before"] = c.before;
    out.push_back(x);
  }
  return out;
}

}  // namespace vpcemu
