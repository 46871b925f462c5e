// The difference between the plan a scenario is up with and a new plan: what `up` applies to
// a running scenario and what `plan` shows for it. Pure.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "compile/plan.h"
#include "compile/plan_records.h"

namespace vpcemu {

struct PlanDiff {
  Plan added;  // objects to create, including whole nft tables of new namespaces
  std::vector<std::pair<std::string, NftChange>> nft_changes;  // ns → its nft change
  // Routes of the same namespace, table, destination and metric that changed (ReplaceRoute,
  // a moved Elastic IP), and routes that are gone (DeleteRoute): both live.
  std::vector<RoutePlan> replaced_routes;
  std::vector<RoutePlan> removed_routes;
  // Policy rules that are gone (a middlebox route removed, a route table deleted): live too.
  std::vector<RulePlan> removed_rules;
  std::vector<std::string> unsupported;  // removals and changes that cannot be applied live
  // Sysctls the new plan no longer sets: the kernel keeps their value (as an instance's OS
  // keeps forwarding when EC2's source/destination check is turned back on).
  std::vector<std::string> left_alone;
  bool empty() const;
};

PlanDiff diff_plans(const Plan& from, const Plan& to);
// The same from the records the state keeps of the plan a scenario is up with, and the new plan
// with its records: lines are compared, and only those that differ are decoded.
PlanDiff diff_plans(const PlanRecords& from, const Plan& to, const PlanRecords& to_records);
std::string diff_to_text(const PlanDiff& d);

}  // namespace vpcemu
