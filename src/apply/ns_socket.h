// What making a plan (apply.cpp) and changing a running scenario (live.cpp) share: a netlink
// socket inside a namespace with its links' indexes, and a planned route as netlink sends it.
#pragma once
#include <map>
#include <string>

#include "compile/plan.h"
#include "kernel/netlink.h"
#include "util/result.h"

namespace vpcemu {

struct NsSocket {
  NlSocket sock;
  std::map<std::string, int> index;
  int of(const std::string& dev) const {
    auto it = index.find(dev);
    return it == index.end() ? 0 : it->second;  // 0: the kernel names the missing device
  }
};

// `indexes`: also ask the namespace's links (for messages that name a link by index).
Result<NsSocket> ns_socket(const std::string& ns, bool indexes = true);

NlSocket::Route netlink_route(const RoutePlan& r, int oif);

}  // namespace vpcemu
