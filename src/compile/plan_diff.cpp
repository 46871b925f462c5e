// Plan differences, computed on the JSON form of each object so every field counts.
#include "compile/plan_diff.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "compile/plan_json.h"

namespace vpcemu {

using nlohmann::json;

bool PlanDiff::empty() const {
  return added.namespaces.empty() && added.sysctls.empty() && added.veths.empty() &&
         added.addrs.empty() && added.neighs.empty() && added.routes.empty() &&
         added.rules.empty() && added.nft.empty() && added.files.empty() &&
         added.processes.empty() && nft_changes.empty() && unsupported.empty() &&
         replaced_routes.empty() && removed_routes.empty() && removed_rules.empty();
}

namespace {

// What makes a route one route to the kernel: its namespace, table, destination and metric.
std::string route_key(const RoutePlan& r) {
  return r.ns + "|" + std::to_string(r.table) + "|" + r.dst.str() + "|" + std::to_string(r.metric);
}

// Routes by key: new ones are added, changed ones replaced in place, missing ones removed.
void diff_routes(const Plan& from, const Plan& to, PlanDiff& d) {
  std::map<std::string, const RoutePlan*> before, after;
  for (const auto& r : from.routes) before[route_key(r)] = &r;
  for (const auto& r : to.routes) after[route_key(r)] = &r;
  for (const auto& r : to.routes) {
    auto it = before.find(route_key(r));
    if (it == before.end())
      d.added.routes.push_back(r);
    else if (!(*it->second == r))
      d.replaced_routes.push_back(r);
  }
  for (const auto& r : from.routes)
    if (!after.count(route_key(r))) d.removed_routes.push_back(r);
}

}  // namespace

PlanDiff diff_plans(const Plan& from, const Plan& to) {
  return diff_plans(from, to, plan_to_json(from), plan_to_json(to));
}

PlanDiff diff_plans(const Plan& from, const Plan& to, const json& a, const json& b) {
  PlanDiff d;
  static const char* kLists[] = {"namespaces", "sysctls", "veths", "addresses",
                                 "neighbours", "rules",   "files", "processes"};
  // What is added: the lists' new objects; the rest of `to` as it is (endpoints, gateways),
  // without its nftables and routes, which are diffed apart.
  json added = json::object();
  for (const auto& [key, value] : b.items())
    if (key != "nftables" && key != "routes" &&
        std::find_if(std::begin(kLists), std::end(kLists),
                     [&](const char* l) { return key == l; }) == std::end(kLists))
      added[key] = value;
  for (const char* list : kLists) {
    // Each object's JSON text, made once: at ten thousand instances these are 100,000 objects.
    std::unordered_set<std::string> before, after;
    std::vector<std::string> old_dumped;
    old_dumped.reserve(a[list].size());
    for (const auto& x : a[list]) before.insert(old_dumped.emplace_back(x.dump()));
    std::vector<std::string> dumped;
    dumped.reserve(b[list].size());
    for (const auto& x : b[list]) after.insert(dumped.emplace_back(x.dump()));
    added[list] = json::array();
    for (size_t i = 0; i < dumped.size(); ++i)
      if (!before.count(dumped[i])) added[list].push_back(b[list][i]);
    std::set<std::string> rewritten;  // files: a new content is a rewrite, not a removal
    if (std::string(list) == "files")
      for (const auto& x : b[list]) rewritten.insert(x["path"].get<std::string>());
    // sysctls: a new value is a change, applied live; a key no longer set keeps its value.
    std::set<std::string> set_keys;
    if (std::string(list) == "sysctls")
      for (const auto& x : b[list])
        set_keys.insert(x["ns"].get<std::string>() + "|" + x["key"].get<std::string>());
    for (size_t i = 0; i < old_dumped.size(); ++i) {
      const json& x = a[list][i];
      if (after.count(old_dumped[i])) continue;
      if (x.contains("path") && rewritten.count(x["path"].get<std::string>())) continue;
      if (std::string(list) == "rules") {
        d.removed_rules.push_back(rule_from_json(x));
        continue;
      }
      if (std::string(list) == "sysctls") {
        const std::string k = x["ns"].get<std::string>() + "|" + x["key"].get<std::string>();
        if (!set_keys.count(k))
          d.left_alone.push_back("sysctl " + x["key"].get<std::string>() + " in " +
                                 x["ns"].get<std::string>() + " keeps its value");
        continue;
      }
      std::string what = std::string(list);
      what.pop_back();  // "routes" → "route"
      if (what == "addresse" || what == "processe") what.pop_back();
      std::string desc = x.value("name", x.value("ns", ""));
      if (x.contains("why"))
        desc += ": " + x["why"].get<std::string>();
      else if (x.contains("address"))
        desc += ": " + x["address"].get<std::string>();
      else if (x.contains("key"))
        desc += ": " + x["key"].get<std::string>();
      else if (x.contains("purpose"))
        desc = x["purpose"].get<std::string>();
      else if (x.contains("path"))
        desc = x["path"].get<std::string>();
      d.unsupported.push_back("remove or change " + what + " (" + desc + ")");
    }
  }
  added["nftables"] = json::array();
  added["routes"] = json::array();
  added["scenario"] = to.scenario;
  d.added = plan_from_json(added);
  diff_routes(from, to, d);

  std::map<std::string, const NftTable*> old_tables;
  for (const auto& n : from.nft) old_tables[n.ns] = &n.table;
  std::set<std::string> new_ns;
  for (const auto& n : d.added.namespaces) new_ns.insert(n.name);
  for (const auto& n : to.nft) {
    auto it = old_tables.find(n.ns);
    if (it == old_tables.end()) {
      d.added.nft.push_back(n);
    } else if (auto change = nft_diff(*it->second, n.table); !change.empty()) {
      d.nft_changes.emplace_back(n.ns, change);
    }
  }
  return d;
}

std::string diff_to_text(const PlanDiff& d) {
  if (d.empty()) return "# no changes\n";
  std::string out;
  Plan p = d.added;
  bool any_added = !(p.namespaces.empty() && p.sysctls.empty() && p.veths.empty() &&
                     p.addrs.empty() && p.neighs.empty() && p.routes.empty() && p.rules.empty() &&
                     p.nft.empty() && p.files.empty() && p.processes.empty());
  if (any_added) {
    std::string text = plan_to_text(p);
    out += "# objects to add\n" + text.substr(text.find('\n') + 1);
  }
  for (const auto& [ns, change] : d.nft_changes) {
    if (!change.now.empty()) out += "# nft transaction in " + ns + "\n" + change.now;
    if (!change.cleanup.empty())
      out += "# then, folding staged elements in " + ns + "\n" + change.cleanup;
  }
  auto routes = [&](const char* title, const std::vector<RoutePlan>& rs) {
    if (rs.empty()) return;
    Plan only;
    only.routes = rs;
    std::string text = plan_to_text(only);
    out += std::string("# ") + title + "\n" + text.substr(text.find('\n') + 1);
  };
  routes("routes to replace in place", d.replaced_routes);
  routes("routes to remove", d.removed_routes);
  if (!d.removed_rules.empty()) {
    Plan only;
    only.rules = d.removed_rules;
    std::string text = plan_to_text(only);
    out += "# rules to remove\n" + text.substr(text.find('\n') + 1);
  }
  for (const auto& u : d.unsupported) out += "# cannot apply live: " + u + "\n";
  for (const auto& u : d.left_alone) out += "# left as it is: " + u + "\n";
  return out;
}

}  // namespace vpcemu
