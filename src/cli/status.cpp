// vpcemu status [NAME]: what is up, as apply/observe.cpp finds it, in text or JSON.
#include <cstdio>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "apply/observe.h"
#include "apply/state.h"
#include "cli/verbs.h"

using nlohmann::json;

namespace vpcemu::cli {

namespace {

void print_bgp(const json& t) {
  if (!t.contains("bgp")) return;
  std::string prefixes;
  for (const auto& x : t["bgp"]["prefixes"]) prefixes += " " + x.get<std::string>();
  printf("      bgp %s, learned:%s\n", t["bgp"]["session"].get<std::string>().c_str(),
         prefixes.empty() ? " nothing" : prefixes.c_str());
}

}  // namespace

int cmd_status(const std::string& run_dir, const std::string& name, const std::string& format) {
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
  for (const auto& n : names) all.push_back(observe_scenario(run_dir, n));
  if (format == "json") {
    std::cout << (name.empty() ? all : all[0]).dump(2) << "\n";
    return kExitOk;
  }
  if (all.empty()) std::cout << "no scenario is up\n";
  for (const auto& s : all) {
    std::cout << "scenario " << s["scenario"].get<std::string>() << ": "
              << s["state"].get<std::string>();
    if (s.contains("namespaces"))
      std::cout << " (" << s["namespaces"]["present"] << "/" << s["namespaces"]["expected"]
                << " namespaces)";
    std::cout << "\n  source " << s["source"].get<std::string>() << "\n";
    if (!s.contains("endpoints")) continue;
    printf("  %-20s %-9s %-12s %-14s %-15s %-16s %-16s %s\n", "NAME", "KIND", "VPC", "SUBNET",
           "ZONE", "PRIVATE", "PUBLIC", "GROUPS");
    for (const auto& e : s["endpoints"]) {
      std::string groups;
      for (const auto& g : e.value("security_groups", json::array()))
        groups += (groups.empty() ? "" : ",") + g.get<std::string>();
      printf("  %-20s %-9s %-12s %-14s %-15s %-16s %-16s %s\n",
             e["name"].get<std::string>().c_str(), e["kind"].get<std::string>().c_str(),
             e.value("vpc", "-").c_str(), e.value("subnet", "-").c_str(),
             e.value("availability_zone", "-").c_str(),
             e["private_ip"].is_null() ? "-" : e["private_ip"].get<std::string>().c_str(),
             e["public_ip"].is_null() ? "-" : e["public_ip"].get<std::string>().c_str(),
             groups.empty() ? "-" : groups.c_str());
    }
    for (const auto& g : s["gateways"]) {
      printf("  %s %s/%s  %s  public %s  (netns %s)\n", g["kind"].get<std::string>().c_str(),
             g["vpc"].get<std::string>().c_str(), g["name"].get<std::string>().c_str(),
             g["private_ip"].get<std::string>().c_str(),
             g["public_ip"].is_null() ? "-" : g["public_ip"].get<std::string>().c_str(),
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
    for (const auto& t : s["tunnels"]) {
      std::string since;
      if (t.contains("since")) {
        time_t at = t["since"].get<long long>();
        char buf[32];
        strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", gmtime(&at));
        since = std::string(", since ") + buf;
      }
      std::string bytes = t.contains("bytes_in")
                              ? ", " + std::to_string(t["bytes_in"].get<uint64_t>()) +
                                    " bytes in, " + std::to_string(t["bytes_out"].get<uint64_t>()) +
                                    " bytes out"
                              : "";
      printf("  vpn tunnel %s  %s ↔ %s  %s%s%s\n", t["name"].get<std::string>().c_str(),
             t["outside_ip"].get<std::string>().c_str(),
             t["customer_gateway"].get<std::string>().c_str(),
             t["state"].get<std::string>().c_str(), since.c_str(), bytes.c_str());
      print_bgp(t);
    }
    for (const auto& c : s["vpn_clients"]) {
      printf("  vpn client %s  %s  (endpoint %s, connected from %s)\n",
             c["client"].get<std::string>().c_str(), c["address"].get<std::string>().c_str(),
             c["endpoint"].get<std::string>().c_str(), c["from"].get<std::string>().c_str());
    }
    for (const auto& sn : s["subnets"]) {
      printf("  subnet %s/%s %s: route table %s, network ACL %s\n",
             sn["vpc"].get<std::string>().c_str(), sn["name"].get<std::string>().c_str(),
             sn["cidr"].is_null() ? sn["ipv6_cidr"].get<std::string>().c_str()
                                  : sn["cidr"].get<std::string>().c_str(),
             sn["route_table"].get<std::string>().c_str(),
             sn["network_acl"].get<std::string>().c_str());
    }
    for (const auto& p : s["processes"]) {
      printf("  process %s pid %d %s\n", p["name"].get<std::string>().c_str(), p["pid"].get<int>(),
             p["running"].get<bool>() ? "running" : "not running");
      for (const auto& l : p.value("log_tail", json::array()))
        printf("      | %s\n", l.get<std::string>().c_str());
    }
  }
  return kExitOk;
}

}  // namespace vpcemu::cli
