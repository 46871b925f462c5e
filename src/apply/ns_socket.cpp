// A netlink socket inside a namespace, and planned routes as netlink messages.
#include "apply/ns_socket.h"

#include "kernel/netns.h"

namespace vpcemu {

Result<NsSocket> ns_socket(const std::string& ns, bool indexes) {
  auto fd = netns_open(ns);
  if (!fd) return fd.error();
  auto sock = NlSocket::open_in(fd->get(), ns);
  if (!sock) return sock.error();
  if (!indexes) return NsSocket{std::move(*sock), {}};
  auto idx = sock->link_indexes();
  if (!idx) return idx.error();
  return NsSocket{std::move(*sock), std::move(*idx)};
}

NlSocket::Route netlink_route(const RoutePlan& r, int oif) {
  NlSocket::Route x;
  x.table = r.table;
  x.dst = r.dst;
  x.blackhole = r.type == RouteType::kBlackhole;
  x.via = r.via;
  x.dev = r.dev;
  x.oif = oif;
  x.onlink = r.onlink;
  x.metric = r.metric;
  return x;
}

}  // namespace vpcemu
