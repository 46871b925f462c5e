// Sweep over address boundaries; within each elementary address interval a sweep over port
// boundaries finds the first covering rule. O(boundaries × rules): 1,000 rules take
// milliseconds.
#include "compile/intervals.h"

#include <algorithm>

namespace vpcemu {

Box box_of(const Cidr& c, uint32_t port_lo, uint32_t port_hi) {
  return Box{c.network().value, c.last().value, port_lo, port_hi};
}

namespace {

struct PortSpan {
  uint64_t lo, hi;
  bool allow;
  bool operator==(const PortSpan&) const = default;
};

// First match along ports among `covering` (rule indexes in order).
std::vector<PortSpan> port_verdicts(const std::vector<OrderedRule>& rules,
                                    const std::vector<size_t>& covering) {
  std::vector<uint64_t> cuts;
  for (size_t i : covering) {
    cuts.push_back(rules[i].box.port_lo);
    cuts.push_back(uint64_t{rules[i].box.port_hi} + 1);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<PortSpan> out;
  for (size_t c = 0; c + 1 < cuts.size(); ++c) {
    uint64_t lo = cuts[c], hi = cuts[c + 1] - 1;
    for (size_t i : covering) {
      const Box& b = rules[i].box;
      if (b.port_lo <= lo && b.port_hi >= hi) {
        if (!out.empty() && out.back().allow == rules[i].allow && out.back().hi + 1 == lo) {
          out.back().hi = hi;
        } else {
          out.push_back({lo, hi, rules[i].allow});
        }
        break;
      }
    }
  }
  return out;
}

}  // namespace

namespace {

// The sweep itself: major axis = addr_*, minor axis = port_* (first_match swaps them).
std::vector<Region> sweep(const std::vector<OrderedRule>& rules) {
  std::vector<uint64_t> cuts;
  for (const auto& r : rules) {
    cuts.push_back(r.box.addr_lo);
    cuts.push_back(uint64_t{r.box.addr_hi} + 1);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

  struct Row {
    uint64_t lo, hi;
    std::vector<PortSpan> ports;
  };
  std::vector<Row> rows;
  std::vector<size_t> covering;
  for (size_t c = 0; c + 1 < cuts.size(); ++c) {
    uint64_t lo = cuts[c], hi = cuts[c + 1] - 1;
    covering.clear();
    for (size_t i = 0; i < rules.size(); ++i) {
      if (rules[i].box.addr_lo <= lo && rules[i].box.addr_hi >= hi) covering.push_back(i);
    }
    if (covering.empty()) continue;
    auto ports = port_verdicts(rules, covering);
    if (!rows.empty() && rows.back().hi + 1 == lo && rows.back().ports == ports) {
      rows.back().hi = hi;
    } else {
      rows.push_back({lo, hi, std::move(ports)});
    }
  }
  std::vector<Region> out;
  for (const auto& row : rows) {
    for (const auto& p : row.ports) {
      out.push_back({Box{static_cast<uint32_t>(row.lo), static_cast<uint32_t>(row.hi),
                         static_cast<uint32_t>(p.lo), static_cast<uint32_t>(p.hi)},
                     p.allow});
    }
  }
  return out;
}

Box swapped(const Box& b) {
  return Box{b.port_lo, b.port_hi, b.addr_lo, b.addr_hi};
}

}  // namespace

// Port-major: rules tend to share few port ranges and differ in addresses, so slicing by port
// first keeps a changed rule's elements inside its own port slice (a one-rule change is a
// few elements, not one per address row).
std::vector<Region> first_match(const std::vector<OrderedRule>& rules) {
  std::vector<OrderedRule> t;
  t.reserve(rules.size());
  for (const auto& r : rules) t.push_back({swapped(r.box), r.allow});
  std::vector<Region> out;
  for (const auto& r : sweep(t)) out.push_back({swapped(r.box), r.allow});
  return out;
}

std::string nft_addr_range(uint32_t lo, uint32_t hi) {
  // An exact CIDR block reads better than a range.
  uint64_t size = uint64_t{hi} - lo + 1;
  if ((size & (size - 1)) == 0 && (lo & (size - 1)) == 0) {
    int prefix = 32;
    for (uint64_t s = size; s > 1; s >>= 1) --prefix;
    return prefix == 32 ? Ipv4{lo}.str() : Cidr{Ipv4{lo}, prefix}.str();
  }
  return Ipv4{lo}.str() + "-" + Ipv4{hi}.str();
}

std::string nft_port_range(uint32_t lo, uint32_t hi) {
  return lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi);
}

}  // namespace vpcemu
