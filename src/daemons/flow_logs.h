// VPC Flow Logs (`vpcemu flow-logs`, started by apply in a VPC router whose ENIs log): the
// router's nftables copy to NFLOG every packet a logged ENI sends or receives that the groups
// and NACLs passed (prefix "A") and every packet they dropped (prefix "R:<stage>"); the
// collector attributes each to the ENIs it crossed, as AWS records them per network interface,
// and aggregates per ENI, 5-tuple, direction and action over the ENI's aggregation interval
// into one record per capture window, in AWS's format (default version 2, or a custom one).
//
// Attribution, by what the packet's in and out ports are and where it was dropped:
//   passed            → the sending ENI: egress ACCEPT; the receiving ENI: ingress ACCEPT
//   R:sg-out, R:nacl-out (the sender's group or subnet)  → the sender: egress REJECT
//   R:sg-in, R:nacl-in (the receiver's group or subnet)  → the sender: egress ACCEPT, the
//                                                          receiver: ingress REJECT
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "util/net.h"

namespace vpcemu {

struct FlowLogEni {
  std::string port;  // the VPC router's interface of the ENI
  std::string name;  // instance (or "nat-gateway <name>")
  std::string eni_id, instance_id, subnet_id;
  int interval = 600;  // seconds (scaled)
  std::string format;  // "${version} ${account-id} ..."
};

struct FlowLogConfig {
  std::string account, region, vpc_id;
  std::vector<FlowLogEni> enis;
};
// From the JSON compile writes; an error message in `error` when it does not parse.
FlowLogConfig parse_flow_log_config(const std::string& json, std::string* error);

// One packet as NFLOG gave it.
struct FlowPacket {
  std::string prefix;   // "A", "R:sg-in", ...
  std::string in, out;  // interface names (empty: none)
  IpAddr src, dst;
  int protocol = 0;  // IANA number
  int sport = 0, dport = 0;
  uint32_t bytes = 0;  // the IP packet's length
  uint8_t tcp_flags = 0;
  int64_t time = 0;  // Unix seconds
};
// The packet of an NFLOG payload (an IPv4 or IPv6 header and what follows); false when it is
// neither.
bool parse_ip_packet(const uint8_t* data, size_t len, FlowPacket& p);

class FlowLogAggregator {
 public:
  FlowLogAggregator(FlowLogConfig cfg, int64_t start);
  void add(const FlowPacket& p);
  // Records (one text line each, without newline) of every capture window that ended by
  // `now`, or of all windows with `all` (the collector stopping).
  std::vector<std::string> flush(int64_t now, bool all = false);
  const FlowLogConfig& config() const { return cfg_; }
  bool logs(const std::string& port) const {
    size_t i = 0;
    return by_port(port, &i) != nullptr;
  }
  // A new ENI list (a live change): every open window is written first (returned).
  std::vector<std::string> reconfigure(FlowLogConfig cfg);

 private:
  struct Key {
    size_t eni;
    int64_t window;
    std::string src, dst;
    int sport, dport, protocol;
    bool reject, ingress;
    auto operator<=>(const Key&) const = default;
  };
  struct Agg {
    uint64_t packets = 0, bytes = 0;
    int64_t start = 0, end = 0;
    uint8_t flags = 0;
    bool v6 = false;
  };
  void record(size_t eni, const FlowPacket& p, bool ingress, bool reject);
  std::string render(const Key& k, const Agg& a) const;
  const FlowLogEni* by_port(const std::string& port, size_t* index) const;

  FlowLogConfig cfg_;
  int64_t start_;
  std::map<Key, Agg> aggs_;
};

// The collector: NFLOG group 1 of its namespace, records appended to `out`. Returns when
// SIGTERM or SIGINT arrives, after writing every open window.
int run_flow_logs(const std::string& config_path, const std::string& out);

}  // namespace vpcemu
