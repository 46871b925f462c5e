// Sweep over address boundaries; within each elementary address interval a sweep over port
// boundaries finds the first covering rule. O(boundaries × rules): 1,000 rules take
// milliseconds.
#include "compile/intervals.h"

#include <algorithm>

namespace vpcemu {

u128 to_u128(const IpAddr& a) {
  u128 v = 0;
  for (size_t i = 0; i < a.size(); ++i) v = (v << 8) | a.bytes[i];
  return v;
}

IpAddr from_u128(u128 v, Family f) {
  IpAddr a;
  a.family = f;
  for (size_t i = a.size(); i-- > 0; v >>= 8) a.bytes[i] = static_cast<uint8_t>(v & 0xff);
  return a;
}

Box box_of(const IpPrefix& c, uint32_t port_lo, uint32_t port_hi) {
  const u128 lo = to_u128(c.network());
  const int host_bits = c.addr.bits() - c.prefix;
  const u128 span = host_bits == 128 ? ~u128{0} : (u128{1} << host_bits) - 1;
  return Box{lo, lo | span, port_lo, port_hi};
}

namespace {

constexpr u128 kMax = ~u128{0};

// The starts of the elementary intervals between the boundaries of [lo, hi] ranges; the last
// runs to kMax. (hi + 1 of a range that ends at kMax is no start.)
template <typename Lo, typename Hi>
std::vector<u128> starts(size_t n, Lo lo, Hi hi) {
  std::vector<u128> cuts;
  for (size_t i = 0; i < n; ++i) {
    cuts.push_back(lo(i));
    if (hi(i) != kMax) cuts.push_back(hi(i) + 1);
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

u128 end_of(const std::vector<u128>& cuts, size_t c) {
  return c + 1 < cuts.size() ? cuts[c + 1] - 1 : kMax;
}

struct PortSpan {
  u128 lo, hi;
  bool allow;
  bool operator==(const PortSpan&) const = default;
};

// First match along ports among `covering` (rule indexes in order).
std::vector<PortSpan> port_verdicts(const std::vector<OrderedRule>& rules,
                                    const std::vector<size_t>& covering) {
  auto cuts = starts(
      covering.size(), [&](size_t i) { return rules[covering[i]].box.port_lo; },
      [&](size_t i) { return rules[covering[i]].box.port_hi; });
  std::vector<PortSpan> out;
  for (size_t c = 0; c < cuts.size(); ++c) {
    u128 lo = cuts[c], hi = end_of(cuts, c);
    for (size_t i : covering) {
      const Box& b = rules[i].box;
      if (b.port_lo <= lo && b.port_hi >= hi) {
        if (!out.empty() && out.back().allow == rules[i].allow && out.back().hi != kMax &&
            out.back().hi + 1 == lo) {
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
  auto cuts = starts(
      rules.size(), [&](size_t i) { return rules[i].box.addr_lo; },
      [&](size_t i) { return rules[i].box.addr_hi; });

  struct Row {
    u128 lo, hi;
    std::vector<PortSpan> ports;
  };
  std::vector<Row> rows;
  std::vector<size_t> covering;
  for (size_t c = 0; c < cuts.size(); ++c) {
    u128 lo = cuts[c], hi = end_of(cuts, c);
    covering.clear();
    for (size_t i = 0; i < rules.size(); ++i) {
      if (rules[i].box.addr_lo <= lo && rules[i].box.addr_hi >= hi) covering.push_back(i);
    }
    if (covering.empty()) continue;
    auto ports = port_verdicts(rules, covering);
    if (!rows.empty() && rows.back().hi != kMax && rows.back().hi + 1 == lo &&
        rows.back().ports == ports) {
      rows.back().hi = hi;
    } else {
      rows.push_back({lo, hi, std::move(ports)});
    }
  }
  std::vector<Region> out;
  for (const auto& row : rows) {
    for (const auto& p : row.ports) {
      out.push_back({Box{row.lo, row.hi, p.lo, p.hi}, p.allow});
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

std::string nft_addr_range(u128 lo, u128 hi, Family f) {
  const IpAddr a = from_u128(lo, f);
  // An exact CIDR block reads better than a range: hi - lo + 1 a power of two, lo aligned.
  const u128 span = hi - lo;  // host bits all ones, if it is a block
  if ((span & (span + 1)) == 0 && (lo & span) == 0) {
    int prefix = a.bits();
    for (u128 s = span; s != 0; s >>= 1) --prefix;
    return prefix == a.bits() ? a.str() : IpPrefix(a, prefix).str();
  }
  return a.str() + "-" + from_u128(hi, f).str();
}

std::string nft_port_range(u128 lo, u128 hi) {
  auto num = [](u128 v) { return std::to_string(static_cast<uint64_t>(v)); };
  return lo == hi ? num(lo) : num(lo) + "-" + num(hi);
}

}  // namespace vpcemu
