// The walk of `vpcemu trace` (analyze/trace.h), shared by its files: the packet, the model's
// ENIs, translations on the way, and the Walker, whose steps live by construct —
// trace.cpp (the walk itself, the indexes, the starting points and destinations),
// trace_rules.cpp (security groups, network ACLs), trace_vpc.cpp (a VPC's routing and what its
// ENIs do: instances and appliances, NAT gateways, endpoints), trace_edges.cpp (the internet,
// its gateways, peerings, transit gateways, VPNs, Direct Connect, offices, client VPN).
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analyze/trace.h"

namespace vpcemu::tracing {

// Linux's default ephemeral ports (instances, hosts, offices) and a NAT gateway's (AWS).
inline constexpr PortRange kLinuxEphemeral{32768, 60999};
inline constexpr PortRange kNatEphemeral{1024, 65535};
inline constexpr int kMaxHops = 64;  // as Reachability Analyzer: a longer path is a loop

inline int protocol_number(Protocol p) {
  switch (p) {
    case Protocol::kTcp:
      return 6;
    case Protocol::kUdp:
      return 17;
    case Protocol::kIcmp:
      return 1;
    case Protocol::kIcmpv6:
      return 58;
    default:
      return -1;
  }
}

struct Pkt {
  IpAddr src, dst;
  Protocol proto = Protocol::kTcp;  // tcp, udp, icmp or icmpv6
  PortRange sport{0, 0}, dport{0, 0};
  int icmp_type = -1;
  bool v6() const { return dst.family == Family::kIpv6; }
  bool ports() const { return proto == Protocol::kTcp || proto == Protocol::kUdp; }
};

inline std::string range_text(const PortRange& r) {
  return r.from == r.to ? std::to_string(r.from)
                        : std::to_string(r.from) + "-" + std::to_string(r.to);
}

inline std::string pkt_text(const Pkt& p) {
  std::string s = std::string(protocol_name(p.proto)) + " " + p.src.str();
  if (p.ports()) s += ":" + range_text(p.sport);
  s += " → " + p.dst.str();
  if (p.ports()) s += ":" + range_text(p.dport);
  if (!p.ports() && p.icmp_type >= 0) s += " (type " + std::to_string(p.icmp_type) + ")";
  return s;
}

inline std::string traffic_text(const TrafficMatch& m) {
  std::string s = m.protocol == Protocol::kNumber ? "protocol " + std::to_string(m.protocol_number)
                                                  : protocol_name(m.protocol);
  if (m.ports) s += " " + range_text(*m.ports);
  if (m.icmp_type >= 0) s += " type " + std::to_string(m.icmp_type);
  return s;
}

// A rule's traffic (protocol, ports, ICMP type) against a packet at one destination port.
inline bool traffic_matches(const TrafficMatch& m, const Pkt& p, int port) {
  switch (m.protocol) {
    case Protocol::kAll:
      return true;
    case Protocol::kNumber:
      return m.protocol_number == protocol_number(p.proto);
    case Protocol::kTcp:
    case Protocol::kUdp:
      return m.protocol == p.proto && (!m.ports || (port >= m.ports->from && port <= m.ports->to));
    case Protocol::kIcmp:
    case Protocol::kIcmpv6:
      return m.protocol == p.proto && (m.icmp_type < 0 || m.icmp_type == p.icmp_type) &&
             (m.icmp_code < 0 || m.icmp_code == 0);
  }
  return false;
}

// An ENI of the model: whose, where, its addresses and groups.
struct Eni {
  enum class Kind {
    kInstance,
    kNat,
    kInterfaceEndpoint,
    kLoadBalancer,
    kGwlbEndpoint,
    kGwlb,
    kClientVpn
  };
  Kind kind = Kind::kInstance;
  std::string vpc, subnet, name;
  std::optional<Ipv4> ip;
  std::optional<IpAddr> ip6;
  std::vector<std::string> groups;  // empty: no security groups apply (gateways, nodes)
  const Instance* instance = nullptr;
  std::string label() const {
    switch (kind) {
      case Kind::kInstance:
        return "instance " + name;
      case Kind::kNat:
        return "NAT gateway " + name;
      case Kind::kInterfaceEndpoint:
        return "interface endpoint " + name + " (ENI in " + subnet + ")";
      case Kind::kLoadBalancer:
        return "load balancer of endpoint service " + name + " (node in " + subnet + ")";
      case Kind::kGwlbEndpoint:
        return "gateway load balancer endpoint " + name;
      case Kind::kGwlb:
        return "gateway load balancer " + name;
      case Kind::kClientVpn:
        return "client VPN endpoint " + name + " (ENI in " + subnet + ")";
    }
    return name;
  }
  bool owns(const IpAddr& a) const { return (ip && IpAddr(*ip) == a) || (ip6 && *ip6 == a); }
};

// A translation made on the way there, undone for the reply where it was made.
struct Nat {
  std::string where;
  IpAddr inside, outside;  // source address before and after
  PortRange inside_port, outside_port;
  std::optional<IpAddr> dst_before;  // a destination rewritten too (a load balancer's target)
  std::optional<IpAddr> dst_after;
};

struct Deny {
  std::string code, component, rule, reason, fix;
  SourceSpan span;
};

// A candidate route of a VPC route table, the table's own or one it gets.
struct VRoute {
  IpPrefix dst;
  int rank = 0;  // among equal prefixes the lowest: local, static, prefix list, propagated
  const Route* route = nullptr;
  std::string gateway_endpoint;  // a prefix-list route of a gateway endpoint
  std::string service;
  std::string text;
  SourceSpan span;
  bool vgw = false;  // propagated from the virtual private gateway
};

class Walker {
 public:
  Walker(const Scenario& sc, const Addressing& ad, TraceResult& out) : sc_(sc), ad_(ad), out_(out) {
    index();
  }

