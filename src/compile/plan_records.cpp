// Plan records: each object's fields listed once (fields()), and two visitors that walk that
// list, one writing a line and one reading it back, so the two directions cannot disagree.
#include "compile/plan_records.h"

#include <charconv>
#include <cstring>
#include <type_traits>

#include "util/text.h"

namespace vpcemu {

namespace {

constexpr std::string_view kHeader = "vpcemu-plan-records\t1";
constexpr std::array<std::string_view, kRecordKinds> kTags = {
    "ns",  "sysctl", "veth",    "addr",     "neigh",   "route",  "rule",
    "nft", "file",   "process", "endpoint", "gateway", "subnet",
};

// Each object's fields, in record order. The writer takes them as const (const_cast in
// encode() only: it reads); the reader fills them.
template <class V>
void fields(V& v, NsPlan& x) {
  v(x.name), v(x.role), v(x.owner);
}
template <class V>
void fields(V& v, SysctlPlan& x) {
  v(x.ns), v(x.key), v(x.value), v(x.after_links);
}
template <class V>
void fields(V& v, LinkEnd& x) {
  v(x.ns), v(x.ifname), v(x.mac);
}
template <class V>
void fields(V& v, VethPlan& x) {
  v(x.a), v(x.b), v(x.purpose), v(x.rate_bps), v(x.mtu);
}
template <class V>
void fields(V& v, AddrPlan& x) {
  v(x.ns), v(x.dev), v(x.addr);
}
template <class V>
void fields(V& v, NeighPlan& x) {
  v(x.ns), v(x.dev), v(x.ip), v(x.mac);
}
template <class V>
void fields(V& v, RoutePlan& x) {
  v(x.ns), v(x.table), v(x.dst), v(x.type), v(x.via), v(x.dev), v(x.onlink), v(x.why), v(x.metric);
}
template <class V>
void fields(V& v, RulePlan& x) {
  v(x.ns), v(x.priority), v(x.fwmark), v(x.to), v(x.table), v(x.drop), v(x.why), v(x.iif),
      v(x.family);
}
template <class V>
void fields(V& v, NftObject& x) {
  v(x.kind), v(x.name), v(x.spec), v(x.items), v(x.staged), v(x.staging);
}
template <class V>
void fields(V& v, NftPlan& x) {
  v(x.ns), v(x.table.family), v(x.table.name), v(x.table.objects);
}
// A file's record holds its path and a digest of its content (FNV-1a, 64 bits, and the
// length), not the content: the file itself is in the state directory, and the metadata
// service's data alone is half a ten-thousand-instance plan. Written apart below.
void fields(struct Writer& v, FilePlan& x);
void fields(struct Reader& v, FilePlan& x);
template <class V>
void fields(V& v, WireguardSetup& x) {
  v(x.ifname), v(x.uapi), v(x.address), v(x.routes);
}
template <class V>
void fields(V& v, TableRoute& x) {
  v(x.table), v(x.dst);
}
template <class V>
void fields(V& v, ProcessPlan& x) {
  v(x.ns), v(x.name), v(x.argv), v(x.cwd), v(x.resolv_conf), v(x.env), v(x.daemon),
      v(x.opens_namespaces), v(x.ready_file), v(x.ready_text), v(x.ready_before_next),
      v(x.wait_exit), v(x.wireguard), v(x.tun_address), v(x.tun_routes), v(x.bgp_socket),
      v(x.tun_rule_priority), v(x.tun_rule_table), v(x.ready_routes);
}
template <class V>
void fields(V& v, EndpointInfo& x) {
  v(x.name), v(x.kind), v(x.ns), v(x.vpc), v(x.subnet), v(x.private_ip), v(x.public_ip),
      v(x.security_groups), v(x.resolv_conf), v(x.ipv6), v(x.availability_zone);
}
template <class V>
void fields(V& v, GatewayInfo& x) {
  v(x.kind), v(x.vpc), v(x.name), v(x.ns), v(x.private_ip), v(x.public_ip);
}
template <class V>
void fields(V& v, SubnetInfo& x) {
  v(x.vpc), v(x.name), v(x.cidr), v(x.route_table), v(x.network_acl), v(x.ipv6_cidr);
}

template <class T>
constexpr bool kAddress = std::is_same_v<T, Ipv4> || std::is_same_v<T, Cidr> ||
                          std::is_same_v<T, IpAddr> || std::is_same_v<T, IpPrefix>;

// Fields are separated by tabs; a tab, newline or backslash inside one is escaped.
struct Writer {
  std::string& out;
  void field(std::string_view s) { append_field(out, s); }
  template <class T>
  void operator()(const T& x) {
    if constexpr (std::is_same_v<T, std::string>) {
      field(x);
    } else if constexpr (std::is_same_v<T, bool>) {
      field(x ? "1" : "0");
    } else if constexpr (std::is_enum_v<T>) {
      field(std::to_string(static_cast<int>(x)));
    } else if constexpr (std::is_integral_v<T>) {
      field(std::to_string(x));
    } else if constexpr (kAddress<T>) {
      field(x.str());
    } else if constexpr (requires { x.has_value(); }) {
      field(x ? "1" : "0");
      if (x) (*this)(*x);
    } else if constexpr (requires {
                           x.size();
                           x.begin();
                         }) {
      field(std::to_string(x.size()));
      for (const auto& e : x) (*this)(e);
    } else {
      fields(*this, const_cast<T&>(x));
    }
  }
};

struct Reader {
  std::string_view rest;  // what follows the fields read so far, starting at a tab
  bool bad = false;
  std::string_view raw() {
    if (rest.empty() || rest[0] != '\t') {
      bad = true;
      return {};
    }
    rest.remove_prefix(1);
    size_t end = rest.find('\t');
    std::string_view f = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    return f;
  }
  std::string text() { return unescape_field(raw()); }
  uint64_t number() {
    std::string_view f = raw();
    uint64_t n = 0;
    auto [p, ec] = std::from_chars(f.data(), f.data() + f.size(), n);
    if (ec != std::errc() || p != f.data() + f.size()) bad = true;
    return n;
  }
  template <class T>
  void operator()(T& x) {
    if constexpr (std::is_same_v<T, std::string>) {
      x = text();
    } else if constexpr (std::is_same_v<T, bool>) {
      x = number() != 0;
    } else if constexpr (std::is_enum_v<T>) {
      x = static_cast<T>(number());
    } else if constexpr (std::is_integral_v<T>) {
      x = static_cast<T>(number());
    } else if constexpr (kAddress<T>) {
      auto a = T::parse(raw());
      if (a)
        x = *a;
      else
        bad = true;
    } else if constexpr (requires { x.has_value(); }) {
      x.reset();
      if (number() != 0 && !bad) (*this)(x.emplace());
    } else if constexpr (requires {
                           x.size();
                           x.begin();
                         }) {
      const uint64_t n = number();
      x.clear();
      for (uint64_t i = 0; i < n && !bad; ++i) (*this)(x.emplace_back());
    } else {
      fields(*this, x);
    }
  }
};

void fields(Writer& v, FilePlan& x) {
  v(x.path);
  v.field(std::to_string(x.content.size()) + ":" + hex(stable_hash(x.content), 16));
}

void fields(Reader& v, FilePlan& x) {
  v(x.path);
  v.raw();  // the digest: the content is not kept (what `content` then holds: nothing)
  x.content.clear();
}

template <class T>
void encode(std::string& out, RecordKind kind, const T& x) {
  out += kTags[static_cast<size_t>(kind)];
  Writer w{out};
  w(x);
  out += '\n';
}

// A line of this kind decoded, nullopt when its tag or any field does not fit.
template <class T>
std::optional<T> decode(std::string_view line, RecordKind kind) {
  const std::string_view tag = kTags[static_cast<size_t>(kind)];
  if (line.substr(0, tag.size()) != tag) return std::nullopt;
  Reader r{line.substr(tag.size())};
  T x{};
  r(x);
  if (r.bad || !r.rest.empty()) return std::nullopt;
  return x;
}

// Calls f(kind, list) for each of the plan's lists in record order.
template <class P, class F>
void each_list(P& p, F&& f) {
  f(RecordKind::kNamespace, p.namespaces);
  f(RecordKind::kSysctl, p.sysctls);
  f(RecordKind::kVeth, p.veths);
  f(RecordKind::kAddress, p.addrs);
  f(RecordKind::kNeighbour, p.neighs);
  f(RecordKind::kRoute, p.routes);
  f(RecordKind::kRule, p.rules);
  f(RecordKind::kNft, p.nft);
  f(RecordKind::kFile, p.files);
  f(RecordKind::kProcess, p.processes);
  f(RecordKind::kEndpoint, p.endpoints);
  f(RecordKind::kGateway, p.gateways);
  f(RecordKind::kSubnet, p.subnets);
}

bool in_summary(RecordKind k) {
  return k == RecordKind::kNamespace || k == RecordKind::kProcess || k == RecordKind::kEndpoint ||
         k == RecordKind::kGateway || k == RecordKind::kSubnet;
}

std::string header(const std::string& scenario) {
  std::string out(kHeader);
  out += "\nscenario";
  Writer{out}(scenario);
  return out + "\n";
}

}  // namespace

PlanRecords PlanRecords::of(const Plan& plan) {
  auto text = std::make_shared<std::string>(header(plan.scenario));
  // Sized once: a 40 MB string grown by doubling costs its copies and, worse here, the page
  // faults of every new buffer.
  size_t guess = 0;
  each_list(plan, [&](RecordKind, const auto& list) { guess += list.size() * 160; });
  for (const auto& n : plan.nft)
    for (const auto& o : n.table.objects) guess += o.spec.size() + o.items.size() * 80;
  text->reserve(guess);
  std::array<std::vector<std::pair<size_t, size_t>>, kRecordKinds> at;  // offset, length
  each_list(plan, [&](RecordKind kind, const auto& list) {
    auto& lines = at[static_cast<size_t>(kind)];
    lines.reserve(list.size());
    for (const auto& x : list) {
      const size_t start = text->size();
      encode(*text, kind, x);
      lines.emplace_back(start, text->size() - start - 1);
    }
  });
  PlanRecords r;
  r.text_ = *text;
  r.owner_ = std::move(text);
  r.scenario_ = plan.scenario;
  const std::string_view all = r.text_;
  for (size_t k = 0; k < kRecordKinds; ++k) {
    r.lines_[k].reserve(at[k].size());
    for (const auto& [start, length] : at[k]) r.lines_[k].push_back(all.substr(start, length));
  }
  return r;
}

std::optional<PlanRecords> PlanRecords::parse(std::string text) {
  auto owner = std::make_shared<const std::string>(std::move(text));
  const std::string_view view = *owner;
  return parse(std::move(owner), view);
}

std::optional<PlanRecords> PlanRecords::parse(std::shared_ptr<const void> owner,
                                              std::string_view text) {
  PlanRecords r;
  r.owner_ = std::move(owner);
  r.text_ = text;
  if (!r.index()) return std::nullopt;
  return r;
}

bool PlanRecords::index() {
  std::string_view all = text_;
  size_t nl = all.find('\n');
  if (nl == std::string_view::npos || all.substr(0, nl) != kHeader) return false;
  all.remove_prefix(nl + 1);
  nl = all.find('\n');
  Reader r{all.substr(0, nl)};
  if (all.substr(0, 8) != "scenario") return false;
  r.rest.remove_prefix(8);
  scenario_ = r.text();
  if (r.bad || !r.rest.empty() || nl == std::string_view::npos) return false;
  all.remove_prefix(nl + 1);
  size_t kind = 0;  // kinds come in order: a tag is looked for from the last one on
  while (!all.empty()) {
    nl = all.find('\n');
    if (nl == std::string_view::npos) return false;  // a torn last line
    const std::string_view line = all.substr(0, nl);
    const std::string_view tag = line.substr(0, line.find('\t'));
    while (kind < kRecordKinds && kTags[kind] != tag) ++kind;
    if (kind == kRecordKinds) return false;
    lines_[kind].push_back(line);
    all.remove_prefix(nl + 1);
  }
  return true;
}

std::string PlanRecords::summary_text() const {
  std::string out = header(scenario_);
  for (size_t k = 0; k < kRecordKinds; ++k)
    if (in_summary(static_cast<RecordKind>(k)))
      for (const auto& line : lines_[k]) (out += line) += '\n';
  return out;
}

std::optional<Plan> PlanRecords::plan() const {
  Plan p;
  p.scenario = scenario_;
  bool ok = true;
  each_list(p, [&](RecordKind kind, auto& list) {
    using T = typename std::remove_reference_t<decltype(list)>::value_type;
    list.reserve(lines(kind).size());
    for (const auto& line : lines(kind)) {
      auto x = decode<T>(line, kind);
      if (!x) {
        ok = false;
        return;
      }
      list.push_back(std::move(*x));
    }
  });
  if (!ok) return std::nullopt;
  return p;
}

template <class T>
std::optional<T> record_of(std::string_view line) {
  // The kind whose list holds objects of type T.
  static const RecordKind kind = [] {
    RecordKind found{};
    Plan p;
    each_list(p, [&](RecordKind k, auto& list) {
      if constexpr (std::is_same_v<typename std::remove_reference_t<decltype(list)>::value_type, T>)
        found = k;
    });
    return found;
  }();
  return decode<T>(line, kind);
}

template std::optional<NsPlan> record_of(std::string_view);
template std::optional<SysctlPlan> record_of(std::string_view);
template std::optional<VethPlan> record_of(std::string_view);
template std::optional<AddrPlan> record_of(std::string_view);
template std::optional<NeighPlan> record_of(std::string_view);
template std::optional<RoutePlan> record_of(std::string_view);
template std::optional<RulePlan> record_of(std::string_view);
template std::optional<NftPlan> record_of(std::string_view);
template std::optional<FilePlan> record_of(std::string_view);
template std::optional<ProcessPlan> record_of(std::string_view);

std::string_view nft_record_ns(std::string_view line) {
  Reader r{line.substr(kTags[static_cast<size_t>(RecordKind::kNft)].size())};
  return r.raw();  // namespace names hold no tab, newline or backslash
}

}  // namespace vpcemu
