// Scale: what apply keeps open does not grow with the scenario. Veth pairs are made in batches
// that each name a bounded number of namespaces (handles open at once), for a scenario of a
// hundred instances as for one of ten thousand.
#include <atomic>
#include <set>

#include "apply/apply.h"
#include "compile/compile.h"
#include "helpers.h"
#include "util/parallel.h"

using namespace vpcemu;

namespace {

// N instances over M VPCs, one subnet per VPC (as scripts/gen-scenario.py shapes them).
Plan plan_of(int instances, int vpcs) {
  std::string y = "name: s\nvpcs:\n";
  for (int v = 0; v < vpcs; ++v) {
    y += "  v" + std::to_string(v) + ":\n    cidr: 10." + std::to_string(v) +
         ".0.0/16\n    subnets:\n      a: { cidr: 10." + std::to_string(v) +
         ".0.0/17 }\n    instances:\n";
    for (int i = v; i < instances; i += vpcs)
      y += "      i-" + std::to_string(i) + ": { subnet: a }\n";
  }
  auto r = parse_scenario_text(y, "s.yaml");
  validate(r.scenario, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  return compile(r.scenario, "/scenarios");
}

// The most namespace handles one batch holds open: its own and its peers'.
size_t peak_handles(const Plan& p) {
  size_t peak = 0, covered = 0;
  std::set<size_t> seen;
  for (const auto& b : veth_batches(p.veths, kMaxPeerHandles)) {
    std::set<std::string> peers;
    for (size_t i : b.veths) {
      CHECK(p.veths[i].a.ns == b.ns);
      peers.insert(p.veths[i].b.ns);
      CHECK(seen.insert(i).second);  // every veth in one batch only
    }
    peak = std::max(peak, peers.size() + 1);
    covered += b.veths.size();
  }
  CHECK(covered == p.veths.size());
  return peak;
}

}  // namespace

TEST_CASE("scale: the namespace handles apply holds at once do not grow with the scenario") {
  const Plan small = plan_of(100, 2), large = plan_of(10000, 10);
  REQUIRE(large.namespaces.size() > 10000);
  const size_t a = peak_handles(small), b = peak_handles(large);
  INFO("100 instances: " << a << " handles; 10,000 instances: " << b);
  CHECK(b <= kMaxPeerHandles + 1);
  CHECK(a <= kMaxPeerHandles + 1);
  // A router's thousand ports are made in batches that reopen nothing already open.
  const auto batches = veth_batches(large.veths, kMaxPeerHandles);
  CHECK(batches.size() <= large.veths.size() / kMaxPeerHandles + large.namespaces.size());
}

TEST_CASE("scale: veth batches keep the plan's order within a namespace") {
  std::vector<VethPlan> v(5);
  const char* a[] = {"r", "x", "r", "r", "x"};
  for (size_t i = 0; i < v.size(); ++i) {
    v[i].a.ns = a[i];
    v[i].b.ns = "p" + std::to_string(i);
  }
  const auto b = veth_batches(v, 2);
  REQUIRE(b.size() == 3);
  CHECK((b[0].ns == "r" && b[0].veths == std::vector<size_t>{0, 2}));
  CHECK((b[1].ns == "r" && b[1].veths == std::vector<size_t>{3}));
  CHECK((b[2].ns == "x" && b[2].veths == std::vector<size_t>{1, 4}));
}

TEST_CASE(
    "work spread over threads: every item once, the first failure returned and stopping the rest") {
  std::vector<std::atomic<int>> seen(1000);
  REQUIRE(in_parallel(
      seen.size(),
      [&](size_t i) -> Status {
        ++seen[i];
        return {};
      },
      4));
  for (size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == 1);

  std::atomic<size_t> calls{0};
  auto s = in_parallel(
      100000,
      [&](size_t i) -> Status {
        ++calls;
        if (i == 10) return Error{0, "make", "item 10", "failed"};
        return {};
      },
      4);
  REQUIRE(!s);
  CHECK(s.error().object == "item 10");
  CHECK(calls < 100000);  // stopped, not run to the end
}
