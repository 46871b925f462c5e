// A reference GENEVE appliance for gateway load balancer targets: the load balancer's packets
// go through this namespace's kernel (and the user's nftables rules) between two TUN passes.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <vector>

#include "daemons/geneve.h"
#include "daemons/gwlb.h"
#include "daemons/listen.h"
#include "kernel/netlink.h"
#include "kernel/tun.h"

namespace vpcemu {

namespace {

// Where a flow came from: the load balancer's address and the GENEVE header it sent (options
// included), which its packets going back carry unchanged.
struct Peer {
  sockaddr_in from{};
  std::vector<uint8_t> header;
};

bool write_proc(const std::string& key, const std::string& value) {
  std::ofstream f("/proc/sys/" + key);
  f << value;
  return static_cast<bool>(f);
}

}  // namespace

int run_appliance(const ApplianceOptions& o) {
  // The namespace forwards what the TUN delivers back into it; reverse-path filtering would
  // drop it (its sources are routed elsewhere).
  for (const char* k : {"net/ipv4/ip_forward", "net/ipv6/conf/all/forwarding"})
    if (!write_proc(k, "1")) std::cerr << "appliance: cannot set " << k << std::endl;
  write_proc("net/ipv4/conf/all/rp_filter", "0");
  write_proc("net/ipv4/conf/default/rp_filter", "0");
  auto tun = tun_open(o.tun, 8500);
  if (!tun) {
    std::cerr << "appliance: " << tun.error().str() << std::endl;
    return 1;
  }
  write_proc("net/ipv4/conf/" + o.tun + "/rp_filter", "0");
  // Everything the TUN delivers is routed back out of it (both families).
  Fd self(open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC));
  auto nl = NlSocket::open_in(self.get(), "this namespace");
  if (!nl) {
    std::cerr << "appliance: " << nl.error().str() << std::endl;
    return 1;
  }
  auto idx = nl->link_indexes();
  if (!idx) {
    std::cerr << "appliance: " << idx.error().str() << std::endl;
    return 1;
  }
  const int ifindex = idx->at(o.tun);
  std::vector<IpPrefix> families = {IpPrefix(Cidr{Ipv4{0}, 0})};
  std::ifstream v6off("/proc/sys/net/ipv6/conf/" + o.tun + "/disable_ipv6");
  int off = 1;
  if (v6off >> off && off == 0) families.push_back(*IpPrefix::parse("::/0"));  // IPv6 is on
  for (const IpPrefix& any : families) {
    nl->rule({100, std::nullopt, std::nullopt, o.table, false, o.tun, any.family()});
    nl->route({o.table, any, false, std::nullopt, ifindex, o.tun}, NlSocket::RouteMode::kReplace);
  }
  if (auto s = nl->flush(); !s) {
    std::cerr << "appliance: " << s.error().str() << std::endl;
    return 1;
  }
  Fd udp(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  sockaddr_in me{};
  me.sin_family = AF_INET;
  me.sin_port = htons(static_cast<uint16_t>(o.port));
  if (bind(udp.get(), reinterpret_cast<sockaddr*>(&me), sizeof(me)) != 0) {
    std::cerr << "appliance: bind UDP " << o.port << ": " << std::strerror(errno) << std::endl;
    return 1;
  }
  int health = -1;
  if (o.health_port > 0) {
    health = listen_tcp("0.0.0.0", o.health_port, "appliance health check");
    if (health < 0) return 1;
  }
  std::cout << "appliance: GENEVE on UDP " << o.port << " into " << o.tun << std::endl;
  std::map<FlowKey, Peer> flows;
  uint64_t in = 0, out = 0, unknown = 0;
  static uint8_t buf[65536];
  for (;;) {
    pollfd fds[3] = {{udp.get(), POLLIN, 0}, {tun->get(), POLLIN, 0}, {health, POLLIN, 0}};
    poll(fds, health >= 0 ? 3 : 2, -1);
    if (fds[0].revents & POLLIN) {
      for (;;) {
        Peer p;
        socklen_t fl = sizeof(p.from);
        ssize_t n =
            recvfrom(udp.get(), buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&p.from), &fl);
        if (n <= 0) break;
        auto h = geneve_parse(buf, static_cast<size_t>(n));
        if (!h) continue;
        auto key = flow_key(buf + h->length, static_cast<size_t>(n) - h->length);
        if (!key) continue;
        p.header.assign(buf, buf + h->length);
        auto [it, fresh] = flows.insert_or_assign(*key, std::move(p));
        if (fresh) {
          std::cout << "flow " << key->str() << " from " << inet_ntoa(it->second.from.sin_addr);
          if (h->aws)
            std::cout << " endpoint 0x" << std::hex << h->aws->endpoint_id << " cookie 0x"
                      << h->aws->flow_cookie << std::dec;
          std::cout << std::endl;
        }
        ++in;
        (void)!write(tun->get(), buf + h->length, static_cast<size_t>(n) - h->length);
      }
    }
    if (fds[1].revents & POLLIN) {
      for (;;) {
        ssize_t n = read(tun->get(), buf, sizeof(buf));
        if (n <= 0) break;
        auto key = flow_key(buf, static_cast<size_t>(n));
        auto it = key ? flows.find(*key) : flows.end();
        if (it == flows.end()) {
          ++unknown;  // not a flow the load balancer sent: nowhere to return it
          continue;
        }
        std::vector<uint8_t> pkt = it->second.header;
        pkt.insert(pkt.end(), buf, buf + n);
        sendto(udp.get(), pkt.data(), pkt.size(), 0,
               reinterpret_cast<const sockaddr*>(&it->second.from), sizeof(it->second.from));
        ++out;
      }
    }
    if (health >= 0 && (fds[2].revents & POLLIN)) {
      int c = accept4(health, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) {
        const char ok[] = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n";
        (void)!send(c, ok, sizeof(ok) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        close(c);
      }
    }
  }
  (void)in, (void)out, (void)unknown;
}

}  // namespace vpcemu
