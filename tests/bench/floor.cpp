// The floor of scripts/bench-scale.sh: the network namespaces, veth pairs, addresses and routes
// of a scenario's plan made with as little as a program can do (libmnl, each namespace entered
// once per step, every message of a namespace in one send, nothing checked but the kernel's
// acks), to compare vpcemu's phases with. A benchmark tool, not installed.
//
// Standard input, one object per line (scripts/bench-scale.sh writes it from `vpcemu plan
// --format json`):
//   ns NAME
//   veth NS_A IF_A NS_B IF_B MTU
//   addr NS DEV ADDRESS/PREFIX
//   route NS TABLE DESTINATION/PREFIX unicast|blackhole VIA|- DEV|- ONLINK(0|1)   (IPv4)
// Prints each step's count and milliseconds. Removes nothing: the benchmark deletes the
// namespaces afterwards (ip netns delete).
#include <arpa/inet.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& what) {
  perror(what.c_str());
  exit(1);
}

int open_ns(const std::string& name) {
  int fd = open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) die("open /run/netns/" + name);
  return fd;
}

// As `ip netns add`: a file under /run/netns bound to a fresh namespace.
void make_ns(const std::string& name, int home) {
  const std::string path = "/run/netns/" + name;
  int fd = open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL, 0);
  if (fd < 0) die("create " + path);
  close(fd);
  if (unshare(CLONE_NEWNET) != 0) die("unshare");
  if (mount("/proc/self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) die("mount");
  if (setns(home, CLONE_NEWNET) != 0) die("setns home");
}

// One namespace's messages: queued, sent together, every ack read.
struct Batch {
  mnl_socket* nl;
  std::vector<char> buf = std::vector<char>(1 << 20);
  size_t used = 0;
  uint32_t seq = 1;
  unsigned sent = 0;

  explicit Batch() {
    nl = mnl_socket_open(NETLINK_ROUTE);
    if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) die("netlink");
  }
  ~Batch() { mnl_socket_close(nl); }
  nlmsghdr* add(uint16_t type, uint16_t flags) {
    if (used + 4096 > buf.size() || sent == 256) flush();  // acks must fit the receive buffer
    nlmsghdr* h = mnl_nlmsg_put_header(buf.data() + used);
    h->nlmsg_type = type;
    h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    h->nlmsg_seq = seq++;
    ++sent;
    return h;
  }
  void done(nlmsghdr* h) { used += MNL_ALIGN(h->nlmsg_len); }
  void flush() {
    if (!used) return;
    if (mnl_socket_sendto(nl, buf.data(), used) < 0) die("sendto");
    used = 0;
    char rx[MNL_SOCKET_BUFFER_SIZE];
    while (sent) {
      ssize_t n = mnl_socket_recvfrom(nl, rx, sizeof(rx));
      if (n < 0) die("recvfrom");
      for (auto* h = reinterpret_cast<nlmsghdr*>(rx); mnl_nlmsg_ok(h, static_cast<int>(n));
           h = mnl_nlmsg_next(h, reinterpret_cast<int*>(&n))) {
        if (h->nlmsg_type != NLMSG_ERROR) continue;
        auto* e = static_cast<nlmsgerr*>(mnl_nlmsg_get_payload(h));
        if (e->error) {
          errno = -e->error;
          die("netlink message " + std::to_string(h->nlmsg_seq));
        }
        --sent;
      }
    }
  }
};

ifinfomsg* link_header(nlmsghdr* h) {
  auto* ifm = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(h, sizeof(ifinfomsg)));
  ifm->ifi_family = AF_UNSPEC;
  return ifm;
}

