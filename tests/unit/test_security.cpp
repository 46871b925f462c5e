// Security-group and NACL compilation: first-match decomposition, unions, staged diffs.
#include <algorithm>
#include <set>

#include "compile/intervals.h"
#include "compile/nft_text.h"
#include "compile/plan.h"
#include "compile/security.h"
#include "daemons/bird.h"
#include "daemons/strongswan.h"
#include "helpers.h"

using namespace vpcemu;
using namespace vpcemu::test;

namespace {

NaclRule rule(int n, Protocol p, const char* cidr, std::optional<PortRange> ports, bool allow) {
  NaclRule r;
  r.number = n;
  r.protocol = p;
  r.cidr = Cidr::parse(cidr);
  r.ports = ports;
  r.allow = allow;
  return r;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// Does any element "proto . addresses . ports" match this packet?
bool allows(const std::vector<std::string>& elements, const std::string& proto, const char* ip,
            uint32_t port) {
  uint32_t a = Ipv4::parse(ip)->value;
  for (const auto& e : elements) {
    auto d1 = e.find(" . "), d2 = e.rfind(" . ");
    if (e.substr(0, d1) != proto) continue;
    std::string addr = e.substr(d1 + 3, d2 - d1 - 3), ports = e.substr(d2 + 3);
    uint32_t lo, hi;
    if (auto c = Cidr::parse(addr)) {
      lo = c->network().value, hi = c->last().value;
    } else if (auto dash = addr.find('-'); dash != std::string::npos) {
      lo = Ipv4::parse(addr.substr(0, dash))->value, hi = Ipv4::parse(addr.substr(dash + 1))->value;
    } else {
      lo = hi = Ipv4::parse(addr)->value;
    }
    auto pd = ports.find('-');
    uint32_t plo = std::stoul(ports.substr(0, pd));
    uint32_t phi = pd == std::string::npos ? plo : std::stoul(ports.substr(pd + 1));
    if (lo <= a && a <= hi && plo <= port && port <= phi) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("first match: an earlier deny carves a hole out of a later allow") {
  // rule 100 deny 10.0.0.5/32 port 22; rule 200 allow 10.0.0.0/24 ports 0-65535
  auto regions = first_match({{box_of(*Cidr::parse("10.0.0.5/32"), 22, 22), false},
                              {box_of(*Cidr::parse("10.0.0.0/24"), 0, 65535), true}});
  auto allows = [&](const char* ip, uint32_t port) {
    uint32_t a = Ipv4::parse(ip)->value;
    for (const auto& r : regions)
      if (r.box.addr_lo <= a && a <= r.box.addr_hi && r.box.port_lo <= port &&
          port <= r.box.port_hi)
        return std::optional<bool>(r.allow);
    return std::optional<bool>();
  };
  CHECK(allows("10.0.0.5", 22) == false);
  CHECK(allows("10.0.0.5", 23) == true);
  CHECK(allows("10.0.0.6", 22) == true);
  CHECK_FALSE(allows("10.0.1.1", 22).has_value());
  // Disjoint: no point is covered twice.
  for (size_t i = 0; i < regions.size(); ++i)
    for (size_t j = i + 1; j < regions.size(); ++j) {
      const Box &a = regions[i].box, &b = regions[j].box;
      bool overlap = a.addr_lo <= b.addr_hi && b.addr_lo <= a.addr_hi && a.port_lo <= b.port_hi &&
                     b.port_lo <= a.port_hi;
      CHECK_FALSE(overlap);
    }
}

TEST_CASE("first match: a later rule never overrides an earlier one") {
  auto regions = first_match({{box_of(*Cidr::parse("0.0.0.0/0"), 80, 80), true},
                              {box_of(*Cidr::parse("0.0.0.0/0"), 0, 65535), false}});
  REQUIRE(regions.size() == 3);
  CHECK(regions[0].box.port_hi == 79);
  CHECK_FALSE(regions[0].allow);
  CHECK(regions[1].box.port_lo == 80);
  CHECK(regions[1].allow);
}

TEST_CASE("a union of overlapping allows merges into the fewest disjoint elements") {
  auto regions = first_match({{box_of(*Cidr::parse("10.0.0.0/16"), 80, 90), true},
                              {box_of(*Cidr::parse("10.0.0.0/16"), 85, 100), true},
                              {box_of(*Cidr::parse("10.0.1.0/24"), 80, 100), true}});
  REQUIRE(regions.size() == 1);
  CHECK(nft_addr_range(regions[0].box.addr_lo, regions[0].box.addr_hi) == "10.0.0.0/16");
  CHECK(nft_port_range(regions[0].box.port_lo, regions[0].box.port_hi) == "80-100");
}

TEST_CASE("NACL rules compile by rule number, not by order in the file") {
  auto els =
      compile_acl_rules({rule(200, Protocol::kTcp, "0.0.0.0/0", PortRange{0, 65535}, true),
                         rule(100, Protocol::kTcp, "198.51.100.0/24", PortRange{22, 22}, false)});
  CHECK_FALSE(allows(els, "tcp", "198.51.100.7", 22));  // rule 100 decides first
  CHECK(allows(els, "tcp", "198.51.100.7", 21));
  CHECK(allows(els, "tcp", "198.51.100.7", 23));
  CHECK(allows(els, "tcp", "198.51.101.0", 22));
  CHECK(allows(els, "tcp", "198.51.99.255", 22));
  CHECK_FALSE(allows(els, "udp", "10.0.0.1", 53));  // no rule: the final deny
}

TEST_CASE("one changed rule changes only its own port slice") {
  std::vector<NaclRule> rules;
  for (int i = 0; i < 200; ++i)
    rules.push_back(rule(i + 1, Protocol::kTcp, ("10.1." + std::to_string(i) + ".0/24").c_str(),
                         PortRange{10000 + i, 10000 + i}, true));
  rules.push_back(rule(300, Protocol::kTcp, "0.0.0.0/0", PortRange{5201, 5201}, true));
  auto before = compile_acl_rules(rules);
  rules.back().ports = PortRange{5202, 5202};
  auto after = compile_acl_rules(rules);
  std::set<std::string> a(before.begin(), before.end()), b(after.begin(), after.end());
  size_t changed = 0;
  for (const auto& x : a) changed += !b.count(x);
  for (const auto& x : b) changed += !a.count(x);
  CHECK(changed == 2);
}

TEST_CASE("NACL 'all' covers every protocol; icmp and others span every port value") {
  auto els = compile_acl_rules({rule(100, Protocol::kAll, "10.0.0.0/8", std::nullopt, true)});
  CHECK(has(els, "tcp . 10.0.0.0/8 . 0-65535"));
  CHECK(has(els, "udp . 10.0.0.0/8 . 0-65535"));
  CHECK(has(els, "icmp . 10.0.0.0/8 . 0-65535"));
  CHECK(has(els, "18-255 . 10.0.0.0/8 . 0-65535"));
  CHECK(compile_acl_rules({}).empty());  // a custom NACL without rules denies everything
}

TEST_CASE("a protocol by number has its own space, in rule order with 'all'") {
  NaclRule gre = rule(100, Protocol::kNumber, "0.0.0.0/0", std::nullopt, false);
  gre.protocol_number = 47;
  NaclRule esp = rule(120, Protocol::kNumber, "10.0.0.0/8", std::nullopt, true);
  esp.protocol_number = 50;
  auto els =
      compile_acl_rules({gre, rule(110, Protocol::kAll, "10.0.0.0/8", std::nullopt, true), esp});
  CHECK_FALSE(std::any_of(els.begin(), els.end(), [](const std::string& e) {
    return e.rfind("47 ", 0) == 0;
  }));                                              // rule 100
  CHECK(has(els, "50 . 10.0.0.0/8 . 0-65535"));     // rule 110 before 120: the same verdict
  CHECK(has(els, "18-46 . 10.0.0.0/8 . 0-65535"));  // every other protocol, around 47 and 50
  CHECK(has(els, "48-49 . 10.0.0.0/8 . 0-65535"));
  CHECK(has(els, "51-255 . 10.0.0.0/8 . 0-65535"));
  CHECK(has(els, "tcp . 10.0.0.0/8 . 0-65535"));
}

TEST_CASE("ICMP rules match a type and code (type x 256 + code), -1 for any") {
  NaclRule deny = rule(90, Protocol::kIcmp, "0.0.0.0/0", std::nullopt, false);
  deny.icmp_type = 3, deny.icmp_code = 4;  // the PMTUD black hole: fragmentation needed
  NaclRule echo = rule(100, Protocol::kIcmp, "10.0.0.0/8", std::nullopt, true);
  echo.icmp_type = 8;  // echo request, any code
  NaclRule unreachable = rule(110, Protocol::kIcmp, "0.0.0.0/0", std::nullopt, true);
  unreachable.icmp_type = 3;
  auto els = compile_acl_rules({deny, echo, unreachable});
  CHECK(has(els, "icmp . 10.0.0.0/8 . 2048-2303"));
  CHECK(has(els, "icmp . 0.0.0.0/0 . 768-771"));  // codes 0-3 and 5-255, not 4
  CHECK(has(els, "icmp . 0.0.0.0/0 . 773-1023"));
  CHECK(els.size() == 3);
  NaclRule any = rule(100, Protocol::kIcmpv6, "::/0", std::nullopt, true);
  any.cidr = IpPrefix::parse("::/0");
  any.icmp_type = 2;  // packet too big
  CHECK(compile_acl_rules({any}, Family::kIpv6) ==
        std::vector<std::string>{"ipv6-icmp . ::/0 . 512-767"});
}

TEST_CASE("1,000 NACL rules compile to disjoint elements") {
  std::vector<NaclRule> rules;
  for (int i = 0; i < 1000; ++i) {
    rules.push_back(
        rule(i + 1, i % 2 ? Protocol::kTcp : Protocol::kUdp,
             ("10." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ".0/24").c_str(),
             PortRange{1000 + i, 1000 + i}, i % 3 != 0));
  }
  auto els = compile_acl_rules(rules);
  CHECK(els.size() > 600);
  CHECK(els.size() < 1000);
}

TEST_CASE("a staged set changes by additions now and folds in later") {
  NftTable a, b;
  a.objects.push_back(
      {NftObject::Kind::kSet, "s", "type ipv4_addr;", {"10.0.0.1", "10.0.0.2"}, true});
  NftObject chain{NftObject::Kind::kChain, "s", "", {"ip saddr @s return", "drop"}};
  chain.staging = {"ip saddr @s-add return", "ip saddr @s-del drop"};
  a.objects.push_back(chain);
  b = a;
  b.objects[0].items = {"10.0.0.2", "10.0.0.3"};
  auto c = nft_diff(a, b);
  CHECK(c.now ==
        "add element inet vpcemu s-add { 10.0.0.3 }\nadd element inet vpcemu s-del { 10.0.0.1 }\n"
        "insert rule inet vpcemu s ip saddr @s-del drop\n"
        "insert rule inet vpcemu s ip saddr @s-add return\n");
  CHECK(c.now.find("delete") == std::string::npos);
  CHECK(c.now.find("flush") == std::string::npos);
  CHECK(c.cleanup.find("flush chain inet vpcemu s\nadd rule inet vpcemu s ip saddr @s return\n"
                       "add rule inet vpcemu s drop\n") != std::string::npos);
  CHECK(c.cleanup.find("delete element inet vpcemu s { 10.0.0.1 }") != std::string::npos);
  CHECK(c.cleanup.find("add element inet vpcemu s { 10.0.0.3 }") != std::string::npos);
  CHECK(c.cleanup.find("flush set inet vpcemu s-add") != std::string::npos);
  CHECK(nft_diff(a, a).empty());
}

TEST_CASE("an unstaged change deletes and adds exactly the changed elements") {
  NftTable a, b;
  a.objects.push_back(
      {NftObject::Kind::kMap, "m", "type ifname : mark;", {"\"x\" : 1", "\"y\" : 2"}});
  a.objects.push_back({NftObject::Kind::kChain, "c", "", {"accept"}});
  b = a;
  b.objects[0].items = {"\"x\" : 1", "\"y\" : 3"};
  b.objects[1].items = {"drop"};
  auto c = nft_diff(a, b);
  CHECK(c.now ==
        "delete element inet vpcemu m { \"y\" }\nadd element inet vpcemu m { \"y\" : 3 }\n"
        "flush chain inet vpcemu c\nadd rule inet vpcemu c drop\n");
  CHECK(c.cleanup.empty());
}

TEST_CASE("security and NACL mistakes name the line") {
  struct Case {
    const char* yaml;
    int line;
    const char* msg;
  } cases[] = {
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24 }\n"
       "    instances:\n      x: { subnet: a, security_groups: [wbe] }\n    security_groups:\n     "
       " web: {}\n",
       8, "unknown security group 'wbe' in vpc 'v'; did you mean 'web'?"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24, "
       "network_acl: dta }\n"
       "    network_acls:\n      data: {}\n",
       6, "unknown network ACL 'dta'"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    network_acls:\n      n:\n        "
       "ingress:\n"
       "          - { rule: 100, protocol: all, source: 0.0.0.0/0, action: allow }\n"
       "          - { rule: 100, protocol: tcp, ports: 22, source: 0.0.0.0/0, action: deny }\n",
       9, "rule number 100 is used twice in the ingress rules"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    network_acls:\n      n:\n        egress:\n"
       "          - { rule: 32767, protocol: all, destination: 0.0.0.0/0, action: allow }\n",
       8, "rule number 32767 is outside 1-32766"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    network_acls:\n      n:\n        egress:\n"
       "          - { rule: 0, protocol: all, destination: 0.0.0.0/0, action: allow }\n",
       8, "rule number 0 is outside 1-32766"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
       "ingress:\n"
       "          - { protocol: icmp, ports: 8, source: 0.0.0.0/0 }\n",
       8, "icmp has no ports"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
       "ingress:\n"
       "          - { protocol: tcp, ports: 80, icmp_type: 3, source: 0.0.0.0/0 }\n",
       8, "icmp_type is for icmp and icmpv6 rules; this rule's protocol is tcp"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    network_acls:\n      n:\n        "
       "ingress:\n"
       "          - { rule: 100, protocol: icmp, icmp_code: 4, source: 0.0.0.0/0, action: allow "
       "}\n",
       8, "icmp_code 4 needs an icmp_type"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    network_acls:\n      n:\n        "
       "ingress:\n"
       "          - { rule: 100, protocol: icmp, icmp_type: 256, source: 0.0.0.0/0, action: allow "
       "}\n",
       8, "icmp_type must be a whole number from -1 to 255, found '256'"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
       "ingress:\n"
       "          - { protocol: all, ports: 0-65535, source: 0.0.0.0/0 }\n",
       8, "all has no ports"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
       "ingress:\n"
       "          - { protocol: tcp, ports: 90-80, source: 0.0.0.0/0 }\n",
       8, "ports '90-80' is not a port or a range"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
       "ingress:\n"
       "          - { protocol: tcp, ports: 80-, source: 0.0.0.0/0 }\n",
       8, "ports '80-' is not a port or a range"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
       "ingress:\n"
       "          - { protocol: tcp, source: 0.0.0.0/0 }\n",
       8, "tcp rule needs 'ports'"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
       "ingress:\n"
       "          - { protocol: tcp, ports: 5432, source: vpc/other/sg/web }\n",
       8, "vpc 'v' is not peered with vpc 'other'"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
       "egress:\n"
       "          - { protocol: tcp, ports: 443, destination: pl/s4 }\n",
       8, "unknown prefix list 's4'; did you mean 's3'?"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
       "ingress:\n"
       "          - { protocol: tcp, ports: 80, source: sg/nope }\n",
       8, "unknown security group 'nope'"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    network_acls:\n      n:\n        "
       "ingress:\n"
       "          - { rule: 1, protocol: tcp, ports: 80, source: sg/web, action: allow }\n",
       8, "network ACL rules match CIDR blocks only"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    network_acls:\n      n:\n        "
       "ingress:\n"
       "          - { rule: 1, protocol: tcp, ports: 80, source: 0.0.0.0/0, action: permit }\n",
       8, "action must be allow or deny"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    network_acls:\n      n:\n        "
       "ingress:\n"
       "          - { rule: 1, protocol: tcp, ports: 80, source: 0.0.0.0/0 }\n",
       8, "has no 'action'"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
       "ingress:\n"
       "          - { protocol: gre, source: 0.0.0.0/0 }\n",
       8, "unknown protocol 'gre'"},
      {"name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    security_groups:\n      g:\n        "
       "ingres: []\n",
       7, "did you mean 'ingress'?"},
  };
  for (const auto& c : cases) {
    auto d = diagnose(c.yaml);
    INFO(c.msg << "\n" << dump(d));
    CHECK(has(d, Severity::kError, c.line, c.msg));
  }
}

TEST_CASE("removed chains are emptied and deleted before the sets their rules use") {
  NftTable a, b;
  a.objects.push_back({NftObject::Kind::kSet, "old", "type ipv4_addr;", {"10.0.0.1"}});
  a.objects.push_back({NftObject::Kind::kChain, "old-chain", "", {"ip saddr @old return"}});
  a.objects.push_back({NftObject::Kind::kChain, "entry", "", {"jump old-chain"}});
  b.objects.push_back({NftObject::Kind::kSet, "new", "type ipv4_addr;", {"10.0.0.2"}});
  b.objects.push_back({NftObject::Kind::kChain, "new-chain", "", {"ip saddr @new return"}});
  b.objects.push_back({NftObject::Kind::kChain, "entry", "", {"jump new-chain"}});
  std::string s = nft_diff(a, b).now;
  auto at = [&](const char* x) {
    auto p = s.find(x);
    INFO(x << " in\n" << s);
    REQUIRE(p != std::string::npos);
    return p;
  };
  CHECK(at("add chain inet vpcemu new-chain") < at("flush chain inet vpcemu entry"));
  CHECK(at("flush chain inet vpcemu entry") < at("flush chain inet vpcemu old-chain"));
  CHECK(at("flush chain inet vpcemu old-chain") < at("delete chain inet vpcemu old-chain"));
  CHECK(at("delete chain inet vpcemu old-chain") < at("delete set inet vpcemu old"));
}

TEST_CASE("NAT gateway mistakes name the line") {
  auto d = diagnose(
      "name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    internet_gateway: true\n    subnets:\n"
      "      priv: { cidr: 10.0.2.0/24 }\n    nat_gateways:\n      nat-a: { subnet: priv }\n"
      "      nat-b: { subnet: pub }\n");
  INFO(dump(d));
  CHECK(has(d, Severity::kError, 9, "which has no route 0.0.0.0/0 to the internet gateway"));
  CHECK(has(d, Severity::kError, 10, "unknown subnet 'pub'"));
}

TEST_CASE("peering mistakes name the line") {
  const std::string vpcs =
      "vpcs:\n  a:\n    cidr: 10.0.0.0/16\n  b:\n    cidr: 10.0.128.0/17\n  c:\n    cidr: "
      "10.2.0.0/16\n";
  auto d = diagnose(
      "name: t\n" + vpcs +
      "peerings:\n  ab: { requester: a, accepter: b }\n  aa: { requester: a, accepter: a }\n"
      "  ax: { requester: a, accepter: x }\n  ac: { requester: a, accepter: c }\n"
      "  ca: { requester: c, accepter: a }\n");
  INFO(dump(d));
  CHECK(has(d, Severity::kError, 10,
            "the CIDRs of 'a' (10.0.0.0/16) and 'b' (10.0.128.0/17) overlap"));
  CHECK(has(d, Severity::kError, 11, "connects vpc 'a' with itself"));
  CHECK(has(d, Severity::kError, 12, "unknown vpc 'x'"));
  CHECK(has(d, Severity::kError, 14, "are already peered by 'ac'"));
}

TEST_CASE("peering routes and references name the line") {
  auto d = diagnose(
      "name: t\nvpcs:\n  a:\n    cidr: 10.0.0.0/16\n    route_tables:\n      r:\n        routes:\n"
      "          - { destination: 10.2.0.0/16, target: peering/bc }\n"
      "          - { destination: 10.9.0.0/16, target: peering/nope }\n"
      "    security_groups:\n      g:\n        ingress:\n"
      "          - { protocol: tcp, ports: 1, source: vpc/c/sg/web }\n"
      "          - { protocol: tcp, ports: 1, source: vpc/b/sg/nope }\n"
      "  b:\n    cidr: 10.1.0.0/16\n  c:\n    cidr: 10.2.0.0/16\n"
      "peerings:\n  ab: { requester: a, accepter: b }\n  bc: { requester: b, accepter: c }\n");
  INFO(dump(d));
  CHECK(has(d, Severity::kError, 8, "peering 'bc' connects 'b' and 'c', not vpc 'a'"));
  CHECK(has(d, Severity::kError, 9, "unknown peering 'nope'"));
  CHECK(has(d, Severity::kError, 13, "vpc 'a' is not peered with vpc 'c'"));
  CHECK(has(d, Severity::kError, 14, "unknown security group 'nope' in vpc 'b'"));
}

TEST_CASE("endpoint and endpoint service mistakes name the line") {
  auto d = diagnose(
      "name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24 }\n"
      "    route_tables:\n      r: {}\n    endpoints:\n"
      "      q: { type: gateway, service: sqs, route_tables: [r] }\n"                 // 10
      "      k: { type: interface, service: kinesis, subnets: [a] }\n"                // 11
      "      s: { type: gateway, service: s3, route_tables: [rr] }\n"                 // 12
      "      i: { type: interface, service: sqs }\n"                                  // 13
      "      j: { type: interface, service: sqs, subnets: [b] }\n"                    // 14
      "      e: { type: interface, service: endpoint_service/bill, subnets: [a] }\n"  // 15
      "      x: { type: tunnel, service: s3 }\n"                                      // 16
      "      g: { type: gateway, service: s3, route_tables: [r], subnets: [a] }\n"    // 17
      "    instances:\n      api: { subnet: a }\n"
      "endpoint_services:\n  billing:\n    vpc: v\n"                             // 20-22
      "    load_balancer: { subnets: [z], port: 443, targets: [api, web] }\n");  // 23
  INFO(dump(d));
  CHECK(has(d, Severity::kError, 10, "gateway endpoints exist for S3 and DynamoDB only"));
  CHECK(has(d, Severity::kError, 11, "unknown service 'kinesis'"));
  CHECK(has(d, Severity::kError, 12, "unknown route table 'rr'"));
  CHECK(has(d, Severity::kError, 13, "needs 'subnets' for its ENIs"));
  CHECK(has(d, Severity::kError, 14, "unknown subnet 'b'"));
  CHECK(has(d, Severity::kError, 15, "unknown endpoint service 'bill'"));
  CHECK(has(d, Severity::kError, 16,
            "endpoint type must be gateway, interface or gateway_load_balancer"));
  CHECK(has(d, Severity::kError, 17, "takes route_tables only"));
  CHECK(has(d, Severity::kError, 23, "unknown subnet 'z' in vpc 'v'"));
  CHECK(has(d, Severity::kError, 23, "unknown target instance 'web'"));
  // Private DNS of an interface endpoint: AWS wants both DNS attributes of the VPC.
  auto p = diagnose(
      "name: t\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24 }\n"
      "    endpoints:\n      q: { type: interface, service: sqs, subnets: [a], private_dns: true "
      "}\n");
  INFO(dump(p));
  CHECK(has(p, Severity::kError, 8,
            "private DNS of an interface endpoint needs enable_dns_support "
            "and enable_dns_hostnames on vpc 'v'"));
}

TEST_CASE("a name of a built-in service cannot be taken") {
  auto d = diagnose("name: t\ninternet:\n  hosts:\n    s3: { ip: 198.51.100.1 }\n");
  INFO(dump(d));
  CHECK(has(d, Severity::kError, 4, "internet host name 's3' is already used"));
}

TEST_CASE("VPN and on-premises mistakes name the line") {
  auto d = diagnose(
      "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    route_tables:\n      r:\n       "
      " routes:\n"
      "          - { destination: 172.16.0.0/12, target: vpn_gateway }\n"  // 8
      "  other:\n    cidr: 10.1.0.0/16\n    route_tables:\n      r:\n        routes:\n"
      "          - { destination: 172.16.0.0/12, target: vpn_gateway }\n"  // 14
      "onprem:\n  office:\n    cidr: 10.0.128.0/17\n    router: { public_ip: 198.51.100.50 "
      "}\n"                                                                         // 15-18
      "    hosts:\n      gw: { ip: 10.0.128.1 }\n      far: { ip: 192.168.1.1 }\n"  // 19-21
      "vpn_connections:\n"
      "  a: { vpn_gateway: prod, customer_gateway: office, routing: bgp }\n"  // 23
      "  b: { vpn_gateway: prod, customer_gateway: ofice, routing: static, static_routes: "
      "[10.0.5.0/24] }\n"                                                          // 24
      "  c: { vpn_gateway: prod, customer_gateway: office, routing: static }\n");  // 25
  INFO(dump(d));
  CHECK(
      has(d, Severity::kError, 14, "no VPN connection or Direct Connect attaches to vpc 'other'"));
  CHECK(has(d, Severity::kError, 20, "is the office router's own LAN address"));
  CHECK(has(d, Severity::kError, 21, "is outside its network's CIDR"));
  CHECK_FALSE(has(d, Severity::kError, 23, "not implemented"));
  CHECK(has(d, Severity::kError, 23,
            "overlaps vpc 'prod' (10.0.0.0/16): routing over the VPN would be ambiguous"));
  CHECK(has(d, Severity::kError, 24, "unknown on-premises network 'ofice'"));
  CHECK(has(d, Severity::kError, 24, "static route 10.0.5.0/24 overlaps the VPC's own CIDR"));
  CHECK(has(d, Severity::kError, 25, "needs 'static_routes'"));
  CHECK_FALSE(has(d, Severity::kError, 8, "no VPN connection"));
}

TEST_CASE("BGP VPN and route propagation mistakes name the line") {
  auto d = diagnose(
      "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    route_tables:\n      r:\n"
      "        propagations: [vpn_gateway, internet_gateway]\n"  // 7
      "  other:\n    cidr: 10.1.0.0/16\n    route_tables:\n      r:\n"
      "        propagations: [vpn_gateway]\n"  // 12
      "onprem:\n  office:\n    cidr: 192.168.0.0/16\n"
      "    router: { public_ip: 198.51.100.50, asn: 64512 }\n"  // 16
      "vpn_connections:\n"
      "  a: { vpn_gateway: prod, customer_gateway: office, routing: bgp,\n"      // 18
      "       static_routes: [192.168.0.0/16] }\n"                               // 19
      "  b: { vpn_gateway: prod, customer_gateway: office, routing: ospf }\n");  // 20
  INFO(dump(d));
  CHECK(has(d, Severity::kError, 7, "cannot propagate from 'internet_gateway'"));
  CHECK_FALSE(has(d, Severity::kError, 7, "no VPN connection"));
  CHECK(has(d, Severity::kError, 12,
            "propagates from the VPN gateway but no VPN connection or Direct Connect attaches to "
            "vpc 'other'"));
  CHECK(has(d, Severity::kError, 16, "ASN 64512 is the virtual private gateway's own"));
  CHECK(has(d, Severity::kError, 19, "static_routes belong only to routing: static"));
  CHECK(has(d, Severity::kError, 20, "routing must be static or bgp, found 'ospf'"));
}

TEST_CASE("Direct Connect mistakes name the line") {
  auto d = diagnose(
      "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n"
      "onprem:\n  office:\n    cidr: 10.0.128.0/17\n    router: { public_ip: 198.51.100.50 "
      "}\n"  // 5-8
      "  branch:\n    cidr: 192.168.0.0/16\n"
      "    router: { public_ip: 198.51.100.51, asn: 64512 }\n"  // 11
      "direct_connects:\n"
      "  a: { onprem: office, gateway: prod }\n"                     // 13
      "  b: { onprem: branch, gateway: prod, bandwidth: 3Gbps }\n"   // 14
      "  c: { onprem: ofice, gateway: prd }\n"                       // 15
      "  d: { onprem: office, gateway: prod, bandwidth: 10Gbps }\n"  // 16
      "  e: { gateway: prod }\n");                                   // 17
  INFO(dump(d));
  CHECK(has(d, Severity::kError, 13,
            "overlaps vpc 'prod' (10.0.0.0/16): routing over Direct Connect would be ambiguous"));
  CHECK(has(d, Severity::kError, 14,
            "bandwidth '3Gbps' is not a Direct Connect port speed; use one of 50Mbps"));
  CHECK(has(d, Severity::kError, 11, "ASN 64512 is the virtual private gateway's own"));
  CHECK(has(d, Severity::kError, 15, "unknown on-premises network 'ofice'"));
  CHECK(has(d, Severity::kError, 15, "unknown vpc 'prd'"));
  CHECK(has(d, Severity::kError, 16, "a second Direct Connect between 'office' and vpc 'prod'"));
  CHECK(has(d, Severity::kError, 17, "needs 'onprem: <on-premises network>'"));
}

TEST_CASE("a route to the VPN gateway is valid with a Direct Connect alone") {
  auto d = diagnose(
      "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    route_tables:\n      r:\n"
      "        propagations: [vpn_gateway]\n        routes:\n"
      "          - { destination: 172.16.0.0/12, target: vpn_gateway }\n"
      "onprem:\n  office:\n    cidr: 192.168.0.0/16\n    router: { public_ip: 198.51.100.50 }\n"
      "direct_connects:\n  a: { onprem: office, gateway: prod }\n");
  INFO(dump(d));
  CHECK_FALSE(d.has_errors());
}

TEST_CASE("transit gateway mistakes name the line") {
  auto d = diagnose(
      "name: t\nvpcs:\n"
      "  a:\n    cidr: 10.0.0.0/16\n    subnets:\n      s: { cidr: 10.0.1.0/24, route_table: r "
      "}\n"  // 3-6
      "    route_tables:\n      r:\n        routes:\n"
      "          - { destination: 10.1.0.0/16, target: transit_gateway/hbu }\n"  // 10
      "  b:\n    cidr: 10.1.0.0/16\n    subnets:\n      s: { cidr: 10.1.1.0/24, route_table: r "
      "}\n"  // 11-14
      "    route_tables:\n      r:\n        routes:\n"
      "          - { destination: 10.0.0.0/16, target: transit_gateway/hub }\n"  // 18
      "transit_gateways:\n  hub:\n    attachments:\n"
      "      one: { vpc: a, subnets: [s] }\n"  // 22
      "      two: { vpc: a, subnets: [x] }\n"  // 23
      "      three: { vpc: c }\n"              // 24
      "    route_tables:\n"
      "      rt1: { associations: [one, four], propagations: [two] }\n"  // 26
      "      rt2:\n        associations: [one]\n"                        // 27-28
      "        routes:\n"
      "          - { destination: 10.9.0.0/16 }\n"                                    // 30
      "          - { destination: 10.8.0.0/16, attachment: one, blackhole: true }\n"  // 31
      "          - { destination: 10.7.0.0/16, attachment: five }\n");                // 32
  INFO(dump(d));
  CHECK(has(d, Severity::kError, 10, "unknown transit gateway 'hbu'"));
  CHECK(has(d, Severity::kError, 18,
            "route targets transit gateway 'hub' but vpc 'b' has no attachment to it"));
  CHECK(has(d, Severity::kError, 23, "vpc 'a' is attached to transit gateway 'hub' twice"));
  CHECK(has(d, Severity::kError, 23, "unknown subnet 'x' in vpc 'a'"));
  CHECK(has(d, Severity::kError, 24, "unknown vpc 'c'"));
  CHECK(has(d, Severity::kError, 26, "unknown attachment 'four' of transit gateway 'hub'"));
  CHECK(has(d, Severity::kError, 28,
            "attachment 'one' is already associated with route table 'rt1'"));
  CHECK(has(d, Severity::kError, 30, "needs 'attachment: <name>' or 'blackhole: true'"));
  CHECK(has(d, Severity::kError, 31, "either an attachment or 'blackhole: true', not both"));
  CHECK(has(d, Severity::kError, 32, "unknown attachment 'five'"));
  CHECK(has(d, Severity::kWarning, 23, "associated with no route table"));
}

TEST_CASE("transit gateway VPN attachment mistakes name the line") {
  auto d = diagnose(
      "name: t\nvpcs:\n  a:\n    cidr: 10.0.0.0/16\n    subnets:\n      s: { cidr: "
      "10.0.1.0/24 }\n"
      "onprem:\n  office:\n    cidr: 192.168.0.0/16\n    router: { public_ip: "
      "198.51.100.50 }\n"
      "vpn_connections:\n"
      "  v1: { transit_gateway: hub, customer_gateway: office, routing: static, "
      "static_routes: [192.168.0.0/16] }\n"                                       // 12
      "  v2: { transit_gateway: hub, customer_gateway: office, routing: bgp }\n"  // 13
      "  v3: { vpn_gateway: a, customer_gateway: office, routing: bgp }\n"        // 14
      "  v4: { vpn_gateway: a, transit_gateway: hub, customer_gateway: office, routing: "
      "bgp }\n"  // 15
      "transit_gateways:\n  hub:\n    attachments:\n"
      "      x1: { vpn: v1 }\n"                        // 19
      "      x3: { vpn: v3 }\n"                        // 20
      "      x4: { vpc: a, vpn: v1, subnets: [s] }\n"  // 21
      "    route_tables:\n      r:\n        associations: [x1]\n        routes:\n"
      "          - { destination: 10.9.0.0/16, attachment: x1 }\n");  // 26
  INFO(dump(d));
  CHECK_FALSE(has(d, Severity::kError, 12, "not implemented"));
  CHECK(has(d, Severity::kError, 13, "none of its attachments names it"));
  CHECK(has(d, Severity::kError, 15, "not both"));
  CHECK(has(d, Severity::kError, 20, "VPN connection 'v3' does not end at transit gateway 'hub'"));
  CHECK(has(d, Severity::kError, 21, "is for one VPC, one VPN or one peering, not several"));
  CHECK_FALSE(has(d, Severity::kError, 26, "not implemented"));
}

TEST_CASE("transit gateway peering mistakes name the line") {
  auto d = diagnose(
      "name: t\ntransit_gateways:\n"
      "  a:\n    attachments:\n"
      "      to-b: { peering: b }\n"     // 5
      "      to-self: { peering: a }\n"  // 6
      "      to-x: { peering: x }\n"     // 7
      "    route_tables:\n      r:\n        associations: [to-b]\n"
      "        propagations: [to-b]\n"                                   // 11
      "  b:\n    attachments:\n      nothing: { vpc: v, peering: a }\n"  // 12-14
      "  c:\n    attachments:\n      to-a: { peering: a }\n");           // 15-17
  INFO(dump(d));
  CHECK(has(d, Severity::kError, 6, "cannot peer with itself"));
  CHECK(has(d, Severity::kError, 7, "unknown transit gateway 'x'"));
  CHECK(has(d, Severity::kError, 11, "peering attachment 'to-b' cannot propagate"));
  CHECK(has(d, Severity::kError, 14, "one VPC, one VPN or one peering, not several"));
  CHECK(has(d, Severity::kError, 17, "transit gateway 'a' has no peering attachment back to 'c'"));
}

TEST_CASE("bird configuration for a gateway") {
  BirdConfig c;
  c.router_id = *Ipv4::parse("169.254.3.2");
  c.asn = 64512;
  c.announce = {*Cidr::parse("10.0.0.0/16")};
  c.sessions.push_back({bird_name("office-vpn-1"), *Ipv4::parse("169.254.128.1"),
                        *Ipv4::parse("169.254.128.2"), 65000});
  c.sessions.push_back({"vpc", *Ipv4::parse("169.254.3.2"), *Ipv4::parse("169.254.3.1"), 64512,
                        BgpSession::Export::kLearned, false});
  c.kernel.push_back({254, 0, {}, true});
  c.learn.push_back({221, kStaticVpnPreference});
  c.kernel.push_back({101, kPropagatedBgp});
  c.kernel.push_back({102, kPropagatedStatic, {"p_v_1", "p_v_2"}});
  std::string conf = bird_conf(c);
  // A transit gateway's table takes only what its VPN attachment's sessions learned.
  CHECK(
      conf.find("peer table t_102;\n  import none;\n  export filter {\n    if source = RTS_BGP && "
                "(proto = \"p_v_1\" || proto = \"p_v_2\") then {") != std::string::npos);
  INFO(conf);
  CHECK(conf.find("router id 169.254.3.2;") != std::string::npos);
  CHECK(conf.find("route 10.0.0.0/16 unreachable;") != std::string::npos);
  CHECK(conf.find("protocol bgp p_office_vpn_1 {\n  local 169.254.128.1 as 64512;\n"
                  "  neighbor 169.254.128.2 as 65000;") != std::string::npos);
  // eBGP: what we originate; iBGP to the router: what the tunnels taught us, via us.
  CHECK(conf.find("import all;\n    export where source = RTS_STATIC;\n  };") != std::string::npos);
  CHECK(conf.find("import none;\n    export where source = RTS_BGP;\n    next hop self;") !=
        std::string::npos);
  CHECK(conf.find("kernel table 101;\n  metric 0;\n  ipv4 {\n    table t_101;") !=
        std::string::npos);
  CHECK(conf.find("peer table t_101;\n  import none;\n  export filter {\n    if source = RTS_BGP "
                  "then {\n      krt_metric = 200;") != std::string::npos);
  CHECK(conf.find("kernel table 254;\n  ipv4 {\n    table t_254;") != std::string::npos);

  CHECK(conf.find("hold time 3;") != std::string::npos);
  // A static tunnel's table: learned, and exported to main with the BGP routes.
  CHECK(conf.find("protocol kernel learn_221 {\n  kernel table 221;\n  learn;") !=
        std::string::npos);
  CHECK(conf.find("peer table l_221;\n  import all;\n  export none;") != std::string::npos);
  CHECK(conf.find("peer table t_254;\n  import none;\n  export where (source = RTS_BGP || "
                  "source = RTS_INHERIT);") != std::string::npos);
}

TEST_CASE("strongSwan configuration for a route-based tunnel") {
  IpsecTunnel t{"vpn-1",
                "/run/x",
                *Ipv4::parse("203.0.113.2"),
                *Ipv4::parse("198.51.100.50"),
                500,
                4500,
                500,
                {*Cidr::parse("0.0.0.0/0")},
                {*Cidr::parse("0.0.0.0/0")},
                "secret",
                false,
                221,
                40000};
  std::string conf = strongswan_conf(t), ctl = swanctl_conf(t);
  CHECK(conf.find("routing_table = 221\n  routing_table_prio = 40000\n") != std::string::npos);
  CHECK(ctl.find("local_ts = 0.0.0.0/0\n        remote_ts = 0.0.0.0/0") != std::string::npos);
}

TEST_CASE("strongSwan configuration for a tunnel") {
  IpsecTunnel t{"vpn-2",
                "/run/x",
                *Ipv4::parse("198.51.100.50"),
                *Ipv4::parse("203.0.113.2"),
                ike_port(1),
                nat_t_port(1),
                ike_port(1),
                {*Cidr::parse("192.168.0.0/16")},
                {*Cidr::parse("10.0.0.0/16")},
                "secret",
                true,
                222};
  std::string conf = strongswan_conf(t), ctl = swanctl_conf(t);
  CHECK(conf.find("kernel-libipsec") != std::string::npos);
  CHECK(conf.find("port = 10002\n  port_nat_t = 10003\n  routing_table = 222\n") !=
        std::string::npos);
  CHECK(conf.find("--file /run/x/swanctl.conf --uri unix:///run/x/charon.vici") !=
        std::string::npos);
  CHECK(ctl.find("local_port = 10002\n    remote_port = 10002\n") != std::string::npos);
  CHECK(ctl.find("encap = yes") != std::string::npos);
  CHECK(ctl.find("local_ts = 192.168.0.0/16\n        remote_ts = 10.0.0.0/16") !=
        std::string::npos);
  CHECK(ctl.find("start_action = start") != std::string::npos);
  t.initiator = false;
  CHECK(swanctl_conf(t).find("remote_port") == std::string::npos);  // a responder takes any port
  CHECK(ike_port(0) == 500);
  CHECK(nat_t_port(0) == 4500);
}

TEST_CASE("client VPN mistakes name the line") {
  auto d = diagnose(
      "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24 "
      "}\n"
      "client_vpn_endpoints:\n"
      "  one: { vpc: prod, subnets: [a], client_cidr: 10.0.64.0/22, transport: openvpn,\n"  // 8
      "         authorization: [ { destination: 10.0.1.0/24 } ] }\n"
      "  two: { vpc: prod, subnets: [b], client_cidr: 10.200.0.0/24, transport: ipsec,\n"  // 10
      "         authorization: [ { destination: 10.0.1.0/24 } ] }\n"
      "  three: { vpc: prod, subnets: [a], client_cidr: 10.201.0.0/22, transport: wireguard,\n"  // 12
      "           authorization: [ { destination: 10.0.1.0/24 } ], clients: { a-1: {} } }\n");
  INFO(dump(d));
  CHECK(has(d, Severity::kError, 8, "client_cidr 10.0.64.0/22 overlaps vpc 'prod'"));
  CHECK(has(d, Severity::kError, 10, "unknown subnet 'b'"));
  CHECK(has(d, Severity::kError, 10, "client_cidr 10.200.0.0/24 is a /24; AWS allows /12 to /22"));
  CHECK(has(d, Severity::kError, 10, "unknown transport 'ipsec'"));
  CHECK_FALSE(has(d, Severity::kError, 12, "transport"));  // wireguard is a transport
  CHECK(has(d, Severity::kError, 13, "client VPN client name 'a-1'") == false);
}
