// What the validation of every construct shares: the scenario, the diagnostics, the one name
// space of everything `vpcemu exec` can enter, the public addresses claimed so far, and small
// helpers (did-you-mean references, CIDR sizes, port rules).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/scenario.h"
#include "util/diag.h"

namespace vpcemu::validation {

struct Validation {
  const Scenario& sc;
  Diagnostics& d;
  std::map<std::string, SourceSpan> endpoints;  // exec-able names → where they are defined
  std::map<uint32_t, std::pair<std::string, SourceSpan>> publics;  // public address → owner

  // A name in the one name space of instances, hosts, clients and services.
  void claim(const std::string& name, SourceSpan span, const std::string& what);
  // A public address: routable, outside every VPC, used once.
  void claim_public(Ipv4 ip, const std::string& owner, SourceSpan span);
};

std::string names_of(const std::vector<std::string>& v);
void unknown_ref(Diagnostics& d, SourceSpan span, const std::string& kind, const std::string& name,
                 const std::vector<std::string>& known, const std::string& where);
// An on-premises network reached over `via` must not overlap a VPC it reaches.
void check_onprem_overlap(Diagnostics& d, SourceSpan at, const Onprem& o, const Vpc& v,
                          const std::string& via, const std::string& how = "");
// BGP between an on-premises router (`who`) and a virtual private gateway needs two ASNs.
void check_bgp_asn(Diagnostics& d, SourceSpan fallback, const Onprem& o, const std::string& who,
                   const std::string& over);
void check_cidr_size(Diagnostics& d, const Cidr& c, SourceSpan span, const std::string& what);
// A rule's protocol with its ports or ICMP type and code: each only where it applies.
void check_match(Diagnostics& d, const TrafficMatch& m, SourceSpan rule_span);
std::vector<std::string> group_names(const Vpc& vpc);

template <typename Map>
std::vector<std::string> keys(const Map& m) {
  std::vector<std::string> out;
  for (const auto& [k, _] : m) out.push_back(k);
  return out;
}

// What `name` refers to in `m`, or nullptr after reporting it unknown (with the nearest known
// name). An empty name is a missing key, which the parser has reported already.
template <typename Map>
const typename Map::mapped_type* resolve(Diagnostics& d, const Map& m, const std::string& name,
                                         SourceSpan span, const std::string& kind,
                                         const std::string& where) {
  if (auto it = m.find(name); it != m.end()) return &it->second;
  if (!name.empty()) unknown_ref(d, span, kind, name, keys(m), where);
  return nullptr;
}

// Every name of a list refers to something in `m`; each one that does not is reported.
template <typename Map>
void resolve_all(Diagnostics& d, const Map& m, const std::vector<std::string>& names,
                 const std::vector<SourceSpan>& spans, const std::string& kind,
                 const std::string& where) {
  for (size_t i = 0; i < names.size(); ++i)
    if (!m.count(names[i])) unknown_ref(d, spans[i], kind, names[i], keys(m), where);
}

// Subnets that must have IPv4 (for `what`: a NAT gateway, endpoint, load balancer, client VPN
// or transit gateway attachment, whose ENIs are IPv4 here): an IPv6-only one is an error.
void ipv4_subnets_only(Diagnostics& d, const Vpc& vpc, const std::vector<std::string>& names,
                       const std::vector<SourceSpan>& spans, const std::string& what);
// Target instances (of a load balancer) that have an IPv4 address: `how` the load balancer
// reaches them ("GENEVE reaches targets").
void ipv4_targets_only(Diagnostics& d, const Vpc& vpc, const std::vector<std::string>& names,
                       const std::vector<SourceSpan>& spans, const std::string& how);

}  // namespace vpcemu::validation
