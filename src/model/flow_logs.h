// VPC Flow Logs' record fields (AWS's names, "${srcaddr}" in a custom format) and the default
// format, shared by the scenario parser (which checks a custom format), compile (which writes
// each VPC's configuration) and the collector (which writes the records).
#pragma once
#include <string>
#include <vector>

namespace vpcemu {

// Flow logs' NFLOG group in a VPC router's namespace, and the bytes of each packet it copies.
inline constexpr int kFlowLogGroup = 1;
inline constexpr int kFlowLogSnaplen = 128;

// version 2, the default format's fields, in its order.
inline const char* const kFlowLogDefaultFormat =
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} "
    "${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

struct FlowLogField {
  const char* name;
  int version;  // the record version that introduced it (a record's version is its highest)
};

// The fields vpcemu writes: version 2's, version 3's (vpc-id ... pkt-dstaddr), region (4) and
// flow-direction (5).
inline const std::vector<FlowLogField>& flow_log_fields() {
  static const std::vector<FlowLogField> f = {
      {"version", 2},     {"account-id", 2}, {"interface-id", 2},  {"srcaddr", 2},
      {"dstaddr", 2},     {"srcport", 2},    {"dstport", 2},       {"protocol", 2},
      {"packets", 2},     {"bytes", 2},      {"start", 2},         {"end", 2},
      {"action", 2},      {"log-status", 2}, {"vpc-id", 3},        {"subnet-id", 3},
      {"instance-id", 3}, {"tcp-flags", 3},  {"type", 3},          {"pkt-srcaddr", 3},
      {"pkt-dstaddr", 3}, {"region", 4},     {"flow-direction", 5}};
  return f;
}

// A format's field names in order; the unknown ones (not vpcemu's) in `unknown`.
inline std::vector<std::string> flow_log_format_fields(const std::string& format,
                                                       std::vector<std::string>* unknown) {
  std::vector<std::string> out;
  for (size_t i = format.find("${"); i != std::string::npos; i = format.find("${", i)) {
    const size_t e = format.find('}', i);
    if (e == std::string::npos) break;
    const std::string name = format.substr(i + 2, e - i - 2);
    bool known = false;
    for (const auto& f : flow_log_fields()) known |= name == f.name;
    if (known)
      out.push_back(name);
    else if (unknown)
      unknown->push_back(name);
    i = e;
  }
  return out;
}

}  // namespace vpcemu
