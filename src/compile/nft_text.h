// nftables tables as named objects (chains, sets, maps), so that a change can be sent as the
// difference: set elements added and removed, changed chains flushed and refilled, all in one
// transaction. Pure text generation; kernel/nft runs the scripts.
#pragma once
#include <string>
#include <vector>

namespace vpcemu {

struct NftObject {
  enum class Kind { kChain, kSet, kMap };
  Kind kind = Kind::kChain;
  std::string name;
  std::string spec;                // chain: "type filter hook ...; policy drop;"; set/map: "type ...;"
  std::vector<std::string> items;  // chain: rules; set: elements; map: "key : value" elements
  bool operator==(const NftObject&) const = default;
};

struct NftTable {
  std::string family = "ip";
  std::string name = "vpcemu";
  std::vector<NftObject> objects;
  std::string id() const { return family + " " + name; }
  bool operator==(const NftTable&) const = default;
};

// Replaces the whole table in one transaction (add; delete; recreate).
std::string nft_full_script(const NftTable& t);
// The smallest script that turns `from` into `to` in one transaction; empty if they are equal.
// Falls back to the full script when an object's type or hook changes.
std::string nft_diff_script(const NftTable& from, const NftTable& to);

}  // namespace vpcemu
