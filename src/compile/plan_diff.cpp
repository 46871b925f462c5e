// Plan differences, computed on each object's record (plan_records.h) so every field counts.
#include "compile/plan_diff.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "compile/plan_json.h"

namespace vpcemu {

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

using Lines = std::vector<std::string_view>;

// The lines of `from` that `to` lacks, and the indexes of `to`'s lines that `from` lacks.
struct LineDiff {
  std::vector<std::string_view> removed;
  std::vector<size_t> added;
};

LineDiff diff_lines(const Lines& from, const Lines& to) {
  LineDiff d;
  // Plans keep their order: a change is a few lines in the middle of a long common prefix and
  // suffix, which are compared line by line and never hashed.
  size_t head = 0;
  while (head < from.size() && head < to.size() && from[head] == to[head]) ++head;
  size_t tail = 0;
  while (tail < from.size() - head && tail < to.size() - head &&
         from[from.size() - 1 - tail] == to[to.size() - 1 - tail])
    ++tail;
  const auto old_end = from.end() - static_cast<std::ptrdiff_t>(tail);
  const auto new_end = to.end() - static_cast<std::ptrdiff_t>(tail);
  const auto old_begin = from.begin() + static_cast<std::ptrdiff_t>(head);
  const auto new_begin = to.begin() + static_cast<std::ptrdiff_t>(head);
  std::unordered_set<std::string_view> before(old_begin, old_end), after(new_begin, new_end);
  for (auto it = new_begin; it != new_end; ++it)
    if (!before.count(*it)) d.added.push_back(static_cast<size_t>(it - to.begin()));
  for (auto it = old_begin; it != old_end; ++it)
    if (!after.count(*it)) d.removed.push_back(*it);
  return d;
}

// An object that is gone or changed and cannot be changed live, as `plan` names it.
template <class T>
std::string cannot(const char* what, const T& x) {
  std::string desc;
  if constexpr (std::is_same_v<T, NsPlan> || std::is_same_v<T, ProcessPlan>)
    desc = x.name;
  else if constexpr (std::is_same_v<T, VethPlan>)
    desc = x.purpose;
  else if constexpr (std::is_same_v<T, AddrPlan>)
    desc = x.ns + ": " + x.addr.str();
  else if constexpr (std::is_same_v<T, NeighPlan>)
    desc = x.ns;
  else if constexpr (std::is_same_v<T, FilePlan>)
    desc = x.path;
  return std::string("remove or change ") + what + " (" + desc + ")";
}

// A list whose new objects are added and whose gone ones cannot be removed live.
template <class T>
void diff_list(const Lines& from, const Lines& to, const std::vector<T>& to_objects,
               std::vector<T>& added, const char* what, PlanDiff& d) {
  const LineDiff ld = diff_lines(from, to);
  for (size_t i : ld.added) added.push_back(to_objects[i]);
  for (const auto& line : ld.removed) {
    auto x = record_of<T>(line);
    d.unsupported.push_back(x ? cannot(what, *x) : std::string("remove or change ") + what);
  }
}

}  // namespace

PlanDiff diff_plans(const Plan& from, const Plan& to) {
  return diff_plans(PlanRecords::of(from), to, PlanRecords::of(to));
}

