// nftables tables as named objects (chains, sets, maps), so that a change can be sent as the
// difference: set elements added and removed, changed chains flushed and refilled, all in one
// transaction. Pure text generation; kernel/nft runs the scripts.
#pragma once
#include <string>
#include <vector>

namespace vpcemu {

struct NftObject {
  // kCtTimeout: a conntrack timeout policy; its spec is the policy ("protocol tcp; l3proto ip;
  // policy = { established: 60 }"), rules attach it with `ct timeout set "NAME"`.
  enum class Kind { kChain, kSet, kMap, kCtTimeout };
  Kind kind = Kind::kChain;
  std::string name;
  std::string spec;  // chain: "type filter hook ...; policy drop;"; set/map: "type ...;"
  std::vector<std::string> items;  // chain: rules; set: elements; map: "key : value" elements
  // A staged set has two siblings, NAME-add and NAME-del, and a chain of the same NAME whose
  // `staging` rules (matching NAME-add first, then NAME-del) are inserted at its top while a
  // change is pending, so that a change is in force through additions alone (NftChange).
  bool staged = false;
  std::vector<std::string> staging;  // chains only
  bool operator==(const NftObject&) const = default;
};

struct NftTable {
  std::string family = "inet";  // one table for both families; rules match IPv4 with `ip`
  std::string name = "vpcemu";
  std::vector<NftObject> objects;
  std::string id() const { return family + " " + name; }
  bool operator==(const NftTable&) const = default;
};

// Replaces the whole table in one transaction (add; delete; recreate).
std::string nft_full_script(const NftTable& t);

// A change in two transactions. The kernel waits for an RCU grace period (~10-30 ms) when a
// transaction removes anything, and only microseconds when it only adds: `now` puts the
// change in force with additions where it can (staged sets), `cleanup` then folds the staging
// sets into the real ones. Either may be empty.
struct NftChange {
  std::string now;
  std::string cleanup;
  bool empty() const { return now.empty() && cleanup.empty(); }
};
// The smallest change that turns `from` into `to`. Falls back to the full script when an
// object's type or hook changes.
NftChange nft_diff(const NftTable& from, const NftTable& to);

}  // namespace vpcemu
