// Plan serialisation.
#include "compile/plan_json.h"

namespace vpcemu {

using nlohmann::json;

namespace {

json cidr_j(const IpPrefix& c) {
  return c.str();
}
Cidr cidr_from(const json& j) {
  return Cidr::parse(j.get<std::string>()).value();
}
Ipv4 ip_from(const json& j) {
  return Ipv4::parse(j.get<std::string>()).value();
}
IpPrefix prefix_from(const json& j) {
  return IpPrefix::parse(j.get<std::string>()).value();
}
IpAddr addr_from(const json& j) {
  return IpAddr::parse(j.get<std::string>()).value();
}
json end_j(const LinkEnd& e) {
  return {{"ns", e.ns}, {"ifname", e.ifname}, {"mac", e.mac}};
}
LinkEnd end_from(const json& j) {
  return {j.at("ns"), j.at("ifname"), j.at("mac")};
}

// One plan object each, to JSON and back; the plan is their lists.
json route_to_json(const RoutePlan& r) {
  json x = {{"ns", r.ns},
            {"table", r.table},
            {"destination", cidr_j(r.dst)},
            {"type", r.type == RouteType::kBlackhole ? "blackhole" : "unicast"},
            {"why", r.why}};
  if (r.via) x["via"] = r.via->str();
  if (!r.dev.empty()) x["dev"] = r.dev;
  if (r.onlink) x["onlink"] = true;
  if (r.metric) x["metric"] = r.metric;
  return x;
}

json rule_to_json(const RulePlan& r) {
  json x = {{"ns", r.ns}, {"priority", r.priority}, {"why", r.why}};
  if (r.fwmark) x["fwmark"] = *r.fwmark;
  if (r.to) x["to"] = cidr_j(*r.to);
  if (r.drop)
    x["action"] = "blackhole";
  else
    x["table"] = r.table;
  if (!r.iif.empty()) x["iif"] = r.iif;
  if (r.family == Family::kIpv6) x["family"] = 6;
  return x;
}

json nft_to_json(const NftPlan& n) {
  json objs = json::array();
  for (const auto& o : n.table.objects) {
    json x = {
        {"kind", static_cast<int>(o.kind)}, {"name", o.name}, {"spec", o.spec}, {"items", o.items}};
    if (o.staged) x["staged"] = true;
    if (!o.staging.empty()) x["staging"] = o.staging;
    objs.push_back(x);
  }
  return {{"ns", n.ns}, {"family", n.table.family}, {"table", n.table.name}, {"objects", objs}};
}

json process_to_json(const ProcessPlan& pr) {
  json x = {{"ns", pr.ns}, {"name", pr.name}, {"argv", pr.argv}, {"cwd", pr.cwd}};
  if (!pr.resolv_conf.empty()) x["resolv_conf"] = pr.resolv_conf;
  if (!pr.env.empty()) x["env"] = pr.env;
  if (pr.daemon) x["daemon"] = true;
  if (!pr.ready_file.empty()) x["ready_file"] = pr.ready_file, x["ready_text"] = pr.ready_text;
  if (!pr.ready_before_next) x["ready_before_next"] = false;
  if (pr.opens_namespaces) x["opens_namespaces"] = true;
  if (pr.wait_exit) x["wait_exit"] = true;
  if (pr.wireguard) {
    json routes = json::array();
    for (const auto& r : pr.wireguard->routes) routes.push_back(r.str());
    x["wireguard"] = {{"ifname", pr.wireguard->ifname},
                      {"uapi", pr.wireguard->uapi},
                      {"address", pr.wireguard->address.str()},
                      {"routes", routes}};
  }
  if (pr.tun_address) x["tun_address"] = pr.tun_address->str();
  for (const auto& r : pr.tun_routes) x["tun_routes"].push_back(r.str());
  if (!pr.bgp_socket.empty()) x["bgp_socket"] = pr.bgp_socket;
  if (pr.tun_rule_table) x["tun_rule"] = {pr.tun_rule_priority, pr.tun_rule_table};
  for (const auto& r : pr.ready_routes)
    x["ready_routes"].push_back({{"table", r.table}, {"destination", r.dst.str()}});
  return x;
}

json endpoint_to_json(const EndpointInfo& e) {
  json x = {{"name", e.name}, {"kind", e.kind}, {"ns", e.ns}};
  if (e.private_ip) x["private_ip"] = e.private_ip->str();
  if (!e.vpc.empty()) x["vpc"] = e.vpc;
  if (!e.subnet.empty()) x["subnet"] = e.subnet;
  if (e.public_ip) x["public_ip"] = e.public_ip->str();
  if (!e.security_groups.empty()) x["security_groups"] = e.security_groups;
  if (!e.resolv_conf.empty()) x["resolv_conf"] = e.resolv_conf;
  if (e.ipv6) x["ipv6"] = e.ipv6->str();
  if (!e.availability_zone.empty()) x["availability_zone"] = e.availability_zone;
  return x;
}

json gateway_to_json(const GatewayInfo& g) {
  json x = {{"kind", g.kind},
            {"vpc", g.vpc},
            {"name", g.name},
            {"ns", g.ns},
            {"private_ip", g.private_ip.str()}};
  if (g.public_ip) x["public_ip"] = g.public_ip->str();
  return x;
}

RoutePlan route_from_json(const json& r) {
  RoutePlan x;
  x.ns = r.at("ns");
  x.table = r.at("table");
  x.dst = prefix_from(r.at("destination"));
  x.type = r.at("type") == "blackhole" ? RouteType::kBlackhole : RouteType::kUnicast;
  if (r.contains("via")) x.via = addr_from(r.at("via"));
  x.dev = r.value("dev", "");
  x.onlink = r.value("onlink", false);
  x.why = r.value("why", "");
  x.metric = r.value("metric", 0u);
  return x;
}

NftPlan nft_from_json(const json& n) {
  NftPlan x;
  x.ns = n.at("ns");
  x.table.family = n.at("family");
  x.table.name = n.at("table");
  for (const auto& o : n.at("objects")) {
    x.table.objects.push_back({static_cast<NftObject::Kind>(o.at("kind").get<int>()), o.at("name"),
                               o.at("spec"), o.at("items"), o.value("staged", false),
                               o.value("staging", std::vector<std::string>{})});
  }
  return x;
}

ProcessPlan process_from_json(const json& pr) {
  ProcessPlan x{pr.at("ns"),
                pr.at("name"),
                pr.at("argv"),
                pr.at("cwd"),
                pr.value("resolv_conf", ""),
                pr.value("env", std::vector<std::string>{}),
                pr.value("daemon", false),
                pr.value("opens_namespaces", false),
                pr.value("ready_file", ""),
                pr.value("ready_text", ""),
                pr.value("ready_before_next", true),
                pr.value("wait_exit", false),
                std::nullopt};
  if (pr.contains("wireguard")) {
    const auto& w = pr.at("wireguard");
    WireguardSetup ws{w.at("ifname"), w.at("uapi"), cidr_from(w.at("address")), {}};
    for (const auto& r : w.at("routes")) ws.routes.push_back(cidr_from(r));
    x.wireguard = ws;
  }
  if (pr.contains("tun_address")) x.tun_address = cidr_from(pr.at("tun_address"));
  for (const auto& r : pr.value("tun_routes", json::array()))
    x.tun_routes.push_back(*IpPrefix::parse(r.get<std::string>()));
  x.bgp_socket = pr.value("bgp_socket", "");
  if (pr.contains("tun_rule"))
    x.tun_rule_priority = pr.at("tun_rule")[0], x.tun_rule_table = pr.at("tun_rule")[1];
  for (const auto& r : pr.value("ready_routes", json::array()))
    x.ready_routes.push_back({r.at("table"), prefix_from(r.at("destination"))});
  return x;
}

EndpointInfo endpoint_from_json(const json& e) {
  EndpointInfo x;
  x.name = e.at("name");
  x.kind = e.at("kind");
  x.ns = e.at("ns");
  x.vpc = e.value("vpc", "");
  x.subnet = e.value("subnet", "");
  if (e.contains("private_ip")) x.private_ip = ip_from(e.at("private_ip"));
  if (e.contains("public_ip")) x.public_ip = ip_from(e.at("public_ip"));
  x.security_groups = e.value("security_groups", std::vector<std::string>{});
  x.resolv_conf = e.value("resolv_conf", "");
  if (e.contains("ipv6")) x.ipv6 = IpAddr::parse(e.at("ipv6").get<std::string>());
  x.availability_zone = e.value("availability_zone", "");
  return x;
}

GatewayInfo gateway_from_json(const json& g) {
  GatewayInfo x{g.at("kind"), g.at("vpc"), g.at("name"), g.at("ns"), ip_from(g.at("private_ip")),
                std::nullopt};
  if (g.contains("public_ip")) x.public_ip = ip_from(g.at("public_ip"));
  return x;
}

}  // namespace

RulePlan rule_from_json(const json& r) {
  RulePlan x;
  x.ns = r.at("ns");
  x.priority = r.at("priority");
  if (r.contains("fwmark")) x.fwmark = r.at("fwmark").get<uint32_t>();
  if (r.contains("to")) x.to = prefix_from(r.at("to"));
  // (Plans written before drops were silent say "unreachable".)
  x.drop = r.value("action", "") == "blackhole" || r.value("action", "") == "unreachable";
  x.table = r.value("table", 0u);
  x.why = r.value("why", "");
  x.iif = r.value("iif", "");
  if (r.value("family", 4) == 6) x.family = Family::kIpv6;
  return x;
}

json plan_to_json(const Plan& p) {
  json j;
  j["scenario"] = p.scenario;
  j["namespaces"] = json::array();
  for (const auto& n : p.namespaces)
    j["namespaces"].push_back({{"name", n.name}, {"role", n.role}, {"owner", n.owner}});
  j["sysctls"] = json::array();
  for (const auto& s : p.sysctls)
    j["sysctls"].push_back(
        {{"ns", s.ns}, {"key", s.key}, {"value", s.value}, {"after_links", s.after_links}});
  j["veths"] = json::array();
  for (const auto& v : p.veths) {
    json x = {{"a", end_j(v.a)}, {"b", end_j(v.b)}, {"purpose", v.purpose}, {"mtu", v.mtu}};
    if (v.rate_bps) x["rate_bps"] = v.rate_bps;
    j["veths"].push_back(x);
  }
  j["addresses"] = json::array();
  for (const auto& a : p.addrs)
    j["addresses"].push_back({{"ns", a.ns}, {"dev", a.dev}, {"address", cidr_j(a.addr)}});
  j["neighbours"] = json::array();
  for (const auto& n : p.neighs)
    j["neighbours"].push_back({{"ns", n.ns}, {"dev", n.dev}, {"ip", n.ip.str()}, {"mac", n.mac}});
  j["routes"] = json::array();
  for (const auto& r : p.routes) j["routes"].push_back(route_to_json(r));
  j["rules"] = json::array();
  for (const auto& r : p.rules) j["rules"].push_back(rule_to_json(r));
  j["nftables"] = json::array();
  for (const auto& n : p.nft) j["nftables"].push_back(nft_to_json(n));
  j["files"] = json::array();
  for (const auto& f : p.files) j["files"].push_back({{"path", f.path}, {"content", f.content}});
  j["processes"] = json::array();
  for (const auto& pr : p.processes) j["processes"].push_back(process_to_json(pr));
  j["endpoints"] = json::array();
  for (const auto& e : p.endpoints) j["endpoints"].push_back(endpoint_to_json(e));
  j["gateways"] = json::array();
  for (const auto& g : p.gateways) j["gateways"].push_back(gateway_to_json(g));
  j["subnets"] = json::array();
  for (const auto& s : p.subnets) {
    json x = {{"vpc", s.vpc},
              {"name", s.name},
              {"route_table", s.route_table},
              {"network_acl", s.network_acl}};
    if (s.cidr) x["cidr"] = s.cidr->str();
    if (s.ipv6_cidr) x["ipv6_cidr"] = s.ipv6_cidr->str();
    j["subnets"].push_back(x);
  }
  return j;
}

Plan plan_from_json(const json& j) {
  Plan p;
  p.scenario = j.at("scenario");
  for (const auto& n : j.at("namespaces"))
    p.namespaces.push_back({n.at("name"), n.at("role"), n.at("owner")});
  for (const auto& s : j.at("sysctls"))
    p.sysctls.push_back({s.at("ns"), s.at("key"), s.at("value"), s.at("after_links")});
  for (const auto& v : j.at("veths"))
    p.veths.push_back({end_from(v.at("a")), end_from(v.at("b")), v.at("purpose"),
                       v.value("rate_bps", uint64_t{0}), v.value("mtu", kMtuEthernet)});
  for (const auto& a : j.at("addresses"))
    p.addrs.push_back({a.at("ns"), a.at("dev"), prefix_from(a.at("address"))});
  for (const auto& n : j.at("neighbours"))
    p.neighs.push_back({n.at("ns"), n.at("dev"), addr_from(n.at("ip")), n.at("mac")});
  for (const auto& r : j.at("routes")) p.routes.push_back(route_from_json(r));
  for (const auto& r : j.at("rules")) p.rules.push_back(rule_from_json(r));
  for (const auto& n : j.at("nftables")) p.nft.push_back(nft_from_json(n));
  for (const auto& f : j.value("files", json::array()))
    p.files.push_back({f.at("path"), f.at("content")});
  for (const auto& pr : j.at("processes")) p.processes.push_back(process_from_json(pr));
  for (const auto& e : j.at("endpoints")) p.endpoints.push_back(endpoint_from_json(e));
  for (const auto& g : j.value("gateways", json::array()))
    p.gateways.push_back(gateway_from_json(g));
  for (const auto& s : j.value("subnets", json::array())) {
    SubnetInfo x{s.at("vpc"),         s.at("name"),        std::nullopt,
                 s.at("route_table"), s.at("network_acl"), std::nullopt};
    if (s.contains("cidr")) x.cidr = cidr_from(s.at("cidr"));
    if (s.contains("ipv6_cidr"))
      x.ipv6_cidr = IpPrefix::parse(s.at("ipv6_cidr").get<std::string>());
    p.subnets.push_back(x);
  }
  return p;
}

std::string plan_to_text(const Plan& p) {
  std::string out = "# plan for scenario " + p.scenario + "\n";
  for (const auto& n : p.namespaces)
    out += "netns   " + n.name + "  (" + n.role + ": " + n.owner + ")\n";
  for (const auto& s : p.sysctls) out += "sysctl  " + s.ns + "  " + s.key + " = " + s.value + "\n";
  for (const auto& v : p.veths)
    out +=
        "veth    " + v.a.ns + "/" + v.a.ifname + " " + v.a.mac + "  <->  " + v.b.ns + "/" +
        v.b.ifname + " " + v.b.mac + "  (" + v.purpose + ")  mtu " + std::to_string(v.mtu) +
        (v.rate_bps ? "  rate " + std::to_string(v.rate_bps / 1000000) + " Mbit/s each way" : "") +
        "\n";
  for (const auto& a : p.addrs)
    out += "addr    " + a.ns + "  " + a.addr.str() + " dev " + a.dev + "\n";
  for (const auto& n : p.neighs)
    out += "neigh   " + n.ns + "  " + n.ip.str() + " lladdr " + n.mac + " dev " + n.dev +
           " permanent\n";
  for (const auto& r : p.routes) {
    out += "route   " + r.ns + "  table " + std::to_string(r.table) + "  ";
    if (r.type == RouteType::kBlackhole) out += "blackhole ";
    out += r.dst.str();
    if (r.via) out += " via " + r.via->str();
    if (!r.dev.empty()) out += " dev " + r.dev;
    if (r.onlink) out += " onlink";
    if (r.metric) out += " metric " + std::to_string(r.metric);
    out += "  # " + r.why + "\n";
  }
  for (const auto& r : p.rules) {
    out += std::string(r.family == Family::kIpv6 ? "rule6   " : "rule    ") + r.ns + "  pref " +
           std::to_string(r.priority);
    if (r.to) out += " to " + r.to->str();
    if (r.fwmark) out += " fwmark " + std::to_string(*r.fwmark);
    if (!r.iif.empty()) out += " iif " + r.iif;
    out += r.drop ? " blackhole" : " lookup " + std::to_string(r.table);
    out += "  # " + r.why + "\n";
  }
  for (const auto& n : p.nft) {
    out += "nft     " + n.ns + "\n";
    std::string script = nft_full_script(n.table);
    size_t start = 0;
    while (start < script.size()) {
      size_t nl = script.find('\n', start);
      if (nl == std::string::npos) nl = script.size();
      out += "          " + script.substr(start, nl - start) + "\n";
      start = nl + 1;
    }
  }
  for (const auto& f : p.files) {
    out += "file    " + f.path + "\n";
    size_t start = 0;
    while (start < f.content.size()) {
      size_t nl = f.content.find('\n', start);
      if (nl == std::string::npos) nl = f.content.size();
      out += "          " + f.content.substr(start, nl - start) + "\n";
      start = nl + 1;
    }
  }
  for (const auto& pr : p.processes) {
    out += "run     " + pr.ns + " ";
    for (const auto& a : pr.argv) out += " " + a;
    out += "\n";
    if (pr.tun_address)
      out += "addr    " + pr.ns + "  " + pr.tun_address->str() + " dev <TUN of " + pr.name + ">\n";
    for (const auto& r : pr.tun_routes)
      out += "route   " + pr.ns + "  table 254  " + r.str() + " dev <TUN of " + pr.name + ">\n";
    if (pr.tun_rule_table)
      out += "rule    " + pr.ns + "  pref " + std::to_string(pr.tun_rule_priority) +
             " iif <TUN of " + pr.name + "> lookup " + std::to_string(pr.tun_rule_table) + "\n";
  }
  return out;
}

}  // namespace vpcemu
