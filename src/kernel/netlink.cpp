// rtnetlink message construction and batched acknowledgement handling.
#include "kernel/netlink.h"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include <algorithm>
#include <cstring>
#include <functional>

#include "kernel/netns.h"

namespace vpcemu {

namespace {
constexpr size_t kMaxMsg = 1024;  // every message we build fits
constexpr size_t kBatchBytes = 64 * 1024;
constexpr size_t kBatchMsgs = 256;  // keeps the acks well inside the receive buffer

bool parse_mac(const std::string& s, uint8_t out[6]) {
  unsigned v[6];
  if (sscanf(s.c_str(), "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
    return false;
  for (int i = 0; i < 6; ++i) out[i] = static_cast<uint8_t>(v[i]);
  return true;
}

uint8_t af(Family f) {
  return f == Family::kIpv4 ? AF_INET : AF_INET6;
}

// An address attribute: 4 or 16 bytes in network order, as the family has them.
void put_addr(nlmsghdr* nlh, uint16_t type, const IpAddr& ip) {
  mnl_attr_put(nlh, type, ip.size(), ip.bytes.data());
}
}  // namespace

Result<NlSocket> NlSocket::open_in(int nsfd, const std::string& ns_name) {
  auto g = NetnsGuard::enter(nsfd, ns_name);
  if (!g) return g.error();
  NlSocket s;
  s.ns_ = ns_name;
  s.nl_ = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
  if (!s.nl_) return errno_error("socket(NETLINK_ROUTE)", "in netns " + ns_name, errno);
  int one = 1;
  // Extended acks carry the kernel's explanation; capped acks keep replies small.
  mnl_socket_setsockopt(s.nl_, NETLINK_EXT_ACK, &one, sizeof(one));
  mnl_socket_setsockopt(s.nl_, NETLINK_CAP_ACK, &one, sizeof(one));
  int rcvbuf = 1 << 20;
  mnl_socket_setsockopt(s.nl_, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  if (mnl_socket_bind(s.nl_, 0, MNL_SOCKET_AUTOPID) < 0) {
    return errno_error("bind(NETLINK_ROUTE)", "in netns " + ns_name, errno);
  }
  s.portid_ = mnl_socket_get_portid(s.nl_);
  return s;
}

NlSocket::NlSocket(NlSocket&& o) noexcept
    : nl_(std::exchange(o.nl_, nullptr)),
      ns_(std::move(o.ns_)),
      portid_(o.portid_),
      seq_(o.seq_),
      first_seq_(o.first_seq_),
      buf_(std::move(o.buf_)),
      used_(o.used_),
      what_(std::move(o.what_)),
      deferred_(std::move(o.deferred_)) {}

NlSocket::~NlSocket() {
  if (nl_) mnl_socket_close(nl_);
}

nlmsghdr* NlSocket::begin(uint16_t type, uint16_t flags, std::string what) {
  if (used_ + kMaxMsg > kBatchBytes || what_.size() >= kBatchMsgs) {
    if (auto s = flush(); !s && !deferred_) deferred_ = s.error();
  }
  if (buf_.size() < kBatchBytes + kMaxMsg) buf_.resize(kBatchBytes + kMaxMsg);
  std::memset(buf_.data() + used_, 0, kMaxMsg);
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf_.data() + used_);
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
  nlh->nlmsg_seq = seq_++;
  what_.push_back(std::move(what));
  return nlh;
}

void NlSocket::end(nlmsghdr* nlh) {
  used_ += MNL_ALIGN(nlh->nlmsg_len);
}

void NlSocket::veth(const std::string& name, const std::string& mac, const std::string& peer_name,
                    const std::string& peer_mac, int peer_nsfd, const std::string& peer_ns,
                    uint32_t mtu) {
  nlmsghdr* nlh = begin(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
                        "RTM_NEWLINK veth " + name + " in ns " + ns_ + " (peer " + peer_name +
                            " in ns " + peer_ns + ")");
  auto* ifm = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifm->ifi_family = AF_UNSPEC;
  // Our end comes up with the create; the peer's IFF_UP would fail here (ENOTCONN), so the
  // peer's namespace brings it up separately.
  ifm->ifi_flags = IFF_UP;
  ifm->ifi_change = IFF_UP;
  uint8_t m[6];
  mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
  if (parse_mac(mac, m)) mnl_attr_put(nlh, IFLA_ADDRESS, 6, m);
  mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
  // One queue each way, asked for: left to the default (a queue per CPU), veth creates them and
  // then cuts them to one, and that waits for an expedited RCU grace period with the RTNL
  // held, for every pair.
  mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
  mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
  nlattr* info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
  mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
  nlattr* data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
  nlattr* peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
  auto* pifm = static_cast<ifinfomsg*>(mnl_nlmsg_get_payload_tail(nlh));
  std::memset(pifm, 0, sizeof(*pifm));
  nlh->nlmsg_len += MNL_ALIGN(sizeof(ifinfomsg));
  mnl_attr_put_strz(nlh, IFLA_IFNAME, peer_name.c_str());
  if (parse_mac(peer_mac, m)) mnl_attr_put(nlh, IFLA_ADDRESS, 6, m);
  mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
  mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
  mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
  mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, static_cast<uint32_t>(peer_nsfd));
  mnl_attr_nest_end(nlh, peer);
  mnl_attr_nest_end(nlh, data);
  mnl_attr_nest_end(nlh, info);
  end(nlh);
}

void NlSocket::link_up(const std::string& name) {
  nlmsghdr* nlh = begin(RTM_NEWLINK, 0, "RTM_NEWLINK up " + name + " in ns " + ns_);
  auto* ifm = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
  ifm->ifi_family = AF_UNSPEC;
  ifm->ifi_flags = IFF_UP;
  ifm->ifi_change = IFF_UP;
  mnl_attr_put_strz(nlh, IFLA_IFNAME, name.c_str());
  end(nlh);
}

void NlSocket::address(int ifindex, const std::string& dev, const IpPrefix& addr) {
  nlmsghdr* nlh = begin(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL,
                        "RTM_NEWADDR " + addr.str() + " dev " + dev + " in ns " + ns_);
  auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
  ifa->ifa_family = af(addr.family());
  ifa->ifa_prefixlen = static_cast<uint8_t>(addr.prefix);
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = static_cast<uint32_t>(ifindex);
  // IPv6: usable at once. Every address is the project's own, unique by construction, so
  // duplicate address detection would only delay `up` (and the first packets) by a second.
  if (addr.family() == Family::kIpv6) ifa->ifa_flags = IFA_F_NODAD;
  put_addr(nlh, IFA_LOCAL, addr.addr);
  put_addr(nlh, IFA_ADDRESS, addr.addr);
  end(nlh);
}

void NlSocket::neighbour(int ifindex, const std::string& dev, const IpAddr& ip,
                         const std::string& mac) {
  nlmsghdr* nlh =
      begin(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE,
            "RTM_NEWNEIGH " + ip.str() + " lladdr " + mac + " dev " + dev + " in ns " + ns_);
  auto* nd = static_cast<ndmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ndmsg)));
  nd->ndm_family = af(ip.family);
  nd->ndm_ifindex = ifindex;
  nd->ndm_state = NUD_PERMANENT;
  put_addr(nlh, NDA_DST, ip);
  uint8_t m[6];
  if (parse_mac(mac, m)) mnl_attr_put(nlh, NDA_LLADDR, 6, m);
  end(nlh);
}

