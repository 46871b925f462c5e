// VPC Flow Logs: the scenario keys and their errors, what compile adds to a VPC router (the
// collector, NFLOG of what passes and of every group or NACL drop) only where flow logs are
// on, IP parsing, and the aggregator's attribution of a packet to ENIs, its capture windows
// and its record formats (version 2, and a custom one up to flow-direction, version 5).
#include "compile/compile.h"
#include "daemons/flow_logs.h"
#include "helpers.h"
#include "model/flow_logs.h"

using namespace vpcemu;
using namespace vpcemu::test;

namespace {

const std::string kHead =
    "name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    internet_gateway: true\n";

std::string nft_of(const Plan& p) {
  std::string s;
  for (const auto& n : p.nft)
    for (const auto& o : n.table.objects) {
      s += o.name + " {" + o.spec + "}\n";
      for (const auto& i : o.items) s += "  " + i + "\n";
    }
  return s;
}

FlowLogConfig config() {
  FlowLogConfig c{"111122223333", "us-east-1", "vpc-1", {}};
  c.enis.push_back({"e-a", "a", "eni-a", "i-a", "subnet-1", 60, kFlowLogDefaultFormat});
  c.enis.push_back({"e-b", "b", "eni-b", "i-b", "subnet-1", 60, kFlowLogDefaultFormat});
  return c;
}

FlowPacket pkt(const std::string& prefix, const std::string& in, const std::string& out,
               const char* src, const char* dst, int64_t t, uint32_t bytes = 100) {
  FlowPacket p;
  p.prefix = prefix;
  p.in = in;
  p.out = out;
  p.src = *IpAddr::parse(src);
  p.dst = *IpAddr::parse(dst);
  p.protocol = 6;
  p.sport = 40000;
  p.dport = 80;
  p.bytes = bytes;
  p.time = t;
  return p;
}

}  // namespace

TEST_CASE("flow logs: keys, intervals, formats and their errors") {
  auto ok = [](const std::string& y) {
    auto r = parse_scenario_text(y, "t.yaml");
    validate(r.scenario, r.diags);
    INFO(dump(r.diags));
    CHECK_FALSE(r.diags.has_errors());
    return r.scenario;
  };
  Scenario sc =
      ok(kHead +
         "    flow_logs: { aggregation_interval: 60 }\n    subnets:\n"
         "      a: { cidr: 10.0.1.0/24 }\n      b: { cidr: 10.0.2.0/24, flow_logs: false }\n"
         "    instances:\n      x: { subnet: a }\n      y: { subnet: b }\n"
         "      z: { subnet: b, flow_logs: true }\n");
  const Vpc& v = sc.vpcs.at("v");
  REQUIRE(sc.flow_logs_of(v, "a", &v.instances.at("x")));
  CHECK(sc.flow_logs_of(v, "a", &v.instances.at("x"))->aggregation_interval == 60);
  CHECK_FALSE(sc.flow_logs_of(v, "b", &v.instances.at("y")));  // the subnet turns it off
  CHECK(sc.flow_logs_of(v, "b", &v.instances.at("z")));        // the instance turns it on
  Scenario none = ok(kHead + "    subnets:\n      a: { cidr: 10.0.1.0/24 }\n");
  CHECK_FALSE(none.flow_logs_of(none.vpcs.at("v"), "a", nullptr));
  none.flow_logs_everywhere = true;  // up --flow-logs
  CHECK(none.flow_logs_of(none.vpcs.at("v"), "a", nullptr));

  auto d = diagnose(kHead + "    flow_logs: { aggregation_interval: 300 }\n");
  CHECK(has(d, Severity::kError, 6, "aggregation_interval is 60 or 600"));
  d = diagnose(kHead + "    flow_logs: { format: \"${version} ${srcadr}\" }\n");
  CHECK(has(d, Severity::kError, 6, "unknown field ${srcadr}"));
  d = diagnose(kHead +
               "    flow_logs: { format: \"${srcaddr}\" }\n    subnets:\n"
               "      a: { cidr: 10.0.1.0/24, flow_logs: { format: \"${dstaddr}\" } }\n");
  CHECK(has(d, Severity::kError, 8, "in one format"));
  d = diagnose(kHead + "    flow_logs: maybe\n");
  CHECK(d.has_errors());
}

