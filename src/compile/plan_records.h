// A plan as records: one line of text per object ("KIND<TAB>field<TAB>..."), in the plan's own
// order. The state keeps the plan a scenario is up with this way, and a change is found by
// comparing lines: at ten thousand instances (300,000 objects, 40 MB) that takes a tenth of the
// time JSON does, and only the lines that differ are ever decoded into objects. A file's
// record holds its path and a digest of its content, not the content (the file is in the state
// directory): decoded, a file has no content.
#pragma once
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compile/plan.h"

namespace vpcemu {

// The plan's lists, in the order its records are written.
enum class RecordKind {
  kNamespace,
  kSysctl,
  kVeth,
  kAddress,
  kNeighbour,
  kRoute,
  kRule,
  kNft,
  kFile,
  kProcess,
  kEndpoint,
  kGateway,
  kSubnet,
};
inline constexpr size_t kRecordKinds = 13;

class PlanRecords {
 public:
  static PlanRecords of(const Plan& plan);
  // nullopt when the text is not records this version writes (a damaged file).
  static std::optional<PlanRecords> parse(std::string text);
  // The same over text that `owner` keeps alive (a mapped file): not copied.
  static std::optional<PlanRecords> parse(std::shared_ptr<const void> owner, std::string_view text);

  std::string_view text() const { return text_; }
  // Only what status, check and exec need: the namespaces, processes, endpoints, gateways and
  // subnets (a few percent of the text); parse() reads it as a plan without kernel objects.
  std::string summary_text() const;
  const std::string& scenario() const { return scenario_; }
  // The i-th line of a kind encodes the i-th object of that list of the plan.
  const std::vector<std::string_view>& lines(RecordKind k) const {
    return lines_[static_cast<size_t>(k)];
  }
  bool operator==(const PlanRecords& o) const { return text() == o.text(); }
  // Every object decoded; nullopt when a line does not decode.
  std::optional<Plan> plan() const;

 private:
  PlanRecords() = default;
  bool index();
  std::shared_ptr<const void> owner_;  // keeps text_ alive; shared: the lines are views into it
  std::string_view text_;
  std::string scenario_;
  std::array<std::vector<std::string_view>, kRecordKinds> lines_;
};

// One line back into its object (T: NsPlan, SysctlPlan, VethPlan, AddrPlan, NeighPlan,
// RoutePlan, RulePlan, NftPlan, FilePlan or ProcessPlan); nullopt when it is not a line of T's
// kind.
template <class T>
std::optional<T> record_of(std::string_view line);
// The namespace an nftables line is for (its first field), without decoding the table.
std::string_view nft_record_ns(std::string_view line);

}  // namespace vpcemu
