// nft script generation.
#include "compile/nft_text.h"

#include <map>
#include <set>

namespace vpcemu {

namespace {

const char* kind_word(NftObject::Kind k) {
  switch (k) {
    case NftObject::Kind::kChain:
      return "chain";
    case NftObject::Kind::kSet:
      return "set";
    case NftObject::Kind::kMap:
      return "map";
    case NftObject::Kind::kCtTimeout:
      return "ct timeout";
  }
  return "?";
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
  return s;
}

// Element keys: for maps the part before " : ".
std::string element_key(const NftObject& o, const std::string& item) {
  if (o.kind != NftObject::Kind::kMap) return item;
  auto p = item.rfind(" : ");
  return p == std::string::npos ? item : item.substr(0, p);
}

void declare(std::string& s, const std::string& tid, const NftObject& o) {
  s += "add " + std::string(kind_word(o.kind)) + " " + tid + " " + o.name;
  if (!o.spec.empty()) s += " { " + o.spec + " }";
  s += "\n";
}

void elements(std::string& s, const std::string& verb, const std::string& tid,
              const std::string& name, const std::vector<std::string>& items) {
  // Chunks keep each command a manageable size for the parser.
  for (size_t i = 0; i < items.size(); i += 512) {
    std::vector<std::string> chunk(items.begin() + i,
                                   items.begin() + std::min(items.size(), i + 512));
    s += verb + " element " + tid + " " + name + " { " + join(chunk, ", ") + " }\n";
  }
}

void fill(std::string& s, const std::string& tid, const NftObject& o) {
  if (o.kind == NftObject::Kind::kChain) {
    for (const auto& r : o.items) s += "add rule " + tid + " " + o.name + " " + r + "\n";
  } else {
    elements(s, "add", tid, o.name, o.items);
  }
}

}  // namespace

std::string nft_full_script(const NftTable& t) {
  const std::string tid = t.id();
  std::string s = "add table " + tid + "\ndelete table " + tid + "\nadd table " + tid + "\n";
  // Chains first (empty), so maps and rules may jump to any of them; then sets and maps.
  for (const auto& o : t.objects)
    if (o.kind == NftObject::Kind::kChain) declare(s, tid, o);
  for (const auto& o : t.objects)
    if (o.kind != NftObject::Kind::kChain) declare(s, tid, o);
  for (const auto& o : t.objects)
    if (o.kind != NftObject::Kind::kChain) fill(s, tid, o);
  for (const auto& o : t.objects)
    if (o.kind == NftObject::Kind::kChain) fill(s, tid, o);
  return s;
}

NftChange nft_diff(const NftTable& from, const NftTable& to) {
  if (from == to) return {};
  if (from.id() != to.id()) return {nft_full_script(to), ""};
  const std::string tid = to.id();
  std::map<std::string, const NftObject*> old;
  for (const auto& o : from.objects) old[std::string(kind_word(o.kind)) + " " + o.name] = &o;
  std::set<std::string> kept;
  std::set<std::string> staging_chains;
  std::string adds, changes, chains, removals, staged_now, staged_later;
  for (const auto& o : to.objects) {
    std::string key = std::string(kind_word(o.kind)) + " " + o.name;
    auto it = old.find(key);
    if (it == old.end()) {
      declare(adds, tid, o);
      continue;
    }
    kept.insert(key);
    const NftObject& prev = *it->second;
    if (prev.spec != o.spec || prev.staged != o.staged || prev.staging != o.staging) {
      return {nft_full_script(to), ""};
    }
    if (prev.items == o.items) continue;
    if (o.kind == NftObject::Kind::kChain) {
      chains += "flush chain " + tid + " " + o.name + "\n";
      fill(chains, tid, o);
      continue;
    }
    std::set<std::string> before(prev.items.begin(), prev.items.end());
    std::set<std::string> after(o.items.begin(), o.items.end());
    std::vector<std::string> gone, added;
    for (const auto& x : before)
      if (!after.count(x)) gone.push_back(element_key(o, x));
    for (const auto& x : after)
      if (!before.count(x)) added.push_back(x);
    if (o.staged) {
      // In force at once: new elements via NAME-add, withdrawn ones via NAME-del.
      elements(staged_now, "add", tid, o.name + "-add", added);
      elements(staged_now, "add", tid, o.name + "-del", gone);
      elements(staged_later, "delete", tid, o.name, gone);
      elements(staged_later, "add", tid, o.name, added);
      staged_later +=
          "flush set " + tid + " " + o.name + "-add\nflush set " + tid + " " + o.name + "-del\n";
      staging_chains.insert(o.name);
      continue;
    }
    elements(changes, "delete", tid, o.name, gone);
    elements(changes, "add", tid, o.name, added);
  }
  // New objects get their contents after every object exists.
  std::string new_fill;
  for (const auto& o : to.objects) {
    std::string key = std::string(kind_word(o.kind)) + " " + o.name;
    if (old.find(key) == old.end()) fill(new_fill, tid, o);
  }
  // Removed objects go last, once no kept rule or map refers to them any more: removed chains
  // are emptied first (they may refer to each other and to removed sets), then deleted, then
  // the removed sets and maps.
  std::string flushes, chain_deletes, set_deletes;
  for (const auto& o : from.objects) {
    std::string key = std::string(kind_word(o.kind)) + " " + o.name;
    if (kept.count(key)) continue;
    if (o.kind == NftObject::Kind::kChain) {
      flushes += "flush chain " + tid + " " + o.name + "\n";
      chain_deletes += "delete chain " + tid + " " + o.name + "\n";
    } else {
      set_deletes += "delete " + std::string(kind_word(o.kind)) + " " + tid + " " + o.name + "\n";
    }
  }
  removals = flushes + chain_deletes + set_deletes;
  // The staging lookups go in last (after any refill of the same chain) and come out with the
  // fold-in, which restores the chain's steady form.
  std::string inserts, restore;
  for (const auto& o : to.objects) {
    if (o.kind != NftObject::Kind::kChain || !staging_chains.count(o.name)) continue;
    for (auto r = o.staging.rbegin(); r != o.staging.rend(); ++r)
      inserts += "insert rule " + tid + " " + o.name + " " + *r + "\n";
    restore += "flush chain " + tid + " " + o.name + "\n";
    fill(restore, tid, o);
  }
  return {adds + staged_now + changes + new_fill + chains + inserts + removals,
          staged_later.empty() ? "" : staged_later + restore};
}

}  // namespace vpcemu