struct Veth {
  std::string a, ifa, b, ifb;
  uint32_t mtu;
};
struct Addr {
  std::string dev, cidr;
};
struct Route {
  uint32_t table;
  std::string dst, type, via, dev;
  int onlink;
};

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main() {
  std::vector<std::string> names;
  std::vector<Veth> veths;
  std::map<std::string, std::vector<Addr>> addrs;
  std::map<std::string, std::vector<Route>> routes;
  size_t n_addrs = 0, n_routes = 0;
  for (std::string line; std::getline(std::cin, line);) {
    std::istringstream in(line);
    std::string kind, ns;
    in >> kind >> ns;
    if (kind == "ns") {
      names.push_back(ns);
    } else if (kind == "veth") {
      Veth v{ns, "", "", "", 0};
      in >> v.ifa >> v.b >> v.ifb >> v.mtu;
      veths.push_back(v);
    } else if (kind == "addr") {
      Addr a;
      in >> a.dev >> a.cidr;
      addrs[ns].push_back(a), ++n_addrs;
    } else if (kind == "route") {
      Route r;
      in >> r.table >> r.dst >> r.type >> r.via >> r.dev >> r.onlink;
      routes[ns].push_back(r), ++n_routes;
    }
  }
  int home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) die("open own netns");

  auto t = std::chrono::steady_clock::now();
  for (const auto& n : names) make_ns(n, home);
  printf("namespaces %zu %.0f ms\n", names.size(), ms_since(t));

  // Veth pairs from the first end's namespace, the peer's namespace by a handle; then every
  // second end and loopback up, from its own namespace.
  t = std::chrono::steady_clock::now();
  std::map<std::string, std::vector<const Veth*>> by_a, up;
  for (const auto& v : veths) by_a[v.a].push_back(&v), up[v.b].push_back(&v);
  for (const auto& [ns, list] : by_a) {
    int fd = open_ns(ns);
    if (setns(fd, CLONE_NEWNET) != 0) die("setns " + ns);
    close(fd);
    Batch b;
    std::vector<int> peers;
    for (const Veth* v : list) {
      peers.push_back(open_ns(v->b));
      nlmsghdr* h = b.add(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
      ifinfomsg* ifm = link_header(h);
      ifm->ifi_flags = ifm->ifi_change = IFF_UP;
      mnl_attr_put_strz(h, IFLA_IFNAME, v->ifa.c_str());
      mnl_attr_put_u32(h, IFLA_MTU, v->mtu);
      mnl_attr_put_u32(h, IFLA_NUM_TX_QUEUES, 1);
      mnl_attr_put_u32(h, IFLA_NUM_RX_QUEUES, 1);
      nlattr* info = mnl_attr_nest_start(h, IFLA_LINKINFO);
      mnl_attr_put_strz(h, IFLA_INFO_KIND, "veth");
      nlattr* data = mnl_attr_nest_start(h, IFLA_INFO_DATA);
      nlattr* peer = mnl_attr_nest_start(h, VETH_INFO_PEER);
      auto* pifm = static_cast<ifinfomsg*>(mnl_nlmsg_get_payload_tail(h));
      std::memset(pifm, 0, sizeof(*pifm));
      h->nlmsg_len += MNL_ALIGN(sizeof(ifinfomsg));
      mnl_attr_put_strz(h, IFLA_IFNAME, v->ifb.c_str());
      mnl_attr_put_u32(h, IFLA_MTU, v->mtu);
      mnl_attr_put_u32(h, IFLA_NUM_TX_QUEUES, 1);
      mnl_attr_put_u32(h, IFLA_NUM_RX_QUEUES, 1);
      mnl_attr_put_u32(h, IFLA_NET_NS_FD, static_cast<uint32_t>(peers.back()));
      mnl_attr_nest_end(h, peer);
      mnl_attr_nest_end(h, data);
      mnl_attr_nest_end(h, info);
      b.done(h);
      if (peers.size() == 128) {
        b.flush();
        for (int p : peers) close(p);
        peers.clear();
      }
    }
    b.flush();
    for (int p : peers) close(p);
  }
  for (const auto& n : names) up[n];  // loopback of every namespace
  for (const auto& [ns, list] : up) {
    int fd = open_ns(ns);
    if (setns(fd, CLONE_NEWNET) != 0) die("setns " + ns);
    close(fd);
    Batch b;
    std::vector<std::string> devs = {"lo"};
    for (const Veth* v : list) devs.push_back(v->ifb);
    for (const auto& d : devs) {
      nlmsghdr* h = b.add(RTM_NEWLINK, 0);
      ifinfomsg* ifm = link_header(h);
      ifm->ifi_flags = ifm->ifi_change = IFF_UP;
      mnl_attr_put_strz(h, IFLA_IFNAME, d.c_str());
      b.done(h);
    }
    b.flush();
  }
  if (setns(home, CLONE_NEWNET) != 0) die("setns home");
  printf("links %zu %.0f ms\n", veths.size(), ms_since(t));

  // Addresses and routes, a namespace at a time (links by name → index inside it).
  t = std::chrono::steady_clock::now();
  std::map<std::string, int> touched;
  for (const auto& [ns, _] : addrs) touched[ns];
  for (const auto& [ns, _] : routes) touched[ns];
  for (const auto& [ns, _] : touched) {
    int fd = open_ns(ns);
    if (setns(fd, CLONE_NEWNET) != 0) die("setns " + ns);
    close(fd);
    Batch b;
    for (const auto& a : addrs[ns]) {
      nlmsghdr* h = b.add(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
      auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(h, sizeof(ifaddrmsg)));
      in_addr ip{};
      const auto slash = a.cidr.find('/');
      inet_pton(AF_INET, a.cidr.substr(0, slash).c_str(), &ip);
      ifa->ifa_family = AF_INET;
      ifa->ifa_prefixlen = static_cast<uint8_t>(std::stoi(a.cidr.substr(slash + 1)));
      ifa->ifa_index = if_nametoindex(a.dev.c_str());
      mnl_attr_put_u32(h, IFA_LOCAL, ip.s_addr);
      mnl_attr_put_u32(h, IFA_ADDRESS, ip.s_addr);
      b.done(h);
    }
    for (const auto& r : routes[ns]) {
      nlmsghdr* h = b.add(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
      auto* rtm = static_cast<rtmsg*>(mnl_nlmsg_put_extra_header(h, sizeof(rtmsg)));
      in_addr dst{}, gw{};
      const auto slash = r.dst.find('/');
      inet_pton(AF_INET, r.dst.substr(0, slash).c_str(), &dst);
      rtm->rtm_family = AF_INET;
      rtm->rtm_dst_len = static_cast<uint8_t>(std::stoi(r.dst.substr(slash + 1)));
      rtm->rtm_table = RT_TABLE_UNSPEC;
      rtm->rtm_protocol = RTPROT_STATIC;
      rtm->rtm_scope = r.via == "-" ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
      rtm->rtm_type = r.type == "blackhole" ? RTN_BLACKHOLE : RTN_UNICAST;
      if (r.onlink) rtm->rtm_flags |= RTNH_F_ONLINK;
      mnl_attr_put_u32(h, RTA_TABLE, r.table);
      mnl_attr_put_u32(h, RTA_DST, dst.s_addr);
      if (r.via != "-" && inet_pton(AF_INET, r.via.c_str(), &gw) == 1)
        mnl_attr_put_u32(h, RTA_GATEWAY, gw.s_addr);
      if (r.dev != "-") mnl_attr_put_u32(h, RTA_OIF, if_nametoindex(r.dev.c_str()));
      b.done(h);
    }
    b.flush();
  }
  if (setns(home, CLONE_NEWNET) != 0) die("setns home");
  printf("addresses-routes %zu %.0f ms\n", n_addrs + n_routes, ms_since(t));
  return 0;
}
