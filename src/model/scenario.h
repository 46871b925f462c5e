// The scenario model: plain value types mirroring the YAML contract, each with its source span.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/diag.h"
#include "util/net.h"

namespace vpcemu {

struct Route {
  SourceSpan span;
  std::optional<Cidr> destination;  // canonical; unset when the text did not parse
  SourceSpan destination_span;
  std::string target;  // "internet_gateway", "blackhole", "instance/web-1", ...
  SourceSpan target_span;
};

struct RouteTable {
  std::string name;
  SourceSpan span;
  std::vector<Route> routes;
};

struct Subnet {
  std::string name;
  SourceSpan span;
  std::optional<Cidr> cidr;  // canonical
  SourceSpan cidr_span;
  std::string route_table;  // empty: the VPC's main route table
  SourceSpan route_table_span;
};

struct Instance {
  std::string name;
  std::string vpc;
  SourceSpan span;
  std::string subnet;
  SourceSpan subnet_span;
  std::optional<Ipv4> private_ip;
  SourceSpan private_ip_span;
  bool public_ip = false;
  std::optional<Ipv4> elastic_ip;
  SourceSpan public_span;
  std::vector<std::string> run;  // argument vector; empty: nothing started
  SourceSpan run_span;
};

struct Vpc {
  std::string name;
  SourceSpan span;
  std::optional<Cidr> cidr;  // canonical
  SourceSpan cidr_span;
  bool internet_gateway = false;
  std::string main_route_table;  // empty: the implicit main table (local route only)
  SourceSpan main_route_table_span;
  std::map<std::string, Subnet> subnets;
  std::map<std::string, RouteTable> route_tables;
  std::map<std::string, Instance> instances;
};

struct InternetHost {
  std::string name;
  SourceSpan span;
  std::optional<Ipv4> ip;
  SourceSpan ip_span;
};

enum class Protocol { kTcp, kUdp, kIcmp, kAll };
const char* protocol_name(Protocol p);

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
  bool allow = true;
};

struct Scenario {
  std::string file;
  std::string name;
  SourceSpan name_span;
  std::map<std::string, Vpc> vpcs;
  std::map<std::string, InternetHost> hosts;
  std::vector<Expect> expects;

  // Instances across all VPCs, by name (names are unique across the scenario).
  const Instance* find_instance(const std::string& name) const;
};

inline const char* protocol_name(Protocol p) {
  switch (p) {
    case Protocol::kTcp: return "tcp";
    case Protocol::kUdp: return "udp";
    case Protocol::kIcmp: return "icmp";
    case Protocol::kAll: return "all";
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
