// A running scenario changed live: routes replaced and removed, policy rules removed, nftables
// changed by difference (apply/apply.h).
#include <algorithm>
#include <cstdio>
#include <map>

#include "apply/apply.h"
#include "apply/ns_socket.h"
#include "kernel/netns.h"
#include "kernel/nft.h"
#include "util/clock.h"

namespace vpcemu {

Status apply_route_changes(const std::vector<RoutePlan>& replaced,
                           const std::vector<RoutePlan>& removed,
                           const std::vector<RulePlan>& removed_rules, const Progress& progress) {
  struct Change {
    std::vector<const RoutePlan*> replaced, removed;
    std::vector<const RulePlan*> rules;
  };
  std::map<std::string, Change> by_ns;
  for (const auto& r : replaced) by_ns[r.ns].replaced.push_back(&r);
  for (const auto& r : removed) by_ns[r.ns].removed.push_back(&r);
  for (const auto& r : removed_rules) by_ns[r.ns].rules.push_back(&r);
  for (const auto& [ns, change] : by_ns) {
    auto t = Clock::now();
    auto s = ns_socket(ns);
    if (!s) return s.error();
    // One batch per namespace: replacements in place (NLM_F_REPLACE), then the rules that led
    // to removed routes, then those routes.
    for (const RoutePlan* r : change.replaced)
      s->sock.route(netlink_route(*r, s->of(r->dev)), NlSocket::RouteMode::kReplace);
    for (const RulePlan* r : change.rules)
      s->sock.rule_delete({r->priority, r->fwmark, r->to, r->table, r->drop, r->iif, r->family});
    for (const RoutePlan* r : change.removed) s->sock.route_delete(netlink_route(*r, 0));
    if (auto f = s->sock.flush(); !f) return f;
    std::string what = "  routes in " + ns + ": " + std::to_string(change.replaced.size()) +
                       " replaced, " + std::to_string(change.removed.size()) + " removed";
    if (!change.rules.empty())
      what += ", " + std::to_string(change.rules.size()) + " rules removed";
    progress(what + " (" + std::to_string(ms_since(t)) + " ms)");
  }
  return {};
}

Status apply_nft_changes(const std::vector<std::pair<std::string, NftChange>>& changes,
                         const Progress& progress) {
  auto run = [&](const std::string& ns, const std::string& script, const char* what) -> Status {
    if (script.empty()) return {};
    auto fd = netns_open(ns);
    if (!fd) return fd.error();
    auto t = Clock::now();
    if (auto s = nft_run(fd->get(), ns, script); !s) return s;
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t).count();
    size_t lines = std::count(script.begin(), script.end(), '\n');
    char buf[160];
    snprintf(buf, sizeof(buf), "  %s in %s: %zu commands, %.2f ms", what, ns.c_str(), lines,
             us / 1000.0);
    progress(buf);
    return {};
  };
  for (const auto& [ns, c] : changes)
    if (auto s = run(ns, c.now, "nft change in force"); !s) return s;
  for (const auto& [ns, c] : changes)
    if (auto s = run(ns, c.cleanup, "nft staged elements folded in"); !s) return s;
  return {};
}

}  // namespace vpcemu
