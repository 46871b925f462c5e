// The scenario model: plain value types mirroring the YAML contract, each with its source span.
#pragma once
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/diag.h"
#include "util/net.h"

namespace vpcemu {

// Where a route sends traffic, read once from the text of `target:`: a kind and, for the kinds
// that name a resource, its name ("nat_gateway/nat-a" → kNatGateway, "nat-a").
struct RouteTarget {
  enum class Kind {
    kNone,  // no target given
    kInternetGateway,
    kEgressOnlyInternetGateway,
    kVpnGateway,
    kBlackhole,
    kNatGateway,
    kPeering,
    kInstance,
    kTransitGateway,
    kEndpoint,  // a gateway load balancer endpoint
    kUnknown,   // not a target vpcemu knows: `name` holds the text as written
  };
  Kind kind = Kind::kNone;
  std::string name;

  static RouteTarget parse(const std::string& text);
  std::string str() const;  // as written in the scenario
};

struct Route {
  SourceSpan span;
  std::optional<IpPrefix> destination;  // IPv4 or IPv6, canonical; unset when it did not parse
  SourceSpan destination_span;
  RouteTarget target;
  SourceSpan target_span;
};

struct RouteTable {
  std::string name;
  SourceSpan span;
  std::vector<Route> routes;
  // Gateways whose routes propagate into this table (AWS "route propagation"): vpn_gateway.
  std::vector<std::string> propagations;
  std::vector<SourceSpan> propagation_spans;
  // Gateways whose incoming traffic this table routes (a gateway route table, AWS "ingress
  // routing"): internet_gateway, vpn_gateway.
  std::vector<std::string> edge_associations;
  std::vector<SourceSpan> edge_association_spans;
};

// kNumber: any other IP protocol by its number (47 GRE, 50 ESP, 132 SCTP, ...), as AWS takes
// them; the rule's protocol_number holds it.
enum class Protocol { kTcp, kUdp, kIcmp, kIcmpv6, kAll, kNumber };
const char* protocol_name(Protocol p);

struct PortRange {
  int from = 0;
  int to = 65535;
  auto operator<=>(const PortRange&) const = default;
};

// The other end of a security-group rule: a CIDR, the members of a group, or a prefix list.
struct Peer {
  enum class Kind { kCidr, kGroup, kPrefixList } kind = Kind::kCidr;
  std::optional<IpPrefix> cidr;  // IPv4 or IPv6
  std::string vpc;   // for kGroup: the group's VPC (the rule's own VPC unless vpc/<v>/sg/<n>)
  std::string name;  // group or prefix-list name
};

// What a security-group or NACL rule matches besides addresses: a protocol, and ports (tcp,
// udp) or an ICMP type and code (icmp, icmpv6; -1 is any, as in AWS's API).
struct TrafficMatch {
  Protocol protocol = Protocol::kAll;
  int protocol_number = -1;  // with kNumber: 0-255
  SourceSpan protocol_span;
  std::optional<PortRange> ports;
  SourceSpan ports_span;
  int icmp_type = -1;
  SourceSpan icmp_type_span;
  int icmp_code = -1;
  SourceSpan icmp_code_span;
};

// VPC Flow Logs on a VPC, a subnet or an instance: records per ENI of what it sent and
// received, ACCEPT or REJECT (a security group or network ACL dropped it), aggregated over the
// interval (AWS: at most 600 s, or 60 s; scaled by time_scale). The narrowest setting wins.
struct FlowLogs {
  bool on = false;
  int aggregation_interval = 600;  // 60 or 600
  // The record's fields, as AWS's custom format ("${version} ${srcaddr} ..."); empty: the
  // default (version 2) format.
  std::string format;
  SourceSpan span;
};

struct SgRule : TrafficMatch {
  SourceSpan span;
  Peer peer;
  SourceSpan peer_span;
};

struct SecurityGroup {
  std::string name;
  SourceSpan span;
  std::vector<SgRule> ingress;
  // nullopt: no `egress` key, all outbound allowed (a new AWS group); empty: none at all.
  std::optional<std::vector<SgRule>> egress;
};

struct NaclRule : TrafficMatch {
  SourceSpan span;
  int number = 0;
  SourceSpan number_span;
  std::optional<IpPrefix> cidr;  // IPv4 or IPv6
  SourceSpan cidr_span;
  bool allow = false;
};

struct NetworkAcl {
  std::string name;
  SourceSpan span;
  std::vector<NaclRule> ingress;
  std::vector<NaclRule> egress;
};

struct Subnet {
  std::string name;
  SourceSpan span;
  std::optional<Cidr> cidr;  // canonical; none in an IPv6-only subnet
  SourceSpan cidr_span;
  std::optional<IpPrefix> ipv6_cidr;  // a /64 of the VPC's /56; for `auto`, set after parsing
  bool ipv6_auto = false;
  SourceSpan ipv6_cidr_span;
  bool ipv6_native = false;  // IPv6 only: no IPv4 CIDR, its ENIs have IPv6 addresses only
  SourceSpan ipv6_native_span;
  bool dns64 = false;  // the resolver synthesizes AAAA (64:ff9b::/96) for IPv4-only names
  SourceSpan dns64_span;
  std::string route_table;  // empty: the VPC's main route table
  SourceSpan route_table_span;
  std::string network_acl;  // empty: the VPC's default NACL
  SourceSpan network_acl_span;
  std::string availability_zone;  // empty: the region's first ("us-east-1a")
  SourceSpan availability_zone_span;
  std::optional<FlowLogs> flow_logs;
};

struct Instance {
  std::string name;
  std::string vpc;
  SourceSpan span;
  std::string subnet;
  SourceSpan subnet_span;
  std::optional<Ipv4> private_ip;
  SourceSpan private_ip_span;
  bool ipv6 = false;                   // an IPv6 address: ipv6_address, or the first free
  std::optional<IpAddr> ipv6_address;  // of the subnet's /64
  SourceSpan ipv6_span;
  bool public_ip = false;
  std::optional<Ipv4> elastic_ip;
  SourceSpan public_span;
  std::vector<std::string> run;  // argument vector; empty: nothing started
  SourceSpan run_span;
  std::vector<std::string> security_groups;  // empty: the VPC's default group
  std::vector<SourceSpan> security_group_spans;
  // EC2's source/destination check: on, the ENI sends only from and receives only for its own
  // addresses; off, it may forward (a NAT instance, a firewall) and its namespace forwards.
  bool source_dest_check = true;
  SourceSpan source_dest_check_span;
  // The instance metadata service's options, as EC2's metadata options.
  struct Metadata {
    bool tokens_required = false;  // http_tokens: required (IMDSv2 only)
    int hop_limit = 1;             // http_put_response_hop_limit, 1-64
    SourceSpan span;
  } metadata;
  std::optional<FlowLogs> flow_logs;
  // The ENI's connection tracking timeouts (seconds; unset: AWS's defaults, 432000, 180, 30).
  struct ConnectionTracking {
    std::optional<int> tcp_established;  // 60-432000
    std::optional<int> udp_stream;       // 60-180
    std::optional<int> udp;              // 30-60
  } connection_tracking;
};

struct NatGateway {
  std::string name;
  SourceSpan span;
  std::string subnet;
  SourceSpan subnet_span;
  std::optional<Ipv4> private_ip;  // else the first free address of the subnet
  SourceSpan private_ip_span;
  std::optional<Ipv4> elastic_ip;  // else one from the public pool
  SourceSpan elastic_ip_span;
};

// kNone: not given (the parser said so).
enum class EndpointType { kNone, kGateway, kInterface, kGatewayLoadBalancer };

// What an endpoint reaches, read once from `service:`: an AWS service by name ("s3"), or a
// provider's endpoint service ("endpoint_service/<name>").
struct EndpointTarget {
  bool endpoint_service = false;
  bool gateway_load_balancer = false;  // "gateway_load_balancer/<name>"
  std::string name;