  // The walk: from the source, then the reply from wherever the packet arrived.
  void run(const std::function<bool(Pkt)>& start, Pkt p, const std::string& source);

  // --- starting points ---

  const Eni* eni_of_instance(const std::string& name) const;
  const Eni* eni_at(const std::string& vpc, const IpAddr& a) const;
  const Eni* eni_named(Eni::Kind k, const std::string& vpc, const std::string& name,
                       const std::string& subnet = "") const;

  static std::string eni_node(const Eni& e);

  bool leave_eni(const Eni& e, Pkt p);

  bool internet(Pkt p);

  bool onprem_router(const Onprem& o, Pkt p, bool from_lan);

  // A private address that reached the internet: the table that sent it there lacks a route
  // to a VPC it is connected to, or the instance needs a public address.
  std::string internet_private_fix(const std::string& instance) const;

  // How an office would reach a VPC privately: its transit gateway's table learns the VPC.
  std::string office_fix(const Onprem& o, const std::string& vpc) const;

  bool client_vpn(const ClientVpnEndpoint& e, Pkt p);

  Deny denied() const { return *deny_; }

  std::string arrived_;  // who received the packet last, and it as received
  Pkt arrived_pkt_;
  std::string source_node_;  // a source that is not an ENI (which says what it sends itself)

 private:
  // --- the model's indexes ---
  void index();

  static bool is_private(Ipv4 a);

  // --- bookkeeping ---
  bool step();
  void hop(const std::string& component, const std::string& detail, SourceSpan span);
  bool deny(Deny d);
  bool arrive(const std::string& who, const Pkt& p, std::function<bool(Pkt)> responder,
              const std::string& node = "");
  void finish();
  const Nat* find_nat(const std::string& where, const Pkt& p) const;

  // --- security groups ---
  bool is_member(const std::string& vpc, const std::string& group, const IpAddr& a) const;

  bool peer_matches(const Vpc& vpc, const Peer& peer, const IpAddr& a) const;

  static std::string peer_text(const Peer& p);

  // Union of the ENI's groups' rules in one direction; the first that matches is named.
  bool sg_check(const Eni& e, const Pkt& p, bool ingress);

  // --- network ACLs ---
  bool acl_check(const Vpc& vpc, const std::string& subnet, const Pkt& p, bool inbound);

  // --- VPC routing ---
  static std::optional<std::string> table_of(const Vpc& vpc, const std::string& subnet);
  static std::optional<std::string> edge_table(const Vpc& vpc, const std::string& gateway);

  std::optional<VRoute> lookup(const Vpc& vpc, const std::optional<std::string>& table,
                               const IpAddr& dst) const;

  static std::string table_label(const std::optional<std::string>& table);

  // The smallest change that gives a table a route to `dst`.
  std::string route_fix(const Vpc& vpc, const std::string& table, const Pkt& p,
                        const Eni* from) const;

  // A packet in the VPC router, looked up in a table (nullopt: the local route only, as for
  // what enters from a peering or from a gateway without a gateway route table).
  bool route_vpc(const Vpc& vpc, const std::optional<std::string>& table, Pkt p, const Eni* from);

  // --- what an ENI does with what it receives ---
  bool at_eni(const Eni& e, Pkt p);

  bool nat_gateway(const Vpc& vpc, const Eni& e, Pkt p);

  bool interface_endpoint(const Vpc& vpc, const Eni& e, Pkt p);

  // --- gateways ---
  bool igw_out(const Vpc& vpc, Pkt p, const Eni* from);

  bool igw_in(const Vpc& vpc, Pkt p);

  bool eigw_out(const Vpc& vpc, Pkt p);

  bool eigw_in(const Vpc& vpc, Pkt p);

  bool peering(const Peering& pc, const Vpc& from, Pkt p);

  static std::string vpn_attachment(const TransitGateway& t, const std::string& conn);

  // What an office learns over its VPN to a transit gateway: the VPCs propagated into the VPN
  // attachment's route table and that table's static routes not back to the office.
  std::vector<Cidr> office_routes(const TransitGateway& t, const std::string& att) const;

  bool tgw_in(const TransitGateway& t, const std::string& att, Pkt p);

  bool vgw_out(const Vpc& vpc, Pkt p);

  bool vgw_in(const Vpc& vpc, Pkt p);

  const Scenario& sc_;
  const Addressing& ad_;
  TraceResult& out_;
  std::vector<Eni> enis_;
  std::map<std::pair<std::string, IpAddr>, size_t> by_addr_;
  std::map<std::string, size_t> instance_eni_;
  std::vector<Nat> nats_;
  std::map<size_t, std::string> nat_vpc_;  // a load balancer's translation: the consumer's VPC
  std::set<std::string> eigw_out_;  // VPCs whose egress-only gateway the connection started by
  std::string node_, deny_node_;    // the graph node the walk is at; where it was denied
  std::string last_vpc_;            // the last VPC route table a packet was looked up in
  std::optional<std::string> last_table_;
  bool reply_ = false;
  int steps_ = 0;
  std::optional<Deny> deny_;
  std::function<bool(Pkt)> responder_;
};

}  // namespace vpcemu::tracing