void NlSocket::rate_limit(int ifindex, const std::string& dev, uint64_t rate_bps) {
  nlmsghdr* nlh = begin(
      RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL,
      "RTM_NEWQDISC tbf rate " + std::to_string(rate_bps) + "bit dev " + dev + " in ns " + ns_);
  auto* tcm = static_cast<tcmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(tcmsg)));
  tcm->tcm_family = AF_UNSPEC;
  tcm->tcm_ifindex = ifindex;
  tcm->tcm_handle = 0x10000;  // 1:
  tcm->tcm_parent = TC_H_ROOT;
  mnl_attr_put_strz(nlh, TCA_KIND, "tbf");
  nlattr* opts = mnl_attr_nest_start(nlh, TCA_OPTIONS);
  const uint64_t bytes_per_s = rate_bps / 8;
  // The bucket holds 10 ms at the rate, and never less than a GSO super-packet (veths pass
  // 64 KiB ones); the queue 50 ms more.
  const uint32_t burst = static_cast<uint32_t>(std::max<uint64_t>(bytes_per_s / 100, 128 * 1024));
  tc_tbf_qopt q{};
  q.rate.rate = static_cast<uint32_t>(std::min<uint64_t>(bytes_per_s, 0xffffffffu));
  q.rate.linklayer = TC_LINKLAYER_ETHERNET;
  q.limit = static_cast<uint32_t>(std::min<uint64_t>(bytes_per_s / 20 + burst, 0xffffffffu));
  q.buffer = static_cast<uint32_t>(std::min<uint64_t>(
      (static_cast<uint64_t>(burst) * 1000000000ull / std::max<uint64_t>(bytes_per_s, 1)) >> 6,
      0xffffffffu));  // in psched ticks of 64 ns
  mnl_attr_put(nlh, TCA_TBF_PARMS, sizeof(q), &q);
  if (bytes_per_s > 0xffffffffu) mnl_attr_put_u64(nlh, TCA_TBF_RATE64, bytes_per_s);
  mnl_attr_put_u32(nlh, TCA_TBF_BURST, burst);
  mnl_attr_nest_end(nlh, opts);
  end(nlh);
}

