// Real-packet reachability probes: a TCP connect, a UDP exchange or an ICMP (ICMPv6) echo sent
// from inside one namespace, with a temporary responder in the destination where nothing
// listens. IPv4 and IPv6 alike.
#pragma once
#include <string>
#include <vector>

#include "util/net.h"

namespace vpcemu {

enum class ProbeProto { kTcp, kUdp, kIcmp };

struct ProbeSpec {
  std::string src_ns;
  std::vector<std::string> dst_ns;  // where responders may be started (the real destinations)
  IpAddr dst;                       // IPv4 or IPv6: the probe's socket is of its family
  ProbeProto proto = ProbeProto::kTcp;
  int port = 0;
};

struct ProbeResult {
  bool reached = false;
  std::string detail;  // "connected", "timeout", "connection refused", "unreachable", ...
  long ms = 0;
};

// Runs every probe concurrently (bounded), each with `timeout_ms`.
std::vector<ProbeResult> run_probes(const std::vector<ProbeSpec>& specs, int timeout_ms,
                                    int concurrency = 64);

}  // namespace vpcemu
