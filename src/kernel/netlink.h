// rtnetlink through libmnl: one socket per namespace, messages batched into one sendmsg,
// every ack matched to the object it created so an error names it (with the extack text).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "util/net.h"
#include "util/result.h"

struct mnl_socket;
struct nlmsghdr;

namespace vpcemu {

class NlSocket {
 public:
  // Opens a NETLINK_ROUTE socket that lives in the namespace `nsfd` (entered only to open it).
  static Result<NlSocket> open_in(int nsfd, const std::string& ns_name);
  NlSocket(NlSocket&& o) noexcept;
  NlSocket& operator=(NlSocket&&) = delete;
  NlSocket(const NlSocket&) = delete;
  ~NlSocket();

  const std::string& ns() const { return ns_; }

  // Queue messages; they reach the kernel on flush() (or when the batch is full).
  // Both ends get `mtu`.
  void veth(const std::string& name, const std::string& mac, const std::string& peer_name,
            const std::string& peer_mac, int peer_nsfd, const std::string& peer_ns, uint32_t mtu);
  void link_up(const std::string& name);
  // Addresses, neighbours, routes and rules take either family (IpAddr, IpPrefix; an Ipv4 or a
  // Cidr converts to them); each message carries the family of its addresses.
  void address(int ifindex, const std::string& dev, const IpPrefix& addr);
  void neighbour(int ifindex, const std::string& dev, const IpAddr& ip, const std::string& mac);
  // A token-bucket filter as the device's root qdisc: at most rate_bps leave through it.
  void rate_limit(int ifindex, const std::string& dev, uint64_t rate_bps);
  struct Route {
    uint32_t table = 254;
    IpPrefix dst;  // its family is the route's; `via` must be of the same one
    bool blackhole = false;
    std::optional<IpAddr> via;
    int oif = 0;
    std::string dev;
    bool onlink = false;
    uint32_t metric = 0;
  };
  // kCreate fails if the route exists; kReplace changes the route of the same table,
  // destination and metric in one step (AWS's ReplaceRoute), or creates it.
  enum class RouteMode { kCreate, kReplace };
  void route(const Route& r, RouteMode mode = RouteMode::kCreate);
  // Deletes the route of r's table, destination and metric.
  void route_delete(const Route& r);
  struct Rule {
    uint32_t priority = 0;
    std::optional<uint32_t> fwmark;
    std::optional<IpPrefix> to;
    uint32_t table = 0;
    bool drop = false;  // FR_ACT_BLACKHOLE: discard silently instead of a lookup
    std::string iif;
    Family family = Family::kIpv4;  // the rule list it joins (that of `to` when given)
  };
  void rule(const Rule& r);
  // Deletes the rule with r's priority, selectors and action.
  void rule_delete(const Rule& r);

  // Sends what is queued and waits for every ack; the first failure names its object.
  Status flush();

  // ifname → ifindex of every link in the namespace.
  Result<std::map<std::string, int>> link_indexes();
  // (table, destination) of every route of the family in the namespace, all tables.
  Result<std::set<std::pair<uint32_t, IpPrefix>>> routes(Family family = Family::kIpv4);

 private:
  NlSocket() = default;
  nlmsghdr* begin(uint16_t type, uint16_t flags, std::string what);
  void rule_message(const Rule& r, uint16_t type, uint16_t flags);
  void end(nlmsghdr* nlh);
  Status dump(uint16_t type, uint16_t reply_type, const void* header, size_t header_size,
              const std::function<void(const nlmsghdr*)>& each);

  mnl_socket* nl_ = nullptr;
  std::string ns_;
  uint32_t portid_ = 0;
  uint32_t seq_ = 1;
  uint32_t first_seq_ = 1;
  std::vector<char> buf_;
  size_t used_ = 0;
  std::vector<std::string> what_;  // by seq - first_seq_
  std::optional<Error> deferred_;  // failure of an automatic flush, reported by flush()
};

}  // namespace vpcemu