PlanDiff diff_plans(const PlanRecords& a, const Plan& to, const PlanRecords& b) {
  using K = RecordKind;
  PlanDiff d;
  // What is added: the lists' new objects; the rest of `to` as it is (endpoints, gateways,
  // subnets), its nftables and routes diffed apart.
  d.added.scenario = to.scenario;
  d.added.endpoints = to.endpoints;
  d.added.gateways = to.gateways;
  d.added.subnets = to.subnets;
  diff_list(a.lines(K::kNamespace), b.lines(K::kNamespace), to.namespaces, d.added.namespaces,
            "namespace", d);
  diff_list(a.lines(K::kVeth), b.lines(K::kVeth), to.veths, d.added.veths, "veth", d);
  diff_list(a.lines(K::kAddress), b.lines(K::kAddress), to.addrs, d.added.addrs, "address", d);
  diff_list(a.lines(K::kNeighbour), b.lines(K::kNeighbour), to.neighs, d.added.neighs, "neighbour",
            d);

  // sysctls: a new value is a change, applied live; a key no longer set keeps its value.
  {
    const LineDiff ld = diff_lines(a.lines(K::kSysctl), b.lines(K::kSysctl));
    for (size_t i : ld.added) d.added.sysctls.push_back(to.sysctls[i]);
    std::set<std::pair<std::string, std::string>> set_keys;
    if (!ld.removed.empty())
      for (const auto& s : to.sysctls) set_keys.insert({s.ns, s.key});
    for (const auto& line : ld.removed)
      if (auto s = record_of<SysctlPlan>(line); s && !set_keys.count({s->ns, s->key}))
        d.left_alone.push_back("sysctl " + s->key + " in " + s->ns + " keeps its value");
  }
  // files: a new content is a rewrite, not a removal.
  {
    const LineDiff ld = diff_lines(a.lines(K::kFile), b.lines(K::kFile));
    for (size_t i : ld.added) d.added.files.push_back(to.files[i]);
    std::set<std::string> paths;
    if (!ld.removed.empty())
      for (const auto& f : to.files) paths.insert(f.path);
    for (const auto& line : ld.removed) {
      auto f = record_of<FilePlan>(line);
      if (!f || !paths.count(f->path))
        d.unsupported.push_back(f ? cannot("file", *f) : "remove or change file");
    }
  }
  diff_list(a.lines(K::kProcess), b.lines(K::kProcess), to.processes, d.added.processes, "process",
            d);
  // rules: the gone ones are removed live.
  {
    const LineDiff ld = diff_lines(a.lines(K::kRule), b.lines(K::kRule));
    for (size_t i : ld.added) d.added.rules.push_back(to.rules[i]);
    for (const auto& line : ld.removed)
      if (auto r = record_of<RulePlan>(line))
        d.removed_rules.push_back(*r);
      else
        d.unsupported.push_back("remove or change rule");
  }
  // routes by key: new ones are added, changed ones replaced in place, missing ones removed.
  {
    const LineDiff ld = diff_lines(a.lines(K::kRoute), b.lines(K::kRoute));
    std::vector<std::optional<RoutePlan>> gone;  // in the old plan's order
    std::unordered_map<std::string, size_t> gone_at;
    for (const auto& line : ld.removed)
      if (auto r = record_of<RoutePlan>(line)) {
        gone_at.emplace(route_key(*r), gone.size());
        gone.push_back(std::move(r));
      } else {
        d.unsupported.push_back("remove or change route");
      }
    for (size_t i : ld.added) {
      const RoutePlan& r = to.routes[i];
      if (auto it = gone_at.find(route_key(r)); it != gone_at.end() && gone[it->second]) {
        gone[it->second].reset();
        d.replaced_routes.push_back(r);
      } else {
        d.added.routes.push_back(r);
      }
    }
    for (auto& r : gone)
      if (r) d.removed_routes.push_back(std::move(*r));
  }
  // nftables: a new namespace's table whole, a changed table by difference.
  {
    std::unordered_map<std::string_view, std::string_view> old_tables;
    for (const auto& line : a.lines(K::kNft)) old_tables.emplace(nft_record_ns(line), line);
    const Lines& now = b.lines(K::kNft);
    for (size_t i = 0; i < now.size(); ++i) {
      auto it = old_tables.find(nft_record_ns(now[i]));
      if (it == old_tables.end()) {
        d.added.nft.push_back(to.nft[i]);
      } else if (it->second != now[i]) {
        auto old = record_of<NftPlan>(it->second);
        if (!old) {
          d.unsupported.push_back("change nftables in " + to.nft[i].ns);
        } else if (auto change = nft_diff(old->table, to.nft[i].table); !change.empty()) {
          d.nft_changes.emplace_back(to.nft[i].ns, change);
        }
      }
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