  static EndpointTarget parse(const std::string& text);
  std::string str() const;  // as written in the scenario
  bool empty() const { return !endpoint_service && !gateway_load_balancer && name.empty(); }
};

// A VPC endpoint: `gateway` (S3, DynamoDB: a prefix-list route in route tables) or
// `interface` (an ENI per subnet that forwards to an AWS service or an endpoint service).
struct Endpoint {
  std::string name;
  SourceSpan span;
  EndpointType type = EndpointType::kNone;
  SourceSpan type_span;
  EndpointTarget service;
  SourceSpan service_span;
  std::vector<std::string> route_tables;
  std::vector<SourceSpan> route_table_spans;
  std::vector<std::string> subnets;
  std::vector<SourceSpan> subnet_spans;
  std::vector<std::string> security_groups;
  std::vector<SourceSpan> security_group_spans;
  bool private_dns = false;
  SourceSpan private_dns_span;
};

struct Vpc {
  std::string name;
  SourceSpan span;
  std::optional<Cidr> cidr;  // canonical
  SourceSpan cidr_span;
  std::optional<IpPrefix> ipv6_cidr;  // a /56; for `auto`, set by addressing from the pool
  bool ipv6_auto = false;
  SourceSpan ipv6_cidr_span;
  bool internet_gateway = false;
  bool egress_only_internet_gateway = false;
  SourceSpan egress_only_span;
  std::string main_route_table;  // empty: the implicit main table (local route only)
  SourceSpan main_route_table_span;
  std::map<std::string, Subnet> subnets;
  std::map<std::string, RouteTable> route_tables;
  std::map<std::string, Instance> instances;
  std::map<std::string, SecurityGroup>
      security_groups;                             // "default" here overrides the implicit one
  std::map<std::string, NetworkAcl> network_acls;  // "default" here overrides the implicit one
  std::map<std::string, NatGateway> nat_gateways;
  std::map<std::string, Endpoint> endpoints;
  // DNS attributes, as a new (non-default) AWS VPC has them.
  bool enable_dns_support = true;     // the resolver at base + 2 and 169.254.169.253 answers
  bool enable_dns_hostnames = false;  // public DNS names for instances with public addresses
  SourceSpan enable_dns_support_span, enable_dns_hostnames_span;
  bool dns_instance_names = false;  // vpcemu's opt-in: bare instance names resolve (not AWS)
  std::optional<FlowLogs> flow_logs;

