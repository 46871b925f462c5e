// A scenario as the AWS resources it declares (what `vpcemu plan` prints first, in the manner of
// `terraform plan`): each with a kind, an id unique in the scenario and a one-line detail, and
// the difference between two scenarios at that level. Pure.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/scenario.h"

namespace vpcemu {

struct AwsResource {
  std::string kind;    // "instance", "route", "security_group_rule", ...
  std::string id;      // "web-1", "prod/public 0.0.0.0/0", ...
  std::string detail;  // "subnet public-a, 10.0.1.4, public 203.0.113.1"
};
std::vector<AwsResource> aws_resources(const Scenario& sc);
// The resources as text, one line each ("resource<TAB>kind<TAB>id<TAB>detail"), and back
// (nullopt when a line is not one): the state keeps a running scenario's, so that plan and up
// compare a changed file with it without parsing the applied scenario again.
std::string resources_text(const std::vector<AwsResource>& resources);
std::optional<std::vector<AwsResource>> resources_from_text(std::string_view text);

struct ResourceChange {
  char op;  // '+' added, '~' changed, '-' removed
  AwsResource now;
  std::string before;  // '~': the detail it had
};
// What changes from `before` to `after`, by kind and id, in `after`'s order (removals last).
std::vector<ResourceChange> resource_changes(const std::vector<AwsResource>& before,
                                             const std::vector<AwsResource>& after);
// Whether a running scenario takes this change live, as AWS would (rules, routes, associations,
// Elastic IPs, new resources), or only by being rebuilt (`up --recreate`): what names a
// refusal in AWS's terms. The kernel difference decides whether an `up` is live; this says why.
bool changes_live(const ResourceChange& c);
// "  + instance web-2 (subnet public-a, 10.0.1.11)": one change, without its newline.
std::string change_line(const ResourceChange& c);
// Every change's line and the closing count ("Plan: 1 to add, 0 to change, 0 to destroy.").
std::string changes_text(const std::vector<ResourceChange>& changes);
// [{"op": "+", "kind", "id", "detail", "before" (changes), "live"}] for --format json.
nlohmann::json resource_changes_json(const std::vector<ResourceChange>& changes);

}  // namespace vpcemu
