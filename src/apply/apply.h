// Plan → kernel (apply) and its inverse (destroy). The only module that changes the system.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "apply/state.h"
#include "compile/plan.h"
#include "util/result.h"

namespace vpcemu {

using Progress = std::function<void(const std::string&)>;

struct ApplyOptions {
  int ready_timeout_ms = 2000;  // how long `run:` processes get to open a listening socket
  // How long VPN tunnels (their SAs, OpenVPN's clients) and BGP sessions get to come up.
  int tunnel_timeout_ms = 20000;
};

// Creates every object of the plan, journaling each namespace and process before it exists.
// On failure returns the error of the object that failed; the caller destroys.
Status apply_plan(const Plan& plan, StateDir& state, const ApplyOptions& opt,
                  const Progress& progress);

// A running scenario's changed routes: replaced in place (ReplaceRoute) and removed, with the
// policy rules that are gone, one netlink batch per namespace.
Status apply_route_changes(const std::vector<RoutePlan>& replaced,
                           const std::vector<RoutePlan>& removed,
                           const std::vector<RulePlan>& removed_rules, const Progress& progress);
// A live change of a running scenario's nftables: each namespace's change is put in force (one
// transaction each), then the staged elements are folded in (one more each).
Status apply_nft_changes(const std::vector<std::pair<std::string, NftChange>>& changes,
                         const Progress& progress);

// Veth pairs are made from their first end's namespace, the second end's namespace named by a
// handle: one netlink batch holds at most this many such handles open.
inline constexpr size_t kMaxPeerHandles = 128;
// Processes forked and paused at once (two pipe descriptors each) before they are let go.
inline constexpr size_t kMaxPaused = 64;
struct VethBatch {
  std::string ns;             // the namespace of the first ends
  std::vector<size_t> veths;  // indexes into the plan's veths, in its order
};
// The plan's veths by the namespace of their first end (in order of first appearance), each
// group cut so that no batch names more than max_peers namespaces of second ends.
std::vector<VethBatch> veth_batches(const std::vector<VethPlan>& veths, size_t max_peers);

struct DestroyReport {
  int namespaces = 0;
  int processes = 0;
  std::vector<std::string> errors;
};

// Removes everything the scenario owns: processes in the journal, any process inside its
// namespaces, the namespaces (journaled or named "<scenario>.*"), and the state directory.
// Idempotent: what is already gone counts as removed.
DestroyReport destroy(StateDir& state, const Progress& progress);

}  // namespace vpcemu
