// Probes run in threads; each thread enters its source namespace (setns is per thread) and
// creates its socket there, so the socket belongs to that namespace for its whole life.
#include "probe/probe.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/icmp6.h>
#include <netinet/ip.h>
#include <netinet/ip6.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

#include "kernel/fd.h"
#include "kernel/netns.h"

namespace vpcemu {

namespace {

using Clock = std::chrono::steady_clock;

// A socket address of the address's family.
struct SockAddr {
  sockaddr_storage ss{};
  socklen_t len = 0;
  sockaddr* get() { return reinterpret_cast<sockaddr*>(&ss); }
  int family() const { return ss.ss_family; }
};

SockAddr sockaddr_of(const IpAddr& ip, int port) {
  SockAddr a;
  if (ip.family == Family::kIpv4) {
    auto* sa = reinterpret_cast<sockaddr_in*>(&a.ss);
    sa->sin_family = AF_INET;
    sa->sin_port = htons(static_cast<uint16_t>(port));
    std::memcpy(&sa->sin_addr, ip.bytes.data(), 4);
    a.len = sizeof(sockaddr_in);
  } else {
    auto* sa = reinterpret_cast<sockaddr_in6*>(&a.ss);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons(static_cast<uint16_t>(port));
    std::memcpy(&sa->sin6_addr, ip.bytes.data(), 16);
    a.len = sizeof(sockaddr_in6);
  }
  return a;
}

IpAddr any_of(Family f) {
  IpAddr a;
  a.family = f;
  return a;
}

long remaining_ms(Clock::time_point deadline) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return ms < 0 ? 0 : ms;
}

std::string errno_word(int e) {
  switch (e) {
    case ECONNREFUSED:
      return "connection refused";
    case EHOSTUNREACH:
      return "host unreachable";
    case ENETUNREACH:
      return "network unreachable";
    case EACCES:
    case EPERM:
      return "rejected (" + std::string(strerror(e)) + ")";
    default:
      return strerror(e);
  }
}

ProbeResult tcp_probe(const ProbeSpec& s, int timeout_ms) {
  auto sa = sockaddr_of(s.dst, s.port);
  Fd fd(socket(sa.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return {false, std::string("socket: ") + strerror(errno)};
  if (connect(fd.get(), sa.get(), sa.len) == 0) return {true, "connected"};
  if (errno != EINPROGRESS) return {false, errno_word(errno)};
  pollfd p{fd.get(), POLLOUT, 0};
  int n = poll(&p, 1, timeout_ms);
  if (n == 0) return {false, "timeout (no answer)"};
  int err = 0;
  socklen_t len = sizeof(err);
  getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
  if (err == 0) return {true, "connected"};
  return {false, errno_word(err)};
}

ProbeResult udp_probe(const ProbeSpec& s, int timeout_ms) {
  auto sa = sockaddr_of(s.dst, s.port);
  Fd fd(socket(sa.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return {false, std::string("socket: ") + strerror(errno)};
  if (connect(fd.get(), sa.get(), sa.len) != 0) {
    return {false, errno_word(errno)};
  }
  const char msg[] = "vpcemu-probe";
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  // Two sends: a lost first datagram (e.g. while a neighbour resolves) is not a verdict.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (send(fd.get(), msg, sizeof(msg), 0) < 0) return {false, errno_word(errno)};
    auto until = attempt == 0 ? Clock::now() + std::chrono::milliseconds(timeout_ms / 2) : deadline;
    pollfd p{fd.get(), POLLIN, 0};
    while (poll(&p, 1, static_cast<int>(remaining_ms(until))) > 0) {
      char buf[512];
      ssize_t n = recv(fd.get(), buf, sizeof(buf), 0);
      if (n >= 0) return {true, "reply received"};
      // ICMP port/host unreachable arrives as an error on the connected socket.
      return {false, errno_word(errno)};
    }
  }
  return {false, "timeout (no reply)"};
}

uint16_t checksum(const void* data, size_t len) {
  const auto* p = static_cast<const uint8_t*>(data);
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) sum += (p[i] << 8) | p[i + 1];
  if (len & 1) sum += p[len - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return htons(static_cast<uint16_t>(~sum));
}

std::atomic<uint16_t> g_icmp_id{static_cast<uint16_t>(getpid() * 7)};

// ICMPv6 echo on a raw socket: the kernel fills in the checksum and hands back the ICMPv6
// message without its IPv6 header; the sender's address comes from recvfrom.
ProbeResult icmpv6_probe(const ProbeSpec& s, int timeout_ms) {
  Fd fd(socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6));
  if (!fd.valid()) return {false, std::string("raw socket: ") + strerror(errno)};
  const uint16_t id = g_icmp_id++;
  auto sa = sockaddr_of(s.dst, 0);
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (uint16_t seq = 1; seq <= 2; ++seq) {
    icmp6_hdr h{};
    h.icmp6_type = ICMP6_ECHO_REQUEST;
    h.icmp6_id = htons(id);
    h.icmp6_seq = htons(seq);
    if (sendto(fd.get(), &h, sizeof(h), 0, sa.get(), sa.len) < 0) return {false, errno_word(errno)};
    auto until = seq == 1 ? Clock::now() + std::chrono::milliseconds(timeout_ms / 2) : deadline;
    pollfd p{fd.get(), POLLIN, 0};
    while (poll(&p, 1, static_cast<int>(remaining_ms(until))) > 0) {
      uint8_t buf[1500];
      sockaddr_in6 from{};
      socklen_t fl = sizeof(from);
      ssize_t n = recvfrom(fd.get(), buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &fl);
      if (n < static_cast<ssize_t>(sizeof(icmp6_hdr))) continue;
      const auto* ic = reinterpret_cast<const icmp6_hdr*>(buf);
      const bool from_dst = std::memcmp(&from.sin6_addr, s.dst.bytes.data(), 16) == 0;
      if (ic->icmp6_type == ICMP6_ECHO_REPLY && ntohs(ic->icmp6_id) == id && from_dst)
        return {true, "echo reply"};
      // An error quotes the echo: its IPv6 header (40 bytes), then the echo's header.
      if (ic->icmp6_type == ICMP6_DST_UNREACH && n >= static_cast<ssize_t>(8 + 40 + 8)) {
        const auto* inner = reinterpret_cast<const ip6_hdr*>(buf + 8);
        const auto* iic = reinterpret_cast<const icmp6_hdr*>(buf + 8 + 40);
        if (std::memcmp(&inner->ip6_dst, s.dst.bytes.data(), 16) == 0 && ntohs(iic->icmp6_id) == id)
          return {false, "unreachable (ICMPv6 type 1 code " + std::to_string(ic->icmp6_code) + ")"};
      }
    }
  }
  return {false, "timeout (no echo reply)"};
}

ProbeResult icmp_probe(const ProbeSpec& s, int timeout_ms) {
  if (s.dst.family == Family::kIpv6) return icmpv6_probe(s, timeout_ms);
  Fd fd(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP));
  if (!fd.valid()) return {false, std::string("raw socket: ") + strerror(errno)};
  uint16_t id = g_icmp_id++;
  const uint32_t dst = s.dst.v4()->value;
  auto sa = sockaddr_of(s.dst, 0);
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (uint16_t seq = 1; seq <= 2; ++seq) {
    uint8_t pkt[16] = {};
    auto* h = reinterpret_cast<icmphdr*>(pkt);
    h->type = ICMP_ECHO;
    h->un.echo.id = htons(id);
    h->un.echo.sequence = htons(seq);
    h->checksum = checksum(pkt, sizeof(pkt));
    if (sendto(fd.get(), pkt, sizeof(pkt), 0, sa.get(), sa.len) < 0) {
      return {false, errno_word(errno)};
    }
    auto until = seq == 1 ? Clock::now() + std::chrono::milliseconds(timeout_ms / 2) : deadline;
    pollfd p{fd.get(), POLLIN, 0};
    while (poll(&p, 1, static_cast<int>(remaining_ms(until))) > 0) {
      uint8_t buf[1500];
      ssize_t n = recv(fd.get(), buf, sizeof(buf), 0);
      if (n < static_cast<ssize_t>(sizeof(iphdr))) continue;
      const auto* ip = reinterpret_cast<const iphdr*>(buf);
      size_t ihl = ip->ihl * 4u;
      if (n < static_cast<ssize_t>(ihl + sizeof(icmphdr))) continue;
      const auto* ic = reinterpret_cast<const icmphdr*>(buf + ihl);
      if (ic->type == ICMP_ECHOREPLY && ntohs(ic->un.echo.id) == id && ntohl(ip->saddr) == dst) {
        return {true, "echo reply"};
      }
      if (ic->type == ICMP_DEST_UNREACH && n >= static_cast<ssize_t>(ihl + 8 + sizeof(iphdr) + 8)) {
        const auto* inner = reinterpret_cast<const iphdr*>(buf + ihl + 8);
        const auto* iic = reinterpret_cast<const icmphdr*>(buf + ihl + 8 + inner->ihl * 4u);
        if (ntohl(inner->daddr) == dst && ntohs(iic->un.echo.id) == id) {
          return {false, "unreachable (ICMP type 3 code " + std::to_string(ic->code) + ")"};
        }
      }
    }
  }
  return {false, "timeout (no echo reply)"};
}

// Listeners that stand in for a service where none runs, for the duration of the probes.
class Responders {
 public:
  void add(const std::string& ns, ProbeProto proto, int port, Family family) {
    if (ns.empty() || proto == ProbeProto::kIcmp) return;
    auto key = std::make_tuple(ns, proto, port, family);
    if (!tried_.insert({key, true}).second) return;
    auto nsfd = netns_open(ns);
    if (!nsfd) return;
    auto g = NetnsGuard::enter(nsfd->get(), ns);
    if (!g) return;
    bool tcp = proto == ProbeProto::kTcp;
    auto sa = sockaddr_of(any_of(family), port);
    Fd fd(socket(sa.family(), (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    // One family per responder: an IPv4 one may stand beside an IPv6 one on the same port.
    if (family == Family::kIpv6) setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    // EADDRINUSE: a real service listens there already; the probe talks to it.
    if (bind(fd.get(), sa.get(), sa.len) != 0) return;
    if (tcp) {
      // The kernel completes handshakes from the backlog; nobody needs to accept.
      if (listen(fd.get(), 1024) != 0) return;
      tcp_.push_back(std::move(fd));
    } else {
      udp_.push_back(std::move(fd));
    }
  }

  void start() {
    if (udp_.empty()) return;
    echo_ = std::thread([this] {
      std::vector<pollfd> pfds;
      for (auto& f : udp_) pfds.push_back({f.get(), POLLIN, 0});
      while (!stop_) {
        if (poll(pfds.data(), pfds.size(), 50) <= 0) continue;
        for (auto& p : pfds) {
          if (!(p.revents & POLLIN)) continue;
          char buf[2048];
          sockaddr_storage from{};
          socklen_t fl = sizeof(from);
          ssize_t n = recvfrom(p.fd, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &fl);
          if (n > 0) sendto(p.fd, buf, n, 0, reinterpret_cast<sockaddr*>(&from), fl);
        }
      }
    });
  }

  ~Responders() {
    stop_ = true;
    if (echo_.joinable()) echo_.join();
  }

 private:
  std::map<std::tuple<std::string, ProbeProto, int, Family>, bool> tried_;
  std::vector<Fd> tcp_;
  std::vector<Fd> udp_;
  std::thread echo_;
  std::atomic<bool> stop_{false};
};

}  // namespace

std::vector<ProbeResult> run_probes(const std::vector<ProbeSpec>& specs, int timeout_ms,
                                    int concurrency) {
  Responders responders;
  for (const auto& s : specs)
    for (const auto& ns : s.dst_ns) responders.add(ns, s.proto, s.port, s.dst.family);
  responders.start();

  std::vector<ProbeResult> results(specs.size());
  std::atomic<size_t> next{0};
  auto worker = [&] {
    std::map<std::string, Fd> fds;
    for (size_t i; (i = next++) < specs.size();) {
      const auto& s = specs[i];
      auto t0 = Clock::now();
      auto nsfd = netns_open(s.src_ns);
      if (!nsfd) {
        results[i] = {false, nsfd.error().str()};
        continue;
      }
      auto g = NetnsGuard::enter(nsfd->get(), s.src_ns);
      if (!g) {
        results[i] = {false, g.error().str()};
        continue;
      }
      switch (s.proto) {
        case ProbeProto::kTcp:
          results[i] = tcp_probe(s, timeout_ms);
          break;
        case ProbeProto::kUdp:
          results[i] = udp_probe(s, timeout_ms);
          break;
        case ProbeProto::kIcmp:
          results[i] = icmp_probe(s, timeout_ms);
          break;
      }
      results[i].ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
    }
  };
  std::vector<std::thread> pool;
  int n = std::min<int>(concurrency, static_cast<int>(specs.size()));
  for (int i = 0; i < n; ++i) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  return results;
}

}  // namespace vpcemu
