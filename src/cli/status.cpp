// vpcemu status [NAME]: what is up, each scenario (or NAME's) as AWS would list it (VPCs, subnets,
// instances, route tables, gateways, peerings, endpoints, transit gateways, tunnels) beside what
// runs (apply/observe.cpp), in text or JSON.
#include <cstdio>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analyze/listing.h"
#include "apply/observe.h"
#include "apply/state.h"
#include "cli/load.h"
#include "cli/verbs.h"

using nlohmann::json;

namespace vpcemu::cli {

namespace {

std::string str(const json& v, const char* dash = "-") {
  return v.is_string() ? v.get<std::string>() : std::string(dash);
}

std::string words(const json& list, const char* sep = ",") {
  std::string out;
  for (const auto& x : list) out += (out.empty() ? "" : sep) + x.get<std::string>();
  return out.empty() ? "-" : out;
}

void print_bgp(const json& t) {
  if (!t.contains("bgp")) return;
  std::string prefixes;
  for (const auto& x : t["bgp"]["prefixes"]) prefixes += " " + x.get<std::string>();
  printf("      bgp %s, learned:%s\n", t["bgp"]["session"].get<std::string>().c_str(),
         prefixes.empty() ? " nothing" : prefixes.c_str());
}

// The applied scenario's AWS listing, merged into the observed status.
void add_listing(const std::string& run_dir, json& s) {
  std::string text;
  if (!StateDir(run_dir, s["scenario"].get<std::string>()).read_summary(&text) || text.empty())
    return;
  const json listing = scenario_listing(applied_scenario(text));
  for (const auto& [k, v] : listing.items()) s[k] = v;
}

void print_tunnel(const json& t) {
  std::string since;
  if (t.contains("since")) {
    time_t at = t["since"].get<long long>();
    char buf[32];
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", gmtime(&at));
    since = std::string(", since ") + buf;
  }
  std::string bytes = t.contains("bytes_in")
                          ? ", " + std::to_string(t["bytes_in"].get<uint64_t>()) + " bytes in, " +
                                std::to_string(t["bytes_out"].get<uint64_t>()) + " bytes out"
                          : "";
  printf("  vpn tunnel %s  %s ↔ %s  %s%s%s\n", t["name"].get<std::string>().c_str(),
         t["outside_ip"].get<std::string>().c_str(),
         t["customer_gateway"].get<std::string>().c_str(), t["state"].get<std::string>().c_str(),
         since.c_str(), bytes.c_str());
  print_bgp(t);
}

void print_routes(const json& tables) {
  for (const auto& t : tables) {
    std::string assoc = "subnets " + words(t["subnets"]);
    if (t.contains("edge_associations")) assoc += ", edge " + words(t["edge_associations"]);
    if (t.contains("propagations")) assoc += ", propagates from " + words(t["propagations"]);
    printf("  route table %s/%s%s (%s)\n", t["vpc"].get<std::string>().c_str(),
           t["name"].get<std::string>().c_str(), t["main"].get<bool>() ? " main" : "",
           assoc.c_str());
    for (const auto& r : t["routes"])
      printf("      %-20s %-28s %s\n", r["destination"].get<std::string>().c_str(),
             r["target"].get<std::string>().c_str(), r["state"].get<std::string>().c_str());
  }
}

void print_transit_gateways(const json& tgws) {
  for (const auto& t : tgws) {
    std::string att;
    for (const auto& a : t["attachments"])
      att += " " + a["name"].get<std::string>() + " (" + a["type"].get<std::string>() + " " +
             a["resource"].get<std::string>() + ")";
    printf("  transit gateway %s: attachments%s\n", t["name"].get<std::string>().c_str(),
           att.c_str());
    for (const auto& rt : t["route_tables"]) {
      printf("    route table %s: associations %s, propagations %s, %zu static routes\n",
             rt["name"].get<std::string>().c_str(), words(rt["associations"]).c_str(),
             words(rt["propagations"]).c_str(), rt["routes"].size());
    }
  }
}

// Every process (--processes), or only those that need a look: not running, or a `run:`
// command that does not listen (yet).
void print_processes(const json& procs, bool all) {
  int hidden = 0;
  for (const auto& p : procs) {
    const bool running = p["running"].get<bool>();
    const bool quiet_run = p.value("run", false) && !p.value("listening", false);
    if (!all && running && !quiet_run) {
      ++hidden;
      continue;
    }
    printf("  process %s pid %d %s\n", p["name"].get<std::string>().c_str(), p["pid"].get<int>(),
           !running                ? "not running"
           : quiet_run             ? "running, not listening on any port"
           : p.value("run", false) ? "running, listening"
                                   : "running");
    for (const auto& l : p.value("log_tail", json::array()))
      printf("      | %s\n", l.get<std::string>().c_str());
  }
  if (hidden) printf("  %d processes running ('--processes' lists them)\n", hidden);
}

void print_scenario(const json& s, const StatusOptions& opt) {
  std::cout << "scenario " << s["scenario"].get<std::string>() << ": "
            << s["state"].get<std::string>();
  if (s.contains("namespaces"))
    std::cout << " (" << s["namespaces"]["present"] << "/" << s["namespaces"]["expected"]
              << " namespaces)";
  std::cout << "\n  source " << s["source"].get<std::string>() << "\n";
  if (!s.contains("endpoints")) return;
  for (const auto& v : s.value("vpcs", json::array())) {
    std::string gw = v["internet_gateway"].get<bool>() ? ", internet gateway" : "";
    if (v["egress_only_internet_gateway"].get<bool>()) gw += ", egress-only internet gateway";
    for (const auto& n : v["nat_gateways"])
      gw +=
          ", nat gateway " + n["name"].get<std::string>() + " in " + n["subnet"].get<std::string>();
    printf("  vpc %s %s%s%s\n", v["name"].get<std::string>().c_str(), str(v["cidr"], "").c_str(),
           v["ipv6_cidr"].is_string() ? (" " + v["ipv6_cidr"].get<std::string>()).c_str() : "",
           gw.c_str());
  }
  for (const auto& sn : s["subnets"])
    printf("  subnet %s/%s %s: route table %s, network ACL %s\n",
           sn["vpc"].get<std::string>().c_str(), sn["name"].get<std::string>().c_str(),
           sn["cidr"].is_null() ? sn["ipv6_cidr"].get<std::string>().c_str()
                                : sn["cidr"].get<std::string>().c_str(),
           sn["route_table"].get<std::string>().c_str(),
           sn["network_acl"].get<std::string>().c_str());
  printf("  %-20s %-9s %-12s %-14s %-15s %-16s %-16s %s\n", "NAME", "KIND", "VPC", "SUBNET", "ZONE",
         "PRIVATE", "PUBLIC", "GROUPS");
  for (const auto& e : s["endpoints"])
    printf("  %-20s %-9s %-12s %-14s %-15s %-16s %-16s %s\n", e["name"].get<std::string>().c_str(),
           e["kind"].get<std::string>().c_str(), e.value("vpc", "-").c_str(),
           e.value("subnet", "-").c_str(), e.value("availability_zone", "-").c_str(),
           str(e["private_ip"]).c_str(), str(e["public_ip"]).c_str(),
           words(e.value("security_groups", json::array())).c_str());
  if (opt.routes) {
    print_routes(s.value("route_tables", json::array()));
  } else if (s.contains("route_tables")) {
    size_t routes = 0;
    for (const auto& t : s["route_tables"]) routes += t["routes"].size();
    printf("  %zu route tables, %zu routes ('--routes' lists them)\n", s["route_tables"].size(),
           routes);
  }
  for (const auto& g : s["gateways"]) {
    printf("  %s %s/%s  %s  public %s  (netns %s)\n", g["kind"].get<std::string>().c_str(),
           g["vpc"].get<std::string>().c_str(), g["name"].get<std::string>().c_str(),
           g["private_ip"].get<std::string>().c_str(), str(g["public_ip"]).c_str(),
           g["netns"].get<std::string>().c_str());
    print_bgp(g);
    if (g.contains("targets")) {
      std::string targets;
      for (const auto& t : g["targets"])
        targets += " " + t["name"].get<std::string>() + " " + t["health"].get<std::string>() +
                   " (" + std::to_string(t["flows"].get<uint64_t>()) + " flows)";
      printf("      targets:%s\n", targets.c_str());
    }
  }
  for (const auto& p : s.value("peerings", json::array()))
    printf("  peering %s  %s ↔ %s  %s\n", p["name"].get<std::string>().c_str(),
           p["requester"].get<std::string>().c_str(), p["accepter"].get<std::string>().c_str(),
           p["state"].get<std::string>().c_str());
  for (const auto& e : s.value("vpc_endpoints", json::array()))
    printf("  endpoint %s/%s  %s %s  %s\n", e["vpc"].get<std::string>().c_str(),
           e["name"].get<std::string>().c_str(), e["type"].get<std::string>().c_str(),
           e["service"].get<std::string>().c_str(),
           e.contains("subnets")
               ? ("subnets " + words(e["subnets"])).c_str()
               : ("route tables " + words(e.value("route_tables", json::array()))).c_str());
  print_transit_gateways(s.value("transit_gateways", json::array()));
  for (const auto& t : s["tunnels"]) print_tunnel(t);
  for (const auto& c : s["vpn_clients"])
    printf("  vpn client %s  %s  (endpoint %s, connected from %s)\n",
           c["client"].get<std::string>().c_str(), c["address"].get<std::string>().c_str(),
           c["endpoint"].get<std::string>().c_str(), c["from"].get<std::string>().c_str());
  print_processes(s["processes"], opt.processes);
}

}  // namespace

int cmd_status(const std::string& run_dir, const std::string& name, const StatusOptions& opt) {
  std::vector<std::string> names;
  if (!name.empty()) {
    auto n = scenario_name_of(name);
    if (!n) return kExitInvalid;
    if (!StateDir(run_dir, *n).exists()) {
      std::cerr << "vpcemu: scenario " << *n << " is not up\n";
      return kExitFail;
    }
    names.push_back(*n);
  } else {
    names = StateDir::list(run_dir);
  }
  json all = json::array();
  for (const auto& n : names) {
    json s = observe_scenario(run_dir, n);
    s["schema_version"] = kJsonSchemaVersion;
    add_listing(run_dir, s);
    all.push_back(s);
  }
  if (opt.format == "json") {
    std::cout << (name.empty() ? json{{"schema_version", kJsonSchemaVersion}, {"scenarios", all}}
                               : all[0])
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  if (all.empty()) std::cout << "no scenario is up\n";
  for (const auto& s : all) print_scenario(s, opt);
  return kExitOk;
}

}  // namespace vpcemu::cli