void NlSocket::route_delete(const Route& r) {
  nlmsghdr* nlh = begin(RTM_DELROUTE, 0,
                        "RTM_DELROUTE " + r.dst.str() + " metric " + std::to_string(r.metric) +
                            " table " + std::to_string(r.table) + " in ns " + ns_);
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = af(r.dst.family());
  rtm->rtm_dst_len = static_cast<uint8_t>(r.dst.prefix);
  rtm->rtm_table =
      r.table < 256 ? static_cast<uint8_t>(r.table) : static_cast<uint8_t>(RT_TABLE_UNSPEC);
  rtm->rtm_scope = RT_SCOPE_NOWHERE;  // any scope
  mnl_attr_put_u32(nlh, RTA_TABLE, r.table);
  if (r.dst.prefix > 0) put_addr(nlh, RTA_DST, r.dst.network());
  mnl_attr_put_u32(nlh, RTA_PRIORITY, r.metric);
  end(nlh);
}

void NlSocket::route(const Route& r, RouteMode mode) {
  const bool replace = mode == RouteMode::kReplace;
  std::string what = std::string(replace ? "RTM_NEWROUTE (replace) " : "RTM_NEWROUTE ") +
                     (r.blackhole ? "blackhole " : "") + r.dst.str();
  if (r.via) what += " via " + r.via->str();
  if (!r.dev.empty()) what += " dev " + r.dev;
  if (r.metric) what += " metric " + std::to_string(r.metric);
  what += " table " + std::to_string(r.table) + " in ns " + ns_;
  nlmsghdr* nlh =
      begin(RTM_NEWROUTE, NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL), std::move(what));
  auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(rtmsg)));
  rtm->rtm_family = af(r.dst.family());
  rtm->rtm_dst_len = static_cast<uint8_t>(r.dst.prefix);
  rtm->rtm_table =
      r.table < 256 ? static_cast<uint8_t>(r.table) : static_cast<uint8_t>(RT_TABLE_UNSPEC);
  rtm->rtm_protocol = RTPROT_STATIC;
  rtm->rtm_type = r.blackhole ? RTN_BLACKHOLE : RTN_UNICAST;
  rtm->rtm_scope = (r.blackhole || r.via) ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
  if (r.onlink) rtm->rtm_flags |= RTNH_F_ONLINK;
  mnl_attr_put_u32(nlh, RTA_TABLE, r.table);
  if (r.dst.prefix > 0) put_addr(nlh, RTA_DST, r.dst.network());
  if (r.via) put_addr(nlh, RTA_GATEWAY, *r.via);
  if (r.oif) mnl_attr_put_u32(nlh, RTA_OIF, static_cast<uint32_t>(r.oif));
  if (r.metric) mnl_attr_put_u32(nlh, RTA_PRIORITY, r.metric);
  end(nlh);
}

void NlSocket::rule(const Rule& r) {
  rule_message(r, RTM_NEWRULE, NLM_F_CREATE | NLM_F_EXCL);
}

void NlSocket::rule_delete(const Rule& r) {
  rule_message(r, RTM_DELRULE, 0);
}

