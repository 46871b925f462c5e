// vpcemu up FILE: build a scenario, or bring a running one to its changed file. What it built or
// changed is the result (stdout: a table, or JSON); its steps are progress (stderr).
#include <chrono>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analyze/resources.h"
#include "apply/apply.h"
#include "apply/state.h"
#include "cli/load.h"
#include "cli/verbs.h"
#include "compile/compile.h"
#include "compile/plan_diff.h"
#include "compile/plan_records.h"
#include "kernel/netns.h"
#include "util/clock.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace vpcemu::cli {

namespace {

// The result of one `up`, printed once at the end on stdout.
struct UpResult {
  std::string scenario;
  std::string result;  // created | changed | unchanged | recreated | failed | refused
  long ms = 0;
  std::vector<ResourceChange> changes;  // changed, recreated, refused: in AWS's terms
  std::vector<std::string> cannot_apply_live;
  std::string error;
};

json endpoint_json(const EndpointInfo& e) {
  auto ip = [](const auto& a) { return a ? json(a->str()) : json(nullptr); };
  auto named = [](const std::string& n) { return n.empty() ? json(nullptr) : json(n); };
  return {{"name", e.name},
          {"kind", e.kind},
          {"vpc", named(e.vpc)},
          {"subnet", named(e.subnet)},
          {"private_ip", ip(e.private_ip)},
          {"public_ip", ip(e.public_ip)},
          {"ipv6", ip(e.ipv6)}};
}

int report(const UpResult& r, const Plan& plan, const UpOptions& opt, int exit_code) {
  progress_done();
  if (opt.outcome) *opt.outcome = {r.result, r.ms, r.error};
  if (!opt.print) return exit_code;
  const std::string& format = opt.format;
  if (format == "json") {
    json j = {{"schema_version", kJsonSchemaVersion},
              {"scenario", r.scenario},
              {"result", r.result},
              {"ms", r.ms},
              {"changes", resource_changes_json(r.changes)},
              {"cannot_apply_live", r.cannot_apply_live},
              {"instances", json::array()}};
    if (!r.error.empty()) j["error"] = r.error;
    if (r.result != "failed" && r.result != "refused")
      for (const auto& e : plan.endpoints) j["instances"].push_back(endpoint_json(e));
    std::cout << j.dump(2) << "\n";
    return exit_code;
  }
  if (r.result == "failed" || r.result == "refused") return exit_code;
  if (r.result == "unchanged") {
    std::cout << "scenario " << r.scenario << " is up and unchanged\n";
    return exit_code;
  }
  std::cout << "scenario " << r.scenario << " is up (" << r.result << ", " << r.ms << " ms)\n";
  if (r.result == "changed") {
    std::cout << changes_text(r.changes);
    return exit_code;
  }
  printf("  %-20s %-9s %-12s %-14s %-16s %-16s %s\n", "NAME", "KIND", "VPC", "SUBNET", "PRIVATE",
         "PUBLIC", "IPV6");
  for (const auto& e : plan.endpoints)
    printf("  %-20s %-9s %-12s %-14s %-16s %-16s %s\n", e.name.c_str(), e.kind.c_str(),
           e.vpc.empty() ? "-" : e.vpc.c_str(), e.subnet.empty() ? "-" : e.subnet.c_str(),
           e.private_ip ? e.private_ip->str().c_str() : "-",
           e.public_ip ? e.public_ip->str().c_str() : "-", e.ipv6 ? e.ipv6->str().c_str() : "-");
  return exit_code;
}

// What cannot change live, in AWS's terms; the kernel objects only when no resource explains it.
void say_not_live(const std::vector<ResourceChange>& changes, const PlanDiff& diff,
                  const std::string& file) {
  std::vector<std::string> lines;
  for (const auto& c : changes)
    if (!changes_live(c)) lines.push_back(change_line(c));
  if (lines.empty())
    for (const auto& u : diff.unsupported) lines.push_back("  " + u);
  for (size_t i = 0; i < lines.size() && i < 10; ++i) log(lines[i]);
  if (lines.size() > 10) log("  ... and " + std::to_string(lines.size() - 10) + " more");
  log("('vpcemu plan --kernel " + file + "' lists the " + std::to_string(diff.unsupported.size()) +
      " kernel objects to remove or change)");
}

}  // namespace

