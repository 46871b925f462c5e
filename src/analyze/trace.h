// Static reachability: the path a packet takes through the scenario's AWS model — no kernel,
// no root — hop by hop (ENI, security group, network ACL, route table, gateway, peering,
// transit gateway, VPN, Direct Connect, endpoint, ...), then the reply's path back (network ACLs
// are stateless: the reply meets them with the client's ephemeral ports), and the verdict with
// the component and rule that decided it, Reachability Analyzer's explanation code where one
// fits, and the smallest change that would allow a denied path.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "model/addressing.h"
#include "model/scenario.h"

namespace vpcemu {

struct TraceQuery {
  std::string from;  // an instance, internet host, on-premises host or client VPN client
  std::string to;    // any of those, a service, an interface endpoint, or an address
  Protocol protocol = Protocol::kTcp;
  std::optional<int> port;
  int ip_version = 4;  // 6: over IPv6 (also when `to` is an IPv6 address)
};

struct TraceHop {
  std::string component;  // "security group web", "route table private", "internet gateway prod"
  std::string detail;     // what happened there: the rule or route that matched, a translation
  SourceSpan span;        // the scenario line of that rule or route (unknown: implicit)
  bool reply = false;     // on the reply's path
  std::string node;       // the topology graph's node it happens at (graph_ident)
};

struct TraceResult {
  bool allow = false;
  std::string code;         // Reachability Analyzer's explanation code (empty: none fits)
  std::string component;    // what decided a denial ("network ACL public (inbound)")
  std::string rule;         // the rule or route that decided, as text (empty: none matched)
  SourceSpan span;          // its line in the scenario (unknown: an implicit default)
  std::string reason;       // one sentence
  std::string fix;          // the smallest change that would allow it (deny only)
  bool reply = false;       // the denial is on the reply's path
  std::string denied_node;  // the graph node where it was denied
  // Instances with source/destination check off (and gateway load balancer targets) on the
  // path: their own software forwards, which trace cannot see; it assumes they pass the packet
  // (and source-NAT it when their `run:` masquerades).
  std::vector<std::string> appliances;
  std::vector<TraceHop> hops;
};

// Errors (an unknown `from`/`to`) come back in `error` with the result unset.
struct TraceOutcome {
  std::optional<TraceResult> result;
  std::string error;
};

// The scenario must have validated; `addr` is its assign_addresses().
TraceOutcome trace(const Scenario& sc, const Addressing& addr, const TraceQuery& q);

// The query an `expect:` entry stands for.
TraceQuery trace_query(const Expect& e);

// Text: the hops, one per line, then the verdict, its reason and the fix. `file` prefixes lines.
std::string trace_text(const TraceResult& r, const std::string& file);
// JSON (docs/json/trace.schema.json).
std::string trace_json(const TraceResult& r, const TraceQuery& q, const std::string& file);

}  // namespace vpcemu