void NlSocket::rule_message(const Rule& r, uint16_t type, uint16_t flags) {
  std::string what = std::string(type == RTM_DELRULE ? "RTM_DELRULE" : "RTM_NEWRULE") + " pref " +
                     std::to_string(r.priority);
  if (r.to) what += " to " + r.to->str();
  if (r.fwmark) what += " fwmark " + std::to_string(*r.fwmark);
  if (!r.iif.empty()) what += " iif " + r.iif;
  what += r.drop ? " blackhole" : " lookup " + std::to_string(r.table);
  nlmsghdr* nlh = begin(type, flags, what + " in ns " + ns_);
  auto* frh = static_cast<fib_rule_hdr*>(mnl_nlmsg_put_extra_header(nlh, sizeof(fib_rule_hdr)));
  frh->family = af(r.to ? r.to->family() : r.family);
  frh->action = r.drop ? FR_ACT_BLACKHOLE : FR_ACT_TO_TBL;
  frh->dst_len = r.to ? static_cast<uint8_t>(r.to->prefix) : 0;
  if (!r.drop)
    frh->table =
        r.table < 256 ? static_cast<uint8_t>(r.table) : static_cast<uint8_t>(RT_TABLE_UNSPEC);
  mnl_attr_put_u32(nlh, FRA_PRIORITY, r.priority);
  if (!r.drop) mnl_attr_put_u32(nlh, FRA_TABLE, r.table);
  if (r.fwmark) {
    mnl_attr_put_u32(nlh, FRA_FWMARK, *r.fwmark);
    mnl_attr_put_u32(nlh, FRA_FWMASK, 0xffffffff);
  }
  if (r.to && r.to->prefix > 0) put_addr(nlh, FRA_DST, r.to->network());
  if (!r.iif.empty()) mnl_attr_put_strz(nlh, FRA_IIFNAME, r.iif.c_str());
  end(nlh);
}

namespace {

// The NLMSGERR_ATTR_MSG of an error ack, if the kernel sent one.
std::string extack_message(const nlmsghdr* nlh) {
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return {};
  const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  size_t off = sizeof(nlmsgerr);
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) off += err->msg.nlmsg_len - sizeof(nlmsghdr);
  const char* start = static_cast<const char*>(mnl_nlmsg_get_payload(nlh)) + off;
  const char* stop = reinterpret_cast<const char*>(nlh) + nlh->nlmsg_len;
  std::string msg;
  for (const char* p = start; p + sizeof(nlattr) <= stop;) {
    const auto* a = reinterpret_cast<const nlattr*>(p);
    if (a->nla_len < sizeof(nlattr)) break;
    if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
      msg = std::string(p + NLA_HDRLEN, strnlen(p + NLA_HDRLEN, a->nla_len - NLA_HDRLEN));
    }
    p += NLA_ALIGN(a->nla_len);
  }
  return msg;
}

}  // namespace

Status NlSocket::flush() {
  if (what_.empty()) {
    if (deferred_) return *std::exchange(deferred_, std::nullopt);
    return {};
  }
  std::optional<Error> first = std::exchange(deferred_, std::nullopt);
  size_t expected = what_.size();
  if (mnl_socket_sendto(nl_, buf_.data(), used_) < 0) {
    Error e = errno_error("sendmsg(NETLINK_ROUTE)", "in ns " + ns_, errno);
    used_ = 0;
    what_.clear();
    first_seq_ = seq_;
    return first ? *first : e;
  }
  std::vector<char> rx(MNL_SOCKET_BUFFER_SIZE * 4);
  size_t acked = 0;
  while (acked < expected) {
    ssize_t n = mnl_socket_recvfrom(nl_, rx.data(), rx.size());
    if (n < 0) {
      if (!first) first = errno_error("recvmsg(NETLINK_ROUTE)", "in ns " + ns_, errno);
      break;
    }
    int len = static_cast<int>(n);
    for (auto* nlh = reinterpret_cast<nlmsghdr*>(rx.data()); mnl_nlmsg_ok(nlh, len);
         nlh = mnl_nlmsg_next(nlh, &len)) {
      if (nlh->nlmsg_type != NLMSG_ERROR) continue;
      ++acked;
      const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
      if (err->error != 0 && !first) {
        uint32_t idx = nlh->nlmsg_seq - first_seq_;
        std::string what = idx < what_.size() ? what_[idx] : "netlink request in ns " + ns_;
        first = Error{-err->error, what, "", extack_message(nlh)};
      }
    }
  }
  used_ = 0;
  what_.clear();
  first_seq_ = seq_;
  if (first) return *first;
  return {};
}