  // The route table that routes a subnet: its own, or the VPC's main one (empty: the implicit
  // main table, the local route only).
  const std::string& route_table_of(const Subnet& s) const {
    return s.route_table.empty() ? main_route_table : s.route_table;
  }
};

// A Route 53 private hosted zone: records answered only in the VPCs associated with it.
struct DnsRecord {
  SourceSpan span;
  std::string name;  // as written: relative to the zone, "@" for its apex, or a full name
  SourceSpan name_span;
  std::string type;  // A, AAAA or CNAME
  SourceSpan type_span;
  std::vector<std::string> values;
  SourceSpan values_span;
};

struct HostedZone {
  std::string name;  // "corp.internal"
  SourceSpan span;
  std::vector<std::string> vpcs;
  std::vector<SourceSpan> vpc_spans;
  std::vector<DnsRecord> records;

  bool associated(const std::string& vpc) const {
    return std::find(vpcs.begin(), vpcs.end(), vpc) != vpcs.end();
  }
  // A record's full name: "db" → "db.corp.internal", "@" → the zone, a full name as it is.
  std::string fqdn(const std::string& n) const {
    if (n == "@" || n == name) return name;
    if (n.size() > name.size() &&
        n.compare(n.size() - name.size() - 1, std::string::npos, "." + name) == 0)
      return n;
    return n + "." + name;
  }
};

// An emulated AWS public service: a host on the emulated internet inside `cidr` that answers
// HTTP with the source address it saw.
struct Service {
  std::string name;
  SourceSpan span;  // unknown for built-ins
  Cidr cidr;
  SourceSpan cidr_span;
  std::vector<std::string> dns_names;
  bool gateway = false;  // reachable through gateway endpoints; has a prefix list pl/<name>
  Ipv4 address() const { return cidr.at(10); }
};

// The built-in services, overridable under `services:`.
std::map<std::string, Service> builtin_services();

// A provider's network load balancer exposed to consumers through interface endpoints.
struct EndpointService {
  std::string name;
  SourceSpan span;
  std::string vpc;
  SourceSpan vpc_span;
  std::vector<std::string> subnets;
  std::vector<SourceSpan> subnet_spans;
  int port = 0;
  SourceSpan port_span;
  std::vector<std::string> targets;
  std::vector<SourceSpan> target_spans;
};

// A Gateway Load Balancer: a node in its VPC's subnet that sends what its endpoints receive to a
// healthy target appliance in GENEVE (UDP 6081) and what comes back out through the endpoint.
struct GatewayLoadBalancer {
  std::string name;
  SourceSpan span;
  std::string vpc;
  SourceSpan vpc_span;
  std::vector<std::string> subnets;  // the node sits in the first
  std::vector<SourceSpan> subnet_spans;
  std::vector<std::string> targets;  // instances of the VPC
  std::vector<SourceSpan> target_spans;
  // The target group's health check, AWS's defaults for GENEVE targets.
  struct HealthCheck {
    bool http = false;  // protocol: http (a GET of `path` answered 200-399), else tcp (a connect)
    int port = 80;
    std::string path = "/";
    int interval = 10, timeout = 5, healthy_threshold = 5, unhealthy_threshold = 2;
    SourceSpan span;
  } health_check;
};

// NAT64's well-known prefix (RFC 6052): an IPv4 address in its last 32 bits.
inline const IpPrefix kNat64Prefix = *IpPrefix::parse("64:ff9b::/96");
// The IPv4 addresses vpcemu's NAT64 uses inside a NAT gateway (IETF protocol assignments;
// compile/compile.h has the pool and the translator's own): a VPC using NAT64 stays clear.
inline const Cidr kNat64Internal{Ipv4{0xC0000000}, 24};  // 192.0.0.0/24

inline constexpr const char* kDefaultGroup = "default";
inline constexpr const char* kDefaultAcl = "default";
// A subnet's network ACL: its own, or the VPC's default one.
inline std::string effective_acl(const Subnet& s) {
  return s.network_acl.empty() ? kDefaultAcl : s.network_acl;
}

// An on-premises network: a router with a public address on the emulated internet and a LAN.
struct OnpremHost {
  std::string name;
  SourceSpan span;
  std::optional<Ipv4> ip;
  SourceSpan ip_span;
};

struct Onprem {
  std::string name;
  SourceSpan span;
  std::optional<Cidr> cidr;
  SourceSpan cidr_span;
  std::optional<Ipv4> public_ip;
  SourceSpan public_ip_span;
  int asn = 65000;
  SourceSpan asn_span;
  std::map<std::string, OnpremHost> hosts;
};

// The virtual private gateway's BGP ASN (AWS's default Amazon-side ASN).
inline constexpr int kAmazonSideAsn = 64512;

enum class VpnRouting { kStatic, kBgp };

// A site-to-site VPN: two IPsec tunnels between the VPC's virtual private gateway and the
// on-premises router (the customer gateway).
struct VpnConnection {
  std::string name;
  SourceSpan span;
  std::string vpc;  // vpn_gateway: <vpc>
  SourceSpan vpc_span;
  std::string tgw;  // or transit_gateway: <name>
  SourceSpan tgw_span;
  std::string customer_gateway;  // an onprem network
  SourceSpan customer_gateway_span;
  // nullopt: the text was neither static nor bgp (the parser said so).
  std::optional<VpnRouting> routing = VpnRouting::kStatic;
  SourceSpan routing_span;
  std::vector<Cidr> static_routes;
  std::vector<SourceSpan> static_route_spans;
};

// Direct Connect: a private link (not the internet, not encrypted) between an on-premises
// router and a VPC's virtual private gateway, with BGP over it; at the gateway its routes are
// preferred over VPN routes for the same prefix.
struct DirectConnect {
  std::string name;
  SourceSpan span;
  std::string onprem;
  SourceSpan onprem_span;
  std::string vpc;  // gateway: <vpc> (its virtual private gateway)
  SourceSpan vpc_span;
  uint64_t bandwidth_bps = 1000000000;
  SourceSpan bandwidth_span;
  bool jumbo = false;  // the private VIF's MTU: 9001 instead of 1500
};

// Transit gateway: a regional router (a hub) with attachments and route tables of its own.
struct TgwAttachment {
  std::string name;
  SourceSpan span;
  std::string vpc;  // a VPC attachment
  SourceSpan vpc_span;
  std::string vpn;  // or a VPN attachment: the connection's name
  SourceSpan vpn_span;
  std::string peering;  // or a peering attachment: the other transit gateway
  SourceSpan peering_span;
  std::vector<std::string> subnets;      // its ENIs' subnets; the first one's route table routes
  std::vector<SourceSpan> subnet_spans;  // what arrives from the hub
};

struct TgwRoute {
  SourceSpan span;
  std::optional<Cidr> destination;
  SourceSpan destination_span;
  std::string attachment;  // or blackhole
  SourceSpan attachment_span;
  bool blackhole = false;
};

struct TgwRouteTable {
  std::string name;
  SourceSpan span;
  std::vector<std::string> associations, propagations;  // attachment names
  std::vector<SourceSpan> association_spans, propagation_spans;
  std::vector<TgwRoute> routes;
};

struct TransitGateway {
  std::string name;
  SourceSpan span;
  std::map<std::string, TgwAttachment> attachments;
  std::map<std::string, TgwRouteTable> route_tables;
  // AWS's default association and propagation route table: every VPC and VPN attachment not
  // associated elsewhere is associated with it, and every one propagates into it (the parser
  // writes these into the table's lists, with this key's span).
  std::string default_route_table;
  SourceSpan default_route_table_span;
  // VPC attachments in appliance mode (both directions of a flow through one attachment ENI).
  std::vector<std::string> appliance_mode;
  std::vector<SourceSpan> appliance_mode_spans;
};

enum class ClientVpnTransport { kOpenvpn, kWireguard };

// Client VPN: remote users' devices connect with mutual TLS; their traffic enters the VPC
// through an ENI in an associated subnet, source-NATed to that ENI's address.
struct ClientVpnEndpoint {
  std::string name;
  SourceSpan span;
  std::string vpc;
  SourceSpan vpc_span;
  std::vector<std::string> subnets;
  std::vector<SourceSpan> subnet_spans;
  std::optional<Cidr> client_cidr;
  SourceSpan client_cidr_span;
  ClientVpnTransport transport = ClientVpnTransport::kOpenvpn;
  SourceSpan transport_span;
  std::vector<Cidr> authorization;  // destinations clients may reach; nothing else
  std::vector<SourceSpan> authorization_spans;
  std::map<std::string, SourceSpan> clients;  // each a namespace on the internet
};

// A client's address in its endpoint's client CIDR: from the third address on, in name order
// (the endpoint has the second). WireGuard clients are given it; OpenVPN assigns its own, and
// trace, for which the address decides nothing (the endpoint NATs it), uses this one.
inline Ipv4 client_vpn_address(const ClientVpnEndpoint& e, const std::string& client) {
  uint64_t i = 2;
  for (const auto& [c, _] : e.clients) {
    if (c == client) break;
    ++i;
  }
  return e.client_cidr->at(i);
}

struct Peering {
  std::string name;
  SourceSpan span;
  std::string requester;
  SourceSpan requester_span;
  std::string accepter;
  SourceSpan accepter_span;
};

struct InternetHost {
  std::string name;
  SourceSpan span;
  std::optional<Ipv4> ip;
  SourceSpan ip_span;
  std::optional<IpAddr> ipv6;
  SourceSpan ipv6_span;
};

struct Expect {
  SourceSpan span;
  std::string from;
  SourceSpan from_span;
  std::string to;
  SourceSpan to_span;
  Protocol protocol = Protocol::kTcp;
  SourceSpan protocol_span;
  std::optional<int> port;
  SourceSpan port_span;
  int ip_version = 4;  // 6: probe over IPv6 (also when `to` is an IPv6 literal)
  SourceSpan ip_version_span;
  bool allow = true;
  // A `run:` entry: a command run inside `from` (an instance or host) whose exit status is the
  // verdict: `result: success` (exit 0, the default) or `failure` (any other status, or not
  // finished within `timeout` seconds). `to`, `protocol` and `port` do not apply.
  std::vector<std::string> run;
  SourceSpan run_span;
  int timeout_s = 30;
  bool runs() const { return !run.empty() || run_span.known(); }
};

struct Scenario {
  std::string file;
  std::string name;
  SourceSpan name_span;
  std::string region = "us-east-1";  // names, metadata; one region per scenario
  SourceSpan region_span;
  // Every AWS timeout (NAT gateway idle, connection tracking) multiplied by this, for fast tests.
  double time_scale = 1.0;
  SourceSpan time_scale_span;
  std::map<std::string, Vpc> vpcs;
  std::map<std::string, InternetHost> hosts;
  std::map<std::string, Peering> peerings;
  std::map<std::string, GatewayLoadBalancer> gateway_load_balancers;
  std::map<std::string, Onprem> onprem;
  std::map<std::string, VpnConnection> vpn_connections;
  std::map<std::string, DirectConnect> direct_connects;
  std::map<std::string, TransitGateway> transit_gateways;
  std::map<std::string, ClientVpnEndpoint> client_vpn_endpoints;
  std::map<std::string, Service> services;  // built-ins plus the file's own
  std::map<std::string, EndpointService> endpoint_services;
  std::map<std::string, HostedZone> private_hosted_zones;
  std::vector<Expect> expects;
  // `up --flow-logs`: flow logs on every VPC that sets none (not from the file).
  bool flow_logs_everywhere = false;