int cmd_up(const std::string& run_dir, const std::string& file, const UpOptions& opt) {
  std::string first_error;
  auto sc = load_scenario(file, false, &first_error);
  if (!sc) {
    if (opt.outcome) *opt.outcome = {"invalid", 0, first_error};
    return kExitInvalid;
  }
  if (!need_root("up")) return kExitFail;
  sc->flow_logs_everywhere = opt.flow_logs;
  const std::string src = abs_path(file);
  auto compiled = compile_validated(*sc, fs::path(src).parent_path().string());
  if (!compiled) {
    if (opt.outcome) *opt.outcome = {"failed", 0, "internal error: the scenario did not compile"};
    return kExitFail;
  }
  Plan& plan = *compiled;
  UpResult result;
  result.scenario = sc->name;
  auto fail = [&](const std::string& what, int code = kExitFail) {
    result.result = "failed";
    result.error = what;
    log("vpcemu up: " + what);
    return report(result, plan, opt, code);
  };
  StateDir state(run_dir, sc->name);
  auto lock = state.lock();
  if (!lock) return fail(lock.error().str());
  const auto t0 = Clock::now();
  ApplyOptions apply_opt;
  apply_opt.ready_timeout_ms = opt.ready_ms;
  apply_opt.tunnel_timeout_ms = opt.tunnel_ms;
  std::optional<Applied> running;
  if (state.exists()) running = read_applied(run_dir, sc->name, file);
  const PlanRecords* old = running && running->records ? &*running->records : nullptr;
  // The plan's records made once: compared, diffed and written from here.
  const PlanRecords records = PlanRecords::of(plan);
  const std::vector<AwsResource> wanted = aws_resources(*sc);
  if (state.exists() && state.complete() && old && !(*old == records)) {
    // A running scenario whose file changed: add what is new, change nftables by difference
    // (one transaction per namespace), refuse (or with --recreate rebuild) what cannot change
    // live.
    PlanDiff diff = diff_plans(*old, plan, records);
    result.changes = resource_changes(running->same_text ? wanted : running->resources, wanted);
    if (!diff.unsupported.empty() && !opt.recreate) {
      result.result = "refused";
      result.cannot_apply_live = diff.unsupported;
      log("vpcemu up: scenario " + plan.scenario +
          " is up and this change cannot be applied live:");
      say_not_live(result.changes, diff, file);
      log("Live changes can add instances and other resources, change security groups and "
          "network ACLs, add, replace and remove routes, move Elastic IPs and route table "
          "associations. 'vpcemu up --recreate " +
          file + "' rebuilds the scenario with the change.");
      return report(result, plan, opt, kExitFail);
    }
    if (diff.unsupported.empty()) {
      progress("vpcemu: up " + plan.scenario + ": applying the change to the running scenario");
      Status s = apply_plan(diff.added, state, apply_opt, progress);
      if (s) s = apply_nft_changes(diff.nft_changes, progress);
      if (s)
        s = apply_route_changes(diff.replaced_routes, diff.removed_routes, diff.removed_rules,
                                progress);
      if (s) s = state.write_plan(records, src, resources_text(wanted));
      if (!s) {
        log("vpcemu up: the scenario keeps running as far as the change got; 'vpcemu down " +
            plan.scenario + "' removes all of it");
        return fail("failed: " + s.error().str());
      }
      result.result = "changed";
      result.ms = ms_since(t0);
      return report(result, plan, opt, kExitOk);
    }
    result.result = "recreated";
    result.cannot_apply_live = diff.unsupported;
    log("vpcemu up: recreating " + plan.scenario + ": this change cannot be applied live:");
    say_not_live(result.changes, diff, file);
    destroy(state, progress);
  } else if (state.exists()) {
    if (state.complete() && old) {
      std::vector<std::string> missing;
      for (const auto& ns : plan.namespaces)
        if (!netns_exists(ns.name)) missing.push_back(ns.name);
      if (missing.empty()) {
        result.result = "unchanged";
        return report(result, plan, opt, kExitOk);
      }
      log("vpcemu: scenario " + sc->name + " is up but " + std::to_string(missing.size()) +
          " of its namespaces are gone (first: " + missing[0] + "); rebuilding it");
    } else {
      log("vpcemu: a previous 'up' of " + sc->name + " did not finish; removing its leftovers");
    }
    destroy(state, progress);
  } else if (!netns_list(sc->name + ".").empty()) {
    log("vpcemu: removing leftover namespaces of " + sc->name);
    destroy(state, progress);
  }
  progress("vpcemu: up " + sc->name + " (" + std::to_string(plan.endpoints.size()) +
           " instances and hosts)");
  Status s = state.create();
  if (s) s = state.write_plan(records, src, resources_text(wanted));
  if (s) s = apply_plan(plan, state, apply_opt, progress);
  if (!s) {
    log("vpcemu up: failed: " + s.error().str());
    log("vpcemu up: removing what was created");
    destroy(state, progress);
    result.result = "failed";
    result.error = s.error().str();
    return report(result, plan, opt, kExitFail);
  }
  if (auto m = state.mark_complete(); !m) log("vpcemu up: " + m.error().str());
  if (result.result.empty()) result.result = "created";
  result.ms = ms_since(t0);
  return report(result, plan, opt, kExitOk);
}

}  // namespace vpcemu::cli
