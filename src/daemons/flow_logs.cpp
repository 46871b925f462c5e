// Flow log records from packets (flow_logs.h): the configuration, IP parsing, attribution to
// ENIs and aggregation over capture windows. Pure; flow_log_collector.cpp feeds it from NFLOG.
#include "daemons/flow_logs.h"

#include <arpa/inet.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "model/flow_logs.h"

namespace vpcemu {

FlowLogConfig parse_flow_log_config(const std::string& text, std::string* error) {
  FlowLogConfig c;
  try {
    auto j = nlohmann::json::parse(text);
    c.account = j.at("account");
    c.region = j.at("region");
    c.vpc_id = j.at("vpc_id");
    for (const auto& e : j.at("enis"))
      c.enis.push_back({e.at("port"), e.at("name"), e.at("eni_id"), e.at("instance_id"),
                        e.at("subnet_id"), e.at("interval"), e.at("format")});
  } catch (const std::exception& ex) {
    if (error) *error = ex.what();
  }
  return c;
}

bool parse_ip_packet(const uint8_t* d, size_t len, FlowPacket& p) {
  if (len < 1) return false;
  const int version = d[0] >> 4;
  size_t l4 = 0;
  if (version == 4 && len >= 20) {
    const size_t ihl = (d[0] & 0x0f) * 4u;
    p.bytes = (uint32_t{d[2]} << 8) | d[3];
    p.protocol = d[9];
    Ipv4 s{(uint32_t{d[12]} << 24) | (uint32_t{d[13]} << 16) | (uint32_t{d[14]} << 8) | d[15]};
    Ipv4 t{(uint32_t{d[16]} << 24) | (uint32_t{d[17]} << 16) | (uint32_t{d[18]} << 8) | d[19]};
    p.src = s;
    p.dst = t;
    l4 = ihl;
  } else if (version == 6 && len >= 40) {
    p.bytes = ((uint32_t{d[4]} << 8) | d[5]) + 40;
    p.protocol = d[6];
    p.src.family = p.dst.family = Family::kIpv6;
    std::copy(d + 8, d + 24, p.src.bytes.begin());
    std::copy(d + 24, d + 40, p.dst.bytes.begin());
    l4 = 40;  // extension headers are not followed: vpcemu's traffic has none
  } else {
    return false;
  }
  p.sport = p.dport = 0;
  p.tcp_flags = 0;
  if ((p.protocol == 6 || p.protocol == 17) && len >= l4 + 4) {
    p.sport = (d[l4] << 8) | d[l4 + 1];
    p.dport = (d[l4 + 2] << 8) | d[l4 + 3];
  }
  if (p.protocol == 6 && len >= l4 + 14) p.tcp_flags = d[l4 + 13];
  return true;
}

FlowLogAggregator::FlowLogAggregator(FlowLogConfig cfg, int64_t start)
    : cfg_(std::move(cfg)), start_(start) {}

std::vector<std::string> FlowLogAggregator::reconfigure(FlowLogConfig cfg) {
  auto out = flush(0, true);  // counted by the old list's ENIs
  cfg_ = std::move(cfg);
  return out;
}

const FlowLogEni* FlowLogAggregator::by_port(const std::string& port, size_t* index) const {
  if (port.empty()) return nullptr;
  for (size_t i = 0; i < cfg_.enis.size(); ++i)
    if (cfg_.enis[i].port == port) {
      *index = i;
      return &cfg_.enis[i];
    }
  return nullptr;
}

void FlowLogAggregator::record(size_t eni, const FlowPacket& p, bool ingress, bool reject) {
  const int interval = std::max(1, cfg_.enis[eni].interval);
  Key k{eni,         (p.time - start_) / interval,
        p.src.str(), p.dst.str(),
        p.sport,     p.dport,
        p.protocol,  reject,
        ingress};
  Agg& a = aggs_[k];
  if (a.packets == 0) a.start = p.time;
  a.packets++;
  a.bytes += p.bytes;
  a.end = p.time;
  a.v6 = p.src.family == Family::kIpv6;
  // AWS reports FIN, SYN, RST and SYN-ACK (18); ACK and PSH alone are not flags it logs.
  a.flags |= p.tcp_flags & 0x07;
  if ((p.tcp_flags & 0x12) == 0x12) a.flags |= 0x12;
}

void FlowLogAggregator::add(const FlowPacket& p) {
  size_t si = 0, di = 0;
  const bool sender = by_port(p.in, &si) != nullptr;
  const bool receiver = by_port(p.out, &di) != nullptr;
  if (p.prefix == "A") {
    if (sender) record(si, p, false, false);
    if (receiver) record(di, p, true, false);
  } else if (p.prefix == "R:sg-out" || p.prefix == "R:nacl-out") {
    if (sender) record(si, p, false, true);
  } else if (p.prefix == "R:sg-in" || p.prefix == "R:nacl-in") {
    if (sender) record(si, p, false, false);
    if (receiver) record(di, p, true, true);
  }
}

std::string FlowLogAggregator::render(const Key& k, const Agg& a) const {
  const FlowLogEni& e = cfg_.enis[k.eni];
  std::vector<std::string> names = flow_log_format_fields(e.format, nullptr);
  int version = 2;
  for (const auto& n : names)
    for (const auto& f : flow_log_fields())
      if (n == f.name) version = std::max(version, f.version);
  const bool ports = k.protocol == 6 || k.protocol == 17;
  auto value = [&](const std::string& n) -> std::string {
    if (n == "version") return std::to_string(version);
    if (n == "account-id") return cfg_.account;
    if (n == "interface-id") return e.eni_id;
    if (n == "srcaddr" || n == "pkt-srcaddr") return k.src;
    if (n == "dstaddr" || n == "pkt-dstaddr") return k.dst;
    if (n == "srcport") return std::to_string(ports ? k.sport : 0);
    if (n == "dstport") return std::to_string(ports ? k.dport : 0);
    if (n == "protocol") return std::to_string(k.protocol);
    if (n == "packets") return std::to_string(a.packets);
    if (n == "bytes") return std::to_string(a.bytes);
    if (n == "start") return std::to_string(a.start);
    if (n == "end") return std::to_string(a.end);
    if (n == "action") return k.reject ? "REJECT" : "ACCEPT";
    if (n == "log-status") return "OK";
    if (n == "vpc-id") return cfg_.vpc_id;
    if (n == "subnet-id") return e.subnet_id;
    if (n == "instance-id") return e.instance_id;
    if (n == "tcp-flags") return std::to_string(k.protocol == 6 ? a.flags : 0);
    if (n == "type") return a.v6 ? "IPv6" : "IPv4";
    if (n == "region") return cfg_.region;
    if (n == "flow-direction") return k.ingress ? "ingress" : "egress";
    return "-";
  };
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : " ") + value(n);
  return out;
}

std::vector<std::string> FlowLogAggregator::flush(int64_t now, bool all) {
  std::vector<std::string> out;
  for (auto it = aggs_.begin(); it != aggs_.end();) {
    const int interval = std::max(1, cfg_.enis[it->first.eni].interval);
    if (all || now >= start_ + (it->first.window + 1) * interval) {
      out.push_back(render(it->first, it->second));
      it = aggs_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

}  // namespace vpcemu