  // The flow logs an instance's ENI has: its own setting, its subnet's or its VPC's (the
  // narrowest given wins; `up --flow-logs` turns on what none sets).
  std::optional<FlowLogs> flow_logs_of(const Vpc& vpc, const std::string& subnet,
                                       const Instance* in) const {
    const std::optional<FlowLogs>* pick = &vpc.flow_logs;
    if (auto s = vpc.subnets.find(subnet); s != vpc.subnets.end() && s->second.flow_logs)
      pick = &s->second.flow_logs;
    if (in && in->flow_logs) pick = &in->flow_logs;
    if (*pick) return (*pick)->on ? *pick : std::nullopt;
    if (flow_logs_everywhere) return FlowLogs{true};
    return std::nullopt;
  }

  // The peering between two VPCs, if any.
  const Peering* peering_between(const std::string& a, const std::string& b) const {
    for (const auto& [_, p] : peerings)
      if ((p.requester == a && p.accepter == b) || (p.requester == b && p.accepter == a)) return &p;
    return nullptr;
  }

  // Whether two VPCs reach each other's private addresses: peered, or attached to one hub or
  // to two peered hubs.
  bool privately_connected(const std::string& a, const std::string& b) const {
    if (peering_between(a, b)) return true;
    auto hubs_of = [&](const std::string& vpc) {
      std::vector<std::string> hubs;
      for (const auto& [name, t] : transit_gateways)
        for (const auto& [_, x] : t.attachments)
          if (x.vpc == vpc) hubs.push_back(name);
      return hubs;
    };
    for (const auto& ha : hubs_of(a))
      for (const auto& hb : hubs_of(b)) {
        if (ha == hb) return true;
        for (const auto& [_, x] : transit_gateways.at(ha).attachments)
          if (x.peering == hb) return true;
      }
    return false;
  }

