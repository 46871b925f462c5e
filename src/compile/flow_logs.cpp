// VPC Flow Logs: which ENIs of a VPC log (instances and NAT gateways whose VPC, subnet or own
// setting says so), what the VPC router's nftables tell the collector (every packet such an
// ENI sends or receives that the groups and NACLs passed; every drop by them), and the
// collector `vpcemu flow-logs` in the router's namespace, which aggregates per ENI and
// 5-tuple over the aggregation interval into the VPC's file in the run directory.
#include "model/flow_logs.h"

#include <nlohmann/json.hpp>

#include "compile/constructs.h"
#include "compile/security.h"
#include "compile/state_paths.h"

namespace vpcemu::compiling {

namespace {

constexpr const char* kAccount = "111122223333";  // as metadata.cpp's (AWS's example account)

struct LoggedEni {
  std::string port, name, eni_id, instance_id, subnet;
  FlowLogs logs;
};

std::vector<LoggedEni> logged_enis(CompileContext& cx, const VpcRouter& r) {
  const Vpc& vpc = r.vpc;
  std::vector<LoggedEni> out;
  for (const auto& [iname, in] : vpc.instances)
    if (auto f = cx.sc.flow_logs_of(vpc, in.subnet, &in))
      out.push_back({r.port_of.at(iname), iname, aws_id("eni", cx.sc.name + "/" + iname),
                     aws_id("i", cx.sc.name + "/" + iname), in.subnet, *f});
  for (const auto& [nname, nat] : vpc.nat_gateways)
    if (auto f = cx.sc.flow_logs_of(vpc, nat.subnet, nullptr))
      out.push_back({r.nat_port.at(nname), "nat-gateway " + nname,
                     aws_id("eni", cx.sc.name + "/nat/" + vpc.name + "/" + nname), "-", nat.subnet,
                     *f});
  return out;
}

}  // namespace

bool flow_logs_on(CompileContext& cx, const VpcRouter& r) {
  return !logged_enis(cx, r).empty();
}

void flow_logs(CompileContext& cx, const VpcRouter& r, NftTable& t) {
  using Kind = NftObject::Kind;
  using nlohmann::json;
  const std::vector<LoggedEni> enis = logged_enis(cx, r);
  if (enis.empty()) return;
  const Vpc& vpc = r.vpc;
  const std::string seed = cx.sc.name + "/" + vpc.name;
  json cfg = {{"account", kAccount},
              {"region", cx.sc.region},
              {"vpc_id", aws_id("vpc", seed)},
              {"enis", json::array()}};
  std::vector<std::string> ports;
  for (const auto& e : enis) {
    ports.push_back("\"" + e.port + "\"");
    cfg["enis"].push_back(
        {{"port", e.port},
         {"name", e.name},
         {"eni_id", e.eni_id},
         {"instance_id", e.instance_id},
         {"subnet_id", aws_id("subnet", seed + "/" + e.subnet)},
         {"interval", cx.sc.scaled(e.logs.aggregation_interval)},
         {"format", e.logs.format.empty() ? kFlowLogDefaultFormat : e.logs.format}});
  }
  t.objects.push_back({Kind::kSet, "flow-logged", "type ifname;", ports});
  // After the filter chain: only what the groups and NACLs passed reaches it.
  const std::string log = "log prefix \"A\" group " + std::to_string(kFlowLogGroup) + " snaplen " +
                          std::to_string(kFlowLogSnaplen);
  t.objects.push_back(
      {Kind::kChain,
       "flow-logs",
       "type filter hook forward priority filter + 10; policy accept;",
       {"iifname @flow-logged " + log, "oifname @flow-logged iifname != @flow-logged " + log}});
  const std::string config = state_paths::flow_logs_config(vpc.name);
  cx.plan.files.push_back({config, cfg.dump(2) + "\n"});
  ProcessPlan p{r.ns,
                "flow-logs-" + vpc.name,
                {"@self", "flow-logs", "--config", state_paths::kStatePrefix + config, "--out",
                 state_paths::kStatePrefix + state_paths::flow_logs_file(vpc.name)},
                "/",
                "",
                {},
                true};
  p.ready_file = state_paths::process_log(p.name);
  p.ready_text = "listening";
  p.ready_before_next = false;
  cx.plan.processes.push_back(p);
}

}  // namespace vpcemu::compiling