TEST_CASE("flow logs: compile adds the collector and NFLOG only where they are on") {
  auto plan = [](const std::string& y) {
    auto r = parse_scenario_text(y, "t.yaml");
    validate(r.scenario, r.diags);
    REQUIRE_FALSE(r.diags.has_errors());
    return compile(r.scenario, "/s");
  };
  const std::string body =
      "    subnets:\n      a: { cidr: 10.0.1.0/24 }\n    instances:\n      x: { subnet: a }\n";
  Plan off = plan(kHead + body);
  CHECK(nft_of(off).find("log ") == std::string::npos);
  for (const auto& p : off.processes) CHECK(p.name.rfind("flow-logs", 0) != 0);

  Plan on = plan(kHead + "    flow_logs: true\n" + body);
  const std::string nft = nft_of(on);
  INFO(nft);
  CHECK(nft.find("flow-logs {type filter hook forward priority filter + 10; policy accept;}") !=
        std::string::npos);
  CHECK(nft.find("iifname @flow-logged log prefix \"A\" group 1 snaplen 128") != std::string::npos);
  CHECK(nft.find("log prefix \"R:sg-in\" group 1 snaplen 128 drop") != std::string::npos);
  CHECK(nft.find("log prefix \"R:sg-out\" group 1 snaplen 128 drop") != std::string::npos);
  CHECK(nft.find("log prefix \"R:nacl-in\" group 1 snaplen 128 drop") != std::string::npos);
  bool collector = false;
  for (const auto& p : on.processes)
    if (p.name == "flow-logs-v") {
      collector = true;
      CHECK(p.argv.at(1) == "flow-logs");
      CHECK(p.argv.at(5) == "@state/flowlogs/v.log");
    }
  CHECK(collector);
  bool config = false;
  for (const auto& f : on.files)
    if (f.path == "flowlogs/v.json") {
      config = true;
      std::string err;
      FlowLogConfig c = parse_flow_log_config(f.content, &err);
      CHECK(err.empty());
      REQUIRE(c.enis.size() == 1);
      CHECK(c.enis[0].name == "x");
      CHECK(c.enis[0].interval == 600);
      CHECK(c.enis[0].eni_id.rfind("eni-", 0) == 0);
    }
  CHECK(config);
}

TEST_CASE("flow logs: an IPv4 TCP and an IPv6 UDP packet as NFLOG copies them") {
  const uint8_t v4[] = {0x45, 0, 0, 60, 0,   0,  0x40, 0,  64,   6,    0, 0,
                        10,   0, 1, 10, 198, 51, 100,  20, 0x9c, 0x40, 0, 80,
                        0,    0, 0, 0,  0,   0,  0,    0,  0xa0, 0x02, 0, 0};
  FlowPacket p;
  REQUIRE(parse_ip_packet(v4, sizeof(v4), p));
  CHECK(p.src.str() == "10.0.1.10");
  CHECK(p.dst.str() == "198.51.100.20");
  CHECK(p.protocol == 6);
  CHECK(p.sport == 40000);
  CHECK(p.dport == 80);
  CHECK(p.bytes == 60);
  CHECK(p.tcp_flags == 0x02);
  uint8_t v6[48] = {0x60, 0, 0, 0, 0, 8, 17, 64};
  v6[8] = 0x20, v6[9] = 0x01, v6[23] = 1;    // 2001::1
  v6[24] = 0x20, v6[25] = 0x01, v6[39] = 2;  // 2001::2
  v6[40] = 0x13, v6[41] = 0x88, v6[42] = 0, v6[43] = 53;
  REQUIRE(parse_ip_packet(v6, sizeof(v6), p));
  CHECK(p.src.str() == "2001::1");
  CHECK(p.dst.str() == "2001::2");
  CHECK(p.protocol == 17);
  CHECK(p.sport == 5000);
  CHECK(p.dport == 53);
  CHECK(p.bytes == 48);
  const uint8_t junk[] = {0x10, 0, 0};
  CHECK_FALSE(parse_ip_packet(junk, sizeof(junk), p));
}

