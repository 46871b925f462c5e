// Gateway load balancers: GENEVE as AWS frames it, flow keys both directions share, and what
// validate says about load balancers and their endpoints.
#include "daemons/geneve.h"
#include "helpers.h"

using namespace vpcemu;
using namespace vpcemu::test;

namespace {

// An IPv4 TCP packet header (no payload): src:sport → dst:dport.
std::vector<uint8_t> tcp4(std::array<uint8_t, 4> src, uint16_t sport, std::array<uint8_t, 4> dst,
                          uint16_t dport) {
  std::vector<uint8_t> p(40, 0);
  p[0] = 0x45;
  p[3] = 40;
  p[8] = 64;
  p[9] = 6;
  std::copy(src.begin(), src.end(), p.begin() + 12);
  std::copy(dst.begin(), dst.end(), p.begin() + 16);
  p[20] = static_cast<uint8_t>(sport >> 8);
  p[21] = static_cast<uint8_t>(sport);
  p[22] = static_cast<uint8_t>(dport >> 8);
  p[23] = static_cast<uint8_t>(dport);
  return p;
}

}  // namespace

TEST_CASE("GENEVE carries AWS's three options and the inner packet") {
  auto inner = tcp4({10, 0, 1, 4}, 40000, {198, 51, 100, 20}, 80);
  auto g = geneve_encapsulate({0x0a0c45d8e0bb46fULL, 0, 0xdeadbeef}, inner.data(), inner.size());
  // Version 0, 8 words of options (three options: 4 + 8, 4 + 8, 4 + 4 bytes), IPv4 inside.
  REQUIRE(g.size() == 8 + 32 + inner.size());
  CHECK(g[0] == 8);
  CHECK(g[2] == 0x08);
  CHECK(g[3] == 0x00);
  CHECK(g[8] == 0x01);  // class 0x0108
  CHECK(g[9] == 0x08);
  CHECK(g[10] == 1);  // type 1: the endpoint
  CHECK(g[11] == 2);  // 2 words of data
  auto h = geneve_parse(g.data(), g.size());
  REQUIRE(h);
  REQUIRE(h->aws);
  CHECK(h->length == 40);
  CHECK(h->protocol == 0x0800);
  CHECK(h->aws->endpoint_id == 0x0a0c45d8e0bb46fULL);
  CHECK(h->aws->attachment_id == 0);
  CHECK(h->aws->flow_cookie == 0xdeadbeef);
  CHECK(std::equal(inner.begin(), inner.end(), g.begin() + 40));
}

TEST_CASE("GENEVE that is not, or lacks AWS's options, is told apart") {
  auto inner = tcp4({10, 0, 1, 4}, 40000, {198, 51, 100, 20}, 80);
  auto g = geneve_encapsulate({1, 2, 3}, inner.data(), inner.size());
  CHECK_FALSE(geneve_parse(g.data(), 7));  // short
  auto bad = g;
  bad[0] |= 0x40;  // version 1
  CHECK_FALSE(geneve_parse(bad.data(), bad.size()));
  bad = g;
  bad[0] = 0x3f;  // options longer than the packet
  CHECK_FALSE(geneve_parse(bad.data(), 60));
  bad = g;
  bad[2] = 0x65;  // Ethernet inside: not an L3 GENEVE of a GWLB
  bad[3] = 0x58;
  CHECK_FALSE(geneve_parse(bad.data(), bad.size()));
  // No options at all: a GENEVE header, but not one from a gateway load balancer.
  std::vector<uint8_t> plain = {0, 0, 0x08, 0x00, 0, 0, 0, 0};
  plain.insert(plain.end(), inner.begin(), inner.end());
  auto h = geneve_parse(plain.data(), plain.size());
  REQUIRE(h);
  CHECK_FALSE(h->aws);
  CHECK(h->length == 8);
}

TEST_CASE("a flow's two directions share one key and one hash") {
  auto there = tcp4({10, 0, 1, 4}, 40000, {198, 51, 100, 20}, 80);
  auto back = tcp4({198, 51, 100, 20}, 80, {10, 0, 1, 4}, 40000);
  auto other = tcp4({10, 0, 1, 4}, 40001, {198, 51, 100, 20}, 80);
  auto a = flow_key(there.data(), there.size());
  auto b = flow_key(back.data(), back.size());
  auto c = flow_key(other.data(), other.size());
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(c);
  CHECK(*a == *b);
  CHECK(flow_hash(*a) == flow_hash(*b));
  CHECK_FALSE(*a == *c);
  CHECK(a->str() == "tcp 10.0.1.4:40000 <-> 198.51.100.20:80");
  CHECK_FALSE(flow_key(there.data(), 10));
}