// A dump request answered message by message; `each` sees every reply of `reply_type`.
Status NlSocket::dump(uint16_t type, uint16_t reply_type, const void* header, size_t header_size,
                      const std::function<void(const nlmsghdr*)>& each) {
  if (auto s = flush(); !s) return s;
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  uint32_t seq = nlh->nlmsg_seq = seq_++;
  first_seq_ = seq_;
  std::memcpy(mnl_nlmsg_put_extra_header(nlh, header_size), header, header_size);
  const std::string what = type == RTM_GETLINK ? "RTM_GETLINK dump" : "RTM_GETROUTE dump";
  if (mnl_socket_sendto(nl_, nlh, nlh->nlmsg_len) < 0)
    return errno_error(what, "in ns " + ns_, errno);
  std::vector<char> rx(MNL_SOCKET_BUFFER_SIZE * 8);
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(nl_, rx.data(), rx.size());
    if (n < 0) return errno_error(what, "in ns " + ns_, errno);
    int len = static_cast<int>(n);
    for (auto* m = reinterpret_cast<nlmsghdr*>(rx.data()); mnl_nlmsg_ok(m, len);
         m = mnl_nlmsg_next(m, &len)) {
      if (m->nlmsg_seq != seq) continue;
      if (m->nlmsg_type == NLMSG_DONE) return {};
      if (m->nlmsg_type == NLMSG_ERROR) {
        const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(m));
        return errno_error(what, "in ns " + ns_, -err->error);
      }
      if (m->nlmsg_type == reply_type) each(m);
    }
  }
}

namespace {
// The attributes after a message's fixed header, type by type (mnl_attr_for_each relies on
// C's implicit void* conversion; walked by hand).
template <class F>
void for_each_attr(const nlmsghdr* m, size_t header_size, F&& f) {
  const char* p = static_cast<const char*>(mnl_nlmsg_get_payload_offset(m, header_size));
  const char* tail = static_cast<const char*>(mnl_nlmsg_get_payload_tail(m));
  while (p + sizeof(nlattr) <= tail) {
    const auto* a = reinterpret_cast<const nlattr*>(p);
    if (a->nla_len < sizeof(nlattr)) break;
    f(a);
    p += MNL_ALIGN(a->nla_len);
  }
}
}  // namespace

Result<std::map<std::string, int>> NlSocket::link_indexes() {
  ifinfomsg ifm{};
  ifm.ifi_family = AF_UNSPEC;
  std::map<std::string, int> out;
  auto s = dump(RTM_GETLINK, RTM_NEWLINK, &ifm, sizeof(ifm), [&](const nlmsghdr* m) {
    const auto* lm = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(m));
    for_each_attr(m, sizeof(ifinfomsg), [&](const nlattr* a) {
      if (mnl_attr_get_type(a) == IFLA_IFNAME) out[mnl_attr_get_str(a)] = lm->ifi_index;
    });
  });
  if (!s) return s.error();
  return out;
}

Result<std::set<std::pair<uint32_t, IpPrefix>>> NlSocket::routes(Family family) {
  rtmsg rtm{};
  rtm.rtm_family = af(family);
  std::set<std::pair<uint32_t, IpPrefix>> out;
  auto s = dump(RTM_GETROUTE, RTM_NEWROUTE, &rtm, sizeof(rtm), [&](const nlmsghdr* m) {
    const auto* rm = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(m));
    if (rm->rtm_family != af(family)) return;
    uint32_t table = rm->rtm_table;
    IpPrefix dst(IpAddr{}, rm->rtm_dst_len);
    dst.addr.family = family;
    for_each_attr(m, sizeof(rtmsg), [&](const nlattr* a) {
      const auto t = mnl_attr_get_type(a);
      if (t == RTA_TABLE) table = mnl_attr_get_u32(a);
      if (t == RTA_DST && mnl_attr_get_payload_len(a) == dst.addr.size())
        std::memcpy(dst.addr.bytes.data(), mnl_attr_get_payload(a), dst.addr.size());
    });
    out.insert({table, dst});
  });
  if (!s) return s.error();
  return out;
}

}  // namespace vpcemu
