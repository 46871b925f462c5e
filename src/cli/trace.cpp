// vpcemu trace FILE|NAME FROM TO: the path one packet takes through the AWS model and its
// reply's path back, the verdict, what decided it and the smallest fix. No root, no kernel.
#include "analyze/trace.h"

#include <iostream>

#include "cli/load.h"
#include "cli/verbs.h"
#include "model/addressing.h"

namespace vpcemu::cli {

std::string trace_query_of(const TraceOptions& opt, TraceQuery& q) {
  q.from = opt.from;
  q.to = opt.to;
  q.ip_version = opt.ip_version;
  if (auto ip = IpAddr::parse(opt.to); ip && ip->family == Family::kIpv6) q.ip_version = 6;
  q.protocol = opt.protocol == "udp"    ? Protocol::kUdp
               : opt.protocol == "icmp" ? Protocol::kIcmp
                                        : Protocol::kTcp;
  if (opt.port > 0) q.port = opt.port;
  if (q.protocol != Protocol::kIcmp && !q.port) return opt.protocol + " needs --port";
  return "";
}

int cmd_trace(const std::string& run_dir, const std::string& arg, const TraceOptions& opt) {
  auto file = scenario_file_of(run_dir, arg, "trace");
  if (!file) return kExitInvalid;
  auto sc = load_scenario(*file, true);
  if (!sc) return kExitInvalid;
  TraceQuery q;
  if (auto e = trace_query_of(opt, q); !e.empty()) {
    std::cerr << "vpcemu trace: " << e << "\n";
    return kExitInvalid;
  }
  Diagnostics diags;
  const Addressing addr = assign_addresses(*sc, diags);
  TraceOutcome o = trace(*sc, addr, q);
  if (!o.result) {
    std::cerr << "vpcemu trace: " << o.error << "\n";
    return kExitInvalid;
  }
  if (opt.format == "json")
    std::cout << trace_json(*o.result, q, *file) << "\n";
  else
    std::cout << trace_text(*o.result, *file);
  return o.result->allow ? kExitOk : kExitFail;
}

}  // namespace vpcemu::cli