  // Whether the VPC has a virtual private gateway (a VPN connection or a Direct Connect).
  bool has_vpn_gateway(const std::string& vpc) const {
    for (const auto& [_, c] : vpn_connections)
      if (c.vpc == vpc) return true;
    for (const auto& [_, d] : direct_connects)
      if (d.vpc == vpc) return true;
    return false;
  }

  // Instances across all VPCs, by name (names are unique across the scenario).
  const Instance* find_instance(const std::string& name) const;

  // A timeout of AWS's in seconds, scaled by time_scale (at least 1 s).
  int scaled(int seconds) const {
    const double s = seconds * time_scale + 0.5;
    return s < 1 ? 1 : static_cast<int>(s);
  }

  // A subnet's availability zone: its own, or the region's first.
  std::string zone_of(const Subnet& s) const {
    return s.availability_zone.empty() ? region + "a" : s.availability_zone;
  }
};

// Names AmazonProvidedDNS gives (EC2 guide, instance naming): ip-10-0-1-10.ec2.internal in
// us-east-1, ip-10-0-1-10.<region>.compute.internal elsewhere; public names
// ec2-203-0-113-1.compute-1.amazonaws.com, ec2-....<region>.compute.amazonaws.com.
std::string private_dns_suffix(const std::string& region);
std::string private_dns_name(const Ipv4& ip, const std::string& region);
std::string public_dns_name(const Ipv4& ip, const std::string& region);
// A resource ID as AWS spells them, stable for a seed: "i-" + 17 hex digits.
std::string aws_id(const std::string& prefix, const std::string& seed);

inline const char* protocol_name(Protocol p) {
  switch (p) {
    case Protocol::kTcp:
      return "tcp";
    case Protocol::kUdp:
      return "udp";
    case Protocol::kIcmp:
      return "icmp";
    case Protocol::kIcmpv6:
      return "icmpv6";
    case Protocol::kAll:
      return "all";
    case Protocol::kNumber:
      return "number";
  }
  return "?";
}

inline const Instance* Scenario::find_instance(const std::string& n) const {
  for (const auto& [_, vpc] : vpcs) {
    auto it = vpc.instances.find(n);
    if (it != vpc.instances.end()) return &it->second;
  }
  return nullptr;
}

}  // namespace vpcemu

namespace vpcemu {

inline std::map<std::string, Service> builtin_services() {
  auto svc = [](const char* name, const char* cidr, std::vector<std::string> dns, bool gw) {
    return Service{name, {}, *Cidr::parse(cidr), {}, std::move(dns), gw};
  };
  return {
      {"s3", svc("s3", "52.216.0.0/15", {"s3.amazonaws.com", "s3.us-east-1.amazonaws.com"}, true)},
      {"dynamodb", svc("dynamodb", "3.218.180.0/22", {"dynamodb.us-east-1.amazonaws.com"}, true)},
      {"sqs", svc("sqs", "3.236.169.0/24", {"sqs.us-east-1.amazonaws.com"}, false)}};
}

}  // namespace vpcemu