TEST_CASE("gateway load balancers and their endpoints are validated") {
  const std::string head =
      "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n"
      "      a: { cidr: 10.0.1.0/24 }\n      b: { cidr: 10.0.2.0/24 }\n"
      "    route_tables:\n      r:\n        routes: [ { destination: 0.0.0.0/0, target: "
      "endpoint/e } ]\n"
      "    endpoints:\n";
  SECTION("a working pair") {
    auto d = diagnose(head +
                      "      e: { type: gateway_load_balancer, service: "
                      "gateway_load_balancer/g, subnets: [a] }\n"
                      "    instances:\n      fw: { subnet: b }\n"
                      "gateway_load_balancers:\n"
                      "  g: { vpc: prod, subnets: [b], targets: [fw], health_check: { protocol: "
                      "http, port: 8080, path: /health } }\n");
    INFO(dump(d));
    CHECK_FALSE(d.has_errors());
  }
  SECTION("the endpoint's mistakes, each on its line") {
    auto d =
        diagnose(head +
                 "      e: { type: gateway_load_balancer, service: "
                 "gateway_load_balancer/x, subnets: [a, b], security_groups: [default] }\n"
                 "      i: { type: interface, service: gateway_load_balancer/x, subnets: [a] }\n"
                 "gateway_load_balancers:\n"
                 "  g: { vpc: prod, subnets: [c], targets: [nope], health_check: { protocol: "
                 "udp, interval: 1 } }\n");
    CHECK(has(d, Severity::kError, 12, "unknown gateway load balancer 'x'"));
    CHECK(has(d, Severity::kError, 12, "exactly one subnet"));
    CHECK(has(d, Severity::kError, 12, "has no security groups in AWS"));
    CHECK(has(d, Severity::kError, 13, "takes 'type: gateway_load_balancer'"));
    CHECK(has(d, Severity::kError, 15, "unknown subnet 'c'"));
    CHECK(has(d, Severity::kError, 15, "unknown target instance 'nope'"));
    CHECK(has(d, Severity::kError, 15, "protocol is tcp or http"));
    CHECK(has(d, Severity::kError, 15, "interval"));
  }
  SECTION("routes only to gateway load balancer endpoints") {
    auto d = diagnose(head + "      e: { type: interface, service: sqs, subnets: [a] }\n");
    CHECK(has(d, Severity::kError, 10, "is not a gateway load balancer endpoint"));
  }
}

TEST_CASE("a hub's default route table takes every attachment not associated elsewhere") {
  auto r = parse_scenario_text(
      "name: t\nvpcs:\n"
      "  a: { cidr: 10.1.0.0/16, subnets: { s: { cidr: 10.1.1.0/24 } } }\n"
      "  b: { cidr: 10.2.0.0/16, subnets: { s: { cidr: 10.2.1.0/24 } } }\n"
      "  c: { cidr: 10.3.0.0/16, subnets: { s: { cidr: 10.3.1.0/24 } } }\n"
      "transit_gateways:\n"
      "  hub:\n"
      "    default_route_table: main\n"
      "    appliance_mode: [c]\n"
      "    attachments:\n"
      "      a: { vpc: a, subnets: [s] }\n"
      "      b: { vpc: b, subnets: [s] }\n"
      "      c: { vpc: c, subnets: [s] }\n"
      "      far: { peering: other }\n"
      "    route_tables:\n"
      "      main: {}\n"
      "      inspection: { associations: [c] }\n"
      "  other:\n"
      "    attachments: { back: { peering: hub } }\n"
      "    route_tables: { rt: { associations: [back] } }\n",
      "t.yaml");
  validate(r.scenario, r.diags);
  INFO(dump(r.diags));
  CHECK_FALSE(r.diags.has_errors());
  const auto& hub = r.scenario.transit_gateways.at("hub");
  const auto& main = hub.route_tables.at("main");
  // c stays in its own table; the peering takes static routes only: neither is associated.
  CHECK(main.associations == std::vector<std::string>{"a", "b"});
  CHECK(main.propagations == std::vector<std::string>{"a", "b", "c"});
  CHECK(main.association_spans.at(0).line == 8);
  // The peering attachment, in no table, is still said to be so.
  CHECK(has(r.diags, Severity::kWarning, 14, "associated with no route table"));
}

TEST_CASE("a hub's default route table and appliance mode must name what exists") {
  auto d = diagnose(
      "name: t\nvpcs:\n"
      "  a: { cidr: 10.1.0.0/16, subnets: { s: { cidr: 10.1.1.0/24 } } }\n"
      "transit_gateways:\n"
      "  hub:\n"
      "    default_route_table: mian\n"
      "    appliance_mode: [x, far]\n"
      "    attachments:\n"
      "      a: { vpc: a, subnets: [s] }\n"
      "      far: { peering: other }\n"
      "    route_tables: { main: { associations: [a] } }\n"
      "  other:\n"
      "    attachments: { back: { peering: hub } }\n"
      "    route_tables: { rt: { associations: [back] } }\n");
  CHECK(has(d, Severity::kError, 6, "unknown route table 'mian'"));
  CHECK(has(d, Severity::kError, 7, "unknown attachment 'x'"));
  CHECK(has(d, Severity::kError, 7, "appliance mode is for VPC attachments"));
}

TEST_CASE("a gateway load balancer's targets need IPv4") {
  auto d = diagnose(
      "name: t\nvpcs:\n  sec:\n    cidr: 10.9.0.0/16\n    ipv6_cidr: auto\n    subnets:\n"
      "      a: { cidr: 10.9.1.0/24 }\n"
      "      v6: { ipv6_cidr: auto, ipv6_native: true }\n"
      "    instances:\n      fw: { subnet: v6 }\n"
      "gateway_load_balancers:\n  g: { vpc: sec, subnets: [a], targets: [fw] }\n");
  CHECK(has(d, Severity::kError, 12, "target 'fw' is IPv6-only; GENEVE reaches targets over IPv4"));
}