TEST_CASE("flow logs: each packet on the ENIs it crossed, ACCEPT or REJECT, per window") {
  FlowLogAggregator agg(config(), 1000);
  // a → b passed: a's egress and b's ingress; twice in the window.
  agg.add(pkt("A", "e-a", "e-b", "10.0.1.4", "10.0.1.5", 1001, 100));
  agg.add(pkt("A", "e-a", "e-b", "10.0.1.4", "10.0.1.5", 1010, 60));
  // From the internet gateway (not an ENI) to b, dropped by b's group: b's REJECT only.
  agg.add(pkt("R:sg-in", "igw", "e-b", "198.51.100.20", "10.0.1.5", 1020));
  // a's own subnet's NACL dropped what a sent: a's REJECT, nothing on b.
  agg.add(pkt("R:nacl-out", "e-a", "e-b", "10.0.1.4", "10.0.1.6", 1030));
  // b's group dropped what a sent: a's ACCEPT (it left a), b's REJECT.
  agg.add(pkt("R:sg-in", "e-a", "e-b", "10.0.1.4", "10.0.1.7", 1040));
  CHECK(agg.flush(1059).empty());  // the window (1000-1060) is still open
  std::vector<std::string> r = agg.flush(1060);
  std::sort(r.begin(), r.end());
  const std::vector<std::string> want = {
      "2 111122223333 eni-a 10.0.1.4 10.0.1.5 40000 80 6 2 160 1001 1010 ACCEPT OK",
      "2 111122223333 eni-a 10.0.1.4 10.0.1.6 40000 80 6 1 100 1030 1030 REJECT OK",
      "2 111122223333 eni-a 10.0.1.4 10.0.1.7 40000 80 6 1 100 1040 1040 ACCEPT OK",
      "2 111122223333 eni-b 10.0.1.4 10.0.1.5 40000 80 6 2 160 1001 1010 ACCEPT OK",
      "2 111122223333 eni-b 10.0.1.4 10.0.1.7 40000 80 6 1 100 1040 1040 REJECT OK",
      "2 111122223333 eni-b 198.51.100.20 10.0.1.5 40000 80 6 1 100 1020 1020 REJECT OK"};
  CHECK(r == want);
  // The next window is a record of its own; what is still open is written when it stops.
  agg.add(pkt("A", "e-a", "igw", "10.0.1.4", "198.51.100.20", 1070));
  CHECK(agg.flush(1100).empty());
  CHECK(agg.flush(0, true).size() == 1);
  // A packet between two ports without flow logs is nobody's record.
  agg.add(pkt("A", "igw", "n-x", "198.51.100.20", "10.0.1.9", 1200));
  CHECK(agg.flush(0, true).empty());
}

TEST_CASE("flow logs: a custom format up to version 5, TCP flags as AWS reports them") {
  FlowLogConfig c = config();
  c.enis[0].format =
      "${version} ${interface-id} ${vpc-id} ${instance-id} ${type} ${tcp-flags} "
      "${flow-direction} ${region} ${pkt-srcaddr}";
  FlowLogAggregator agg(c, 0);
  FlowPacket syn = pkt("A", "igw", "e-a", "198.51.100.20", "10.0.1.4", 5);
  syn.tcp_flags = 0x02;
  FlowPacket ack = syn;
  ack.tcp_flags = 0x10;  // ACK alone: not reported
  agg.add(syn);
  agg.add(ack);
  FlowPacket synack = pkt("A", "e-a", "igw", "10.0.1.4", "198.51.100.20", 5);
  synack.tcp_flags = 0x12;
  agg.add(synack);
  std::vector<std::string> r = agg.flush(60);
  std::sort(r.begin(), r.end());
  REQUIRE(r.size() == 2);
  CHECK(r[0] == "5 eni-a vpc-1 i-a IPv4 18 egress us-east-1 10.0.1.4");
  CHECK(r[1] == "5 eni-a vpc-1 i-a IPv4 2 ingress us-east-1 198.51.100.20");
}
