// IPv6: prefix arithmetic and AWS's reservations, the 128-bit interval engine, the validation
// catalogue (each mistake at its line), address assignment and what compile makes of it.
#include <algorithm>
#include <numeric>

#include "compile/compile.h"
#include "compile/intervals.h"
#include "compile/security.h"
#include "helpers.h"
#include "model/addressing.h"

using namespace vpcemu;
using namespace vpcemu::test;

namespace {

IpAddr a6(const char* s) {
  return *IpAddr::parse(s);
}
IpPrefix p6(const char* s) {
  return *IpPrefix::parse(s);
}

// A dual-stack VPC; cases below each break one thing.
const char* kDual = R"(name: t
vpcs:
  prod:
    cidr: 10.0.0.0/16
    ipv6_cidr: 2600:1f18:4a3c:6e00::/56
    internet_gateway: true
    egress_only_internet_gateway: true
    subnets:
      pub: { cidr: 10.0.1.0/24, ipv6_cidr: 2600:1f18:4a3c:6e01::/64, route_table: public }
      priv: { cidr: 10.0.2.0/24, ipv6_cidr: 2600:1f18:4a3c:6e02::/64, route_table: private }
    route_tables:
      public:
        routes:
          - { destination: "::/0", target: internet_gateway }
      private:
        routes:
          - { destination: "::/0", target: egress_only_internet_gateway }
    security_groups:
      web:
        ingress:
          - { protocol: icmpv6, source: "::/0" }
          - { protocol: tcp, ports: 443, source: "2001:db8::/32" }
    instances:
      web-1: { subnet: pub, ipv6: true, security_groups: [web] }
      app-1: { subnet: priv, ipv6_address: "2600:1f18:4a3c:6e02::10" }
internet:
  hosts:
    client: { ip: 198.51.100.20, ipv6: "2001:db8:100::20" }
expect:
  - { from: client, to: web-1, protocol: tcp, port: 443, ip_version: 6, result: allow }
)";

// kDual with one line replaced (the first line that contains `from`).
std::string with(const std::string& from, const std::string& to) {
  std::string s = kDual;
  auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  auto bol = s.rfind('\n', at) + 1;
  auto eol = s.find('\n', at);
  return s.substr(0, bol) + to + s.substr(eol);
}

std::string replace_first(std::string s, const std::string& from, const std::string& to) {
  s.replace(s.find(from), from.size(), to);
  return s;
}

struct Case {
  const char* title;
  std::string yaml;
  int line;
  const char* message;
};

}  // namespace

TEST_CASE("IPv6 prefixes: offsets, containment, overlap and AWS's reserved addresses") {
  const IpPrefix s = p6("2600:1f18:4a3c:6e02::/64");
  CHECK(s.at(0).str() == "2600:1f18:4a3c:6e02::");
  CHECK(s.at(4).str() == "2600:1f18:4a3c:6e02::4");
  CHECK(s.at(0x1ff).str() == "2600:1f18:4a3c:6e02::1ff");  // the carry crosses a byte
  CHECK(p6("2600:1f18:4a3c:6e00::/56").contains(s));
  CHECK_FALSE(s.contains(p6("2600:1f18:4a3c:6e00::/56")));
  CHECK(s.overlaps(p6("2600:1f18:4a3c:6e00::/56")));
  CHECK_FALSE(s.overlaps(p6("2600:1f18:4a3c:6e03::/64")));
  CHECK_FALSE(s.overlaps(*Cidr::parse("10.0.0.0/8")));  // families never overlap
  CHECK(p6("2600:1f18:4a3c:6e02::77/64").has_host_bits());
  CHECK(p6("2600:1f18:4a3c:6e02::77/64").canonical() == s);
  CHECK_FALSE(s.v4());
  CHECK(IpPrefix(*Cidr::parse("10.0.0.0/16")).v4()->str() == "10.0.0.0/16");
  // As in IPv4: the first four and the last address of a subnet.
  for (const char* r : {"2600:1f18:4a3c:6e02::", "2600:1f18:4a3c:6e02::1", "2600:1f18:4a3c:6e02::3",
                        "2600:1f18:4a3c:6e02:ffff:ffff:ffff:ffff"})
    CHECK(is_aws_reserved(s, a6(r)));
  CHECK_FALSE(is_aws_reserved(s, a6("2600:1f18:4a3c:6e02::4")));
  CHECK_FALSE(is_aws_reserved(s, a6("2600:1f18:4a3c:6e03::1")));  // another subnet's
  CHECK(is_aws_reserved(IpPrefix(*Cidr::parse("10.0.1.0/24")), IpAddr(Ipv4{0x0A0001FF})));
}

TEST_CASE("the interval engine spans 128 bits: ::/0 and a /128 at the top") {
  const Box all = box_of(p6("::/0"));
  CHECK(all.addr_lo == 0);
  CHECK(all.addr_hi == ~u128{0});
  CHECK(nft_addr_range(all.addr_lo, all.addr_hi, Family::kIpv6) == "::/0");
  CHECK(nft_addr_range(to_u128(a6("2600::5")), to_u128(a6("2600::9")), Family::kIpv6) ==
        "2600::5-2600::9");
  // A deny of the very last address before an allow of everything: the regions end at the top.
  auto regions = first_match({{box_of(p6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128")), false},
                              {box_of(p6("::/0")), true}});
  REQUIRE(regions.size() == 2);
  CHECK(regions[0].allow);
  CHECK(regions[0].box.addr_hi == ~u128{0} - 1);
  CHECK_FALSE(regions[1].allow);
  CHECK(regions[1].box.addr_lo == ~u128{0});
  // IPv4 keeps its 32-bit values.
  CHECK(box_of(*Cidr::parse("0.0.0.0/0")).addr_hi == 0xffffffff);
}

TEST_CASE("a NACL compiles per family: IPv6 rules into IPv6 elements, IPv4 ones apart") {
  auto rule = [](int n, Protocol p, const char* c, bool allow) {
    NaclRule r;
    r.number = n;
    r.protocol = p;
    r.cidr = IpPrefix::parse(c);
    r.ports = p == Protocol::kTcp ? std::optional<PortRange>(PortRange{443, 443}) : std::nullopt;
    r.allow = allow;
    return r;
  };
  const std::vector<NaclRule> rules = {rule(100, Protocol::kTcp, "2001:db8::/32", false),
                                       rule(110, Protocol::kAll, "::/0", true),
                                       rule(120, Protocol::kAll, "0.0.0.0/0", true)};
  auto v6 = compile_acl_rules(rules, Family::kIpv6);
  auto v4 = compile_acl_rules(rules, Family::kIpv4);
  auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  // Port-major: every port but 443 allows all of ::/0; 443 all of it but the /32.
  CHECK(has(v6, "tcp . ::/0 . 0-442"));
  CHECK(has(v6, "tcp . ::/0 . 444-65535"));
  CHECK(has(v6, "tcp . ::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff . 443"));
  CHECK(has(v6, "tcp . 2001:db9::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff . 443"));
  INFO(std::accumulate(v6.begin(), v6.end(), std::string(),
                       [](auto a, auto b) { return a + b + "\n"; }));
  CHECK(has(v6, "ipv6-icmp . ::/0 . 0-65535"));
  CHECK(has(v6, "18-57 . ::/0 . 0-65535"));
  CHECK_FALSE(has(v6, "tcp . 2001:db8::/32 . 443"));
  for (const auto& e : v6) CHECK(e.find('.') != 0);
  CHECK(has(v4, "tcp . 0.0.0.0/0 . 0-65535"));
  CHECK(has(v4, "icmp . 0.0.0.0/0 . 0-65535"));
  for (const auto& e : v4) CHECK(e.find("::") == std::string::npos);
}

TEST_CASE("the dual-stack sample is valid, and IPv6 addresses are assigned in order") {
  auto r = parse_scenario_text(kDual, "t.yaml");
  validate(r.scenario, r.diags);
  INFO(dump(r.diags));
  REQUIRE_FALSE(r.diags.has_errors());
  Diagnostics d;
  auto a = assign_addresses(r.scenario, d);
  CHECK(a.ipv6.at("web-1").str() == "2600:1f18:4a3c:6e01::4");  // first free: base + 4
  CHECK(a.ipv6.at("app-1").str() == "2600:1f18:4a3c:6e02::10");
  CHECK(uses_ipv6(r.scenario));
  CHECK_FALSE(uses_ipv6(parse_scenario_text("name: t\n", "t.yaml").scenario));
}

TEST_CASE("ipv6_cidr: auto takes /56s of the pool in order, and subnets the next free /64s") {
  auto r = parse_scenario_text(R"(name: t
vpcs:
  a:
    cidr: 10.0.0.0/16
    ipv6_cidr: auto
    subnets:
      x: { cidr: 10.0.1.0/24, ipv6_cidr: auto }
      y: { cidr: 10.0.2.0/24, ipv6_cidr: auto }
  b:
    cidr: 10.1.0.0/16
    ipv6_cidr: 2600:1f18:4a3c:100::/56
  c:
    cidr: 10.2.0.0/16
    ipv6_cidr: auto
    subnets:
      x: { cidr: 10.2.1.0/24, ipv6_cidr: 2600:1f18:4a3c:200::/64 }
      y: { cidr: 10.2.2.0/24, ipv6_cidr: auto }
)",
                               "t.yaml");
  validate(r.scenario, r.diags);
  INFO(dump(r.diags));
  CHECK(r.scenario.vpcs.at("a").ipv6_cidr->str() == "2600:1f18:4a3c::/56");
  CHECK(r.scenario.vpcs.at("a").subnets.at("x").ipv6_cidr->str() == "2600:1f18:4a3c::/64");
  CHECK(r.scenario.vpcs.at("a").subnets.at("y").ipv6_cidr->str() == "2600:1f18:4a3c:1::/64");
  // b asked for the pool's second /56, so c gets the third; c's explicit /64 is skipped.
  CHECK(r.scenario.vpcs.at("c").ipv6_cidr->str() == "2600:1f18:4a3c:200::/56");
  CHECK(r.scenario.vpcs.at("c").subnets.at("y").ipv6_cidr->str() == "2600:1f18:4a3c:201::/64");
  CHECK_FALSE(r.diags.has_errors());
}

TEST_CASE("IPv6 mistakes name the line") {
  const Case cases[] = {
      {"a VPC block that is not a /56",
       with("    ipv6_cidr: 2600:1f18:4a3c:6e00::/56", "    ipv6_cidr: 2600:1f18:4a3c::/48"), 5,
       "a VPC's ipv6_cidr is a /56"},
      {"an IPv4 block as ipv6_cidr",
       with("    ipv6_cidr: 2600:1f18:4a3c:6e00::/56", "    ipv6_cidr: 10.0.0.0/16"), 5,
       "is not an IPv6 CIDR block"},
      {"a /64 outside the /56",
       with("      pub: {",
            "      pub: { cidr: 10.0.1.0/24, ipv6_cidr: 2600:1f18:4a3c:7e01::/64 }"),
       9, "is not inside its VPC's IPv6 CIDR 2600:1f18:4a3c:6e00::/56"},
      {"a subnet block that is not a /64",
       with("      pub: {",
            "      pub: { cidr: 10.0.1.0/24, ipv6_cidr: 2600:1f18:4a3c:6e01::/80 }"),
       9, "a subnet's ipv6_cidr is a /64"},
      {"overlapping /64s",
       with("      priv: {",
            "      priv: { cidr: 10.0.2.0/24, ipv6_cidr: 2600:1f18:4a3c:6e01::/64 }"),
       9, "overlaps subnet"},
      {"a subnet block in a VPC without one",
       with("    ipv6_cidr: 2600:1f18:4a3c:6e00::/56", "    internet_gateway: true"), 9,
       "has an ipv6_cidr but vpc 'prod' has none"},
      {"an ipv6_address outside its subnet",
       with("      app-1:",
            "      app-1: { subnet: priv, ipv6_address: \"2600:1f18:4a3c:6e03::10\" }"),
       25, "is outside subnet 'priv'"},
      {"a reserved ipv6_address",
       with("      app-1:",
            "      app-1: { subnet: priv, ipv6_address: \"2600:1f18:4a3c:6e02::2\" }"),
       25, "is reserved in 2600:1f18:4a3c:6e02::/64"},
      {"two instances with one IPv6 address",
       with("      web-1:",
            "      web-1: { subnet: priv, ipv6_address: \"2600:1f18:4a3c:6e02::10\" }"),
       24, "is already taken"},
      {"an IPv6 address in a subnet without a /64",
       with("      pub: {", "      pub: { cidr: 10.0.1.0/24, route_table: public }"), 24,
       "asks for an IPv6 address but subnet 'pub' has no ipv6_cidr"},
      {"::/0 to an egress-only gateway the VPC does not have",
       with("    egress_only_internet_gateway: true", "    main_route_table: public"), 17,
       "has none; set 'egress_only_internet_gateway: true'"},
      {"IPv4 to an egress-only gateway",
       with("          - { destination: \"::/0\", target: egress_only",
            "          - { destination: 0.0.0.0/0, target: egress_only_internet_gateway }"),
       17, "carries IPv6 only"},
      {"an egress-only gateway in a VPC without IPv6",
       R"(name: t
vpcs:
  prod:
    cidr: 10.0.0.0/16
    egress_only_internet_gateway: true
)",
       5, "carries IPv6 only, and vpc 'prod' has no ipv6_cidr"},
      {"an IPv6 route in a VPC without IPv6",
       R"(name: t
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internet_gateway: true
    route_tables:
      r:
        routes:
          - { destination: "::/0", target: internet_gateway }
)",
       9, "but vpc 'prod' has no ipv6_cidr"},
      {"IPv6 over a peering to a VPC without IPv6",
       R"(name: t
vpcs:
  a:
    cidr: 10.1.0.0/16
    ipv6_cidr: auto
    route_tables: { r: { routes: [ { destination: "2600:1f18:4a3c:100::/56", target: peering/ab } ] } }
  b: { cidr: 10.2.0.0/16 }
peerings:
  ab: { requester: a, accepter: b }
)",
       6, "has no ipv6_cidr; a peering carries IPv6 only between two VPCs that both have one"},
      {"NAT64 to a prefix other than 64:ff9b::/96",
       replace_first(
           with("          - { destination: \"::/0\", target: egress_only",
                "          - { destination: \"2001:db8::/32\", target: nat_gateway/nat-a }"),
           "    instances:", "    nat_gateways:\n      nat-a: { subnet: pub }\n    instances:"),
       17, "a NAT gateway translates IPv6 only to the NAT64 prefix 64:ff9b::/96"},
      {"dns64 in a VPC without IPv6",
       R"(name: t
vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      a: { cidr: 10.0.1.0/24, dns64: true }
)",
       6, "dns64 synthesizes IPv6 addresses, and vpc 'prod' has no ipv6_cidr"},
      {"the VPC's own /56 as a route",
       with("          - { destination: \"::/0\", target: internet_gateway }",
            "          - { destination: \"2600:1f18:4a3c:6e00::/56\", target: internet_gateway }"),
       14, "conflicts with the local route"},
      {"icmp with an IPv6 source",
       with("          - { protocol: icmpv6", "          - { protocol: icmp, source: \"::/0\" }"),
       21, "write 'protocol: icmpv6'"},
      {"icmpv6 with an IPv4 source",
       with("          - { protocol: icmpv6",
            "          - { protocol: icmpv6, source: 0.0.0.0/0 }"),
       21, "write 'protocol: icmp'"},
      {"an IPv6 route to an instance without IPv6",
       replace_first(with("          - { destination: \"::/0\", target: egress_only",
                          "          - { destination: \"::/0\", target: instance/app-2 }"),
                     "      app-1:", "      app-2: { subnet: priv }\n      app-1:"),
       17, "which has no IPv6 address"},
      {"an IPv6 probe from a host without IPv6",
       with("    client: {", "    client: { ip: 198.51.100.20 }"), 30,
       "the source host 'client' has no ipv6 address"},
      {"an IPv6 probe to an instance without IPv6",
       with("      web-1:", "      web-1: { subnet: pub, security_groups: [web] }"), 30,
       "the destination instance 'web-1' has no IPv6 address"},
      {"a host inside a VPC's /56",
       with("    client: {", "    client: { ip: 198.51.100.20, ipv6: \"2600:1f18:4a3c:6e09::1\" }"),
       28, "is inside vpc 'prod'"},
      {"a link-local host address",
       with("    client: {", "    client: { ip: 198.51.100.20, ipv6: \"fe80::20\" }"), 28,
       "needs a global IPv6 address"},
      {"an IPv6-only subnet with an IPv4 CIDR",
       with("      pub: {", "      pub: { cidr: 10.0.1.0/24, ipv6_native: true, ipv6_cidr: auto }"),
       9, "is IPv6-only (ipv6_native: true) and has no IPv4 CIDR"},
      {"an IPv6-only subnet without an IPv6 block",
       with("      pub: {", "      pub: { ipv6_native: true, route_table: public }"), 9,
       "an IPv6-only subnet needs an ipv6_cidr"},
      {"a private_ip in an IPv6-only subnet",
       replace_first(with("      pub: {", "      pub: { ipv6_native: true, ipv6_cidr: auto }"),
                     "      web-1: { subnet: pub, ipv6: true,",
                     "      web-1: { subnet: pub, private_ip: 10.0.1.9,"),
       24, "is in IPv6-only subnet 'pub', where an ENI has no IPv4 address"},
      {"a NAT gateway in an IPv6-only subnet",
       replace_first(
           with("      pub: {", "      pub: { ipv6_native: true, ipv6_cidr: auto }"),
           "    instances:", "    nat_gateways:\n      nat-a: { subnet: pub }\n    instances:"),
       24, "is IPv6-only; a NAT gateway needs a subnet with an IPv4 CIDR"},
      {"an IPv4 probe to an IPv6-only instance",
       replace_first(with("      pub: {", "      pub: { ipv6_native: true, ipv6_cidr: auto }"),
                     "port: 443, ip_version: 6,", "port: 443,"),
       30, "is IPv6-only and has no IPv4 address; add 'ip_version: 6'"},
      {"ip_version other than 4 or 6",
       with("  - { from: client",
            "  - { from: client, to: web-1, protocol: icmp, ip_version: 5, "
            "result: allow }"),
       30, "ip_version must be 4 or 6"},
  };
  for (const auto& c : cases) {
    SECTION(c.title) {
      auto d = diagnose(c.yaml);
      INFO(c.yaml);
      INFO(dump(d));
      CHECK(has(d, Severity::kError, c.line, c.message));
    }
  }
}

TEST_CASE("an IPv6-only subnet's instance has IPv6 and no IPv4, and resolves at fd00:ec2::253") {
  auto r = parse_scenario_text(with("      pub: {",
                                    "      pub: { ipv6_native: true, ipv6_cidr: auto, "
                                    "route_table: public }"),
                               "t.yaml");
  validate(r.scenario, r.diags);
  INFO(dump(r.diags));
  REQUIRE_FALSE(r.diags.has_errors());
  Plan p = compile(r.scenario, "/tmp");
  const EndpointInfo* web = p.endpoint("web-1");
  REQUIRE(web);
  CHECK_FALSE(web->private_ip);
  CHECK(web->ipv6->str() == "2600:1f18:4a3c:6e00::4");  // the first /64 no subnet asked for
  CHECK(web->resolv_conf == "etc/vpc-prod/resolv6.conf");
  CHECK(std::none_of(p.addrs.begin(), p.addrs.end(), [](const AddrPlan& a) {
    return a.ns == "t.web-1" && a.addr.family() == Family::kIpv4;
  }));
  // Its resource name (AWS's for IPv6-only instances: the instance ID), no bare name.
  const std::string aaaa_line =
      "2600:1f18:4a3c:6e00::4 " + aws_id("i", "t/web-1") + ".ec2.internal\n";
  bool aaaa = false, resolver = false;
  for (const auto& f : p.files) {
    aaaa |= f.path == "dns/prod/hosts" && f.content.find(aaaa_line) != std::string::npos;
    resolver |= f.path == "etc/vpc-prod/resolv6.conf" &&
                f.content.rfind("nameserver fd00:ec2::253\n", 0) == 0;
  }
  CHECK(aaaa);
  CHECK(resolver);
}

TEST_CASE("NAT64 and DNS64: tayga in the NAT gateway, unbound in the router, a dnat per subnet") {
  std::string yaml = replace_first(
      with("          - { destination: \"::/0\", target: egress_only",
           "          - { destination: \"64:ff9b::/96\", target: nat_gateway/nat-a }"),
      "    instances:", "    nat_gateways:\n      nat-a: { subnet: pub }\n    instances:");
  yaml = replace_first(yaml, "route_table: private }", "route_table: private, dns64: true }");
  auto r = parse_scenario_text(yaml, "t.yaml");
  validate(r.scenario, r.diags);
  INFO(dump(r.diags));
  REQUIRE_FALSE(r.diags.has_errors());
  Plan p = compile(r.scenario, "/tmp");
  const ProcessPlan* tayga = nullptr;
  const ProcessPlan* unbound = nullptr;
  for (const auto& x : p.processes) {
    if (x.argv[0] == "tayga") tayga = &x;
    if (x.argv[0] == "unbound") unbound = &x;
  }
  REQUIRE(tayga);
  CHECK(tayga->ns == "t.nat.prod.nat-a");
  CHECK(tayga->tun_routes.size() == 2);
  CHECK(tayga->tun_routes[1].str() == "64:ff9b::/96");
  REQUIRE(unbound);
  CHECK(unbound->ns == "t.vpc.prod");
  CHECK(std::any_of(p.routes.begin(), p.routes.end(), [](const RoutePlan& x) {
    return x.ns == "t.vpc.prod" && x.dst.str() == "64:ff9b::/96" && x.via &&
           x.via->str() == "fe80::2" && x.dev == "n-nat-a";
  }));
  bool dnat = false;
  for (const auto& n : p.nft)
    if (n.ns == "t.vpc.prod")
      for (const auto& o : n.table.objects)
        for (const auto& i : o.items)
          dnat |= o.name == "dns64" && i.find("iifname @ports-priv ip6 daddr fd00:ec2::253") == 0 &&
                  i.find("dnat ip6 to fd00:ec2::64") != std::string::npos;
  CHECK(dnat);
}

TEST_CASE("compile: an IPv6 ENI is a /128 behind fe80::1, and IPv6 routes leave by the gateway") {
  auto r = parse_scenario_text(kDual, "t.yaml");
  validate(r.scenario, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  Plan p = compile(r.scenario, "/tmp");
  auto has_addr = [&](const std::string& ns, const std::string& dev, const std::string& a) {
    return std::any_of(p.addrs.begin(), p.addrs.end(), [&](const AddrPlan& x) {
      return x.ns == ns && x.dev == dev && x.addr.str() == a;
    });
  };
  auto has_route = [&](const std::string& ns, uint32_t table, const std::string& dst,
                       const std::string& via, const std::string& dev) {
    return std::any_of(p.routes.begin(), p.routes.end(), [&](const RoutePlan& x) {
      return x.ns == ns && x.table == table && x.dst.str() == dst &&
             (x.via ? x.via->str() : "") == via && x.dev == dev;
    });
  };
  CHECK(has_addr("t.web-1", "eth0", "2600:1f18:4a3c:6e01::4/128"));
  CHECK(has_addr("t.vpc.prod", "e-web-1", "fe80::1/64"));
  CHECK(has_route("t.web-1", 254, "::/0", "fe80::1", "eth0"));
  CHECK(has_route("t.vpc.prod", 254, "2600:1f18:4a3c:6e01::4/128", "", "e-web-1"));
  CHECK(has_route("t.vpc.prod", 101, "::/0", "fe80::2", "igw"));   // public
  CHECK(has_route("t.vpc.prod", 100, "::/0", "fe80::2", "eigw"));  // private
  // The internet reaches the /56 through the internet gateway, not the egress-only one; only
  // replies to what left by the egress-only gateway go back through it (their own table).
  CHECK(has_route("t.net.internet", 254, "2600:1f18:4a3c:6e00::/56", "fe80::2", "g-prod"));
  CHECK_FALSE(std::any_of(p.routes.begin(), p.routes.end(), [](const RoutePlan& x) {
    return x.ns == "t.net.internet" && x.table == 254 && x.dev == "x-prod";
  }));
  CHECK(has_route("t.net.internet", 101, "2600:1f18:4a3c:6e00::/56", "fe80::2", "x-prod"));
  // IPv6 is on and quiet where the scenario uses it; policy rules exist for both families.
  CHECK(std::any_of(p.sysctls.begin(), p.sysctls.end(), [](const SysctlPlan& s) {
    return s.ns == "t.vpc.prod" && s.key == "net/ipv6/conf/all/forwarding" && s.value == "1";
  }));
  CHECK(std::any_of(p.rules.begin(), p.rules.end(), [](const RulePlan& x) {
    return x.family == Family::kIpv6 && x.to && x.to->str() == "2600:1f18:4a3c:6e00::/56";
  }));
}

TEST_CASE("a transit gateway propagates a dual-stack VPC's /56 and associates its IPv6 too") {
  auto r = parse_scenario_text(R"(name: t
vpcs:
  a:
    cidr: 10.1.0.0/16
    ipv6_cidr: auto
    subnets: { s: { cidr: 10.1.1.0/24, ipv6_cidr: auto, route_table: r } }
    route_tables: { r: { routes: [ { destination: "::/0", target: transit_gateway/hub } ] } }
  b:
    cidr: 10.2.0.0/16
    subnets: { s: { cidr: 10.2.1.0/24 } }
transit_gateways:
  hub:
    attachments:
      a: { vpc: a, subnets: [s] }
      b: { vpc: b, subnets: [s] }
    route_tables:
      all: { associations: [a, b], propagations: [a, b] }
)",
                               "t.yaml");
  validate(r.scenario, r.diags);
  INFO(dump(r.diags));
  REQUIRE_FALSE(r.diags.has_errors());
  Plan p = compile(r.scenario, "/tmp");
  auto rules6 = std::count_if(p.rules.begin(), p.rules.end(), [](const RulePlan& x) {
    return x.ns == "t.tgw.hub" && x.family == Family::kIpv6;
  });
  CHECK(rules6 == 2);  // a's association, and the drop; b has no IPv6
  CHECK(std::any_of(p.routes.begin(), p.routes.end(), [](const RoutePlan& x) {
    return x.ns == "t.tgw.hub" && x.dst.str() == "2600:1f18:4a3c::/56" && x.via &&
           x.via->str() == "fe80::1";
  }));
  CHECK(std::any_of(p.routes.begin(), p.routes.end(), [](const RoutePlan& x) {
    return x.ns == "t.vpc.a" && x.dst.str() == "::/0" && x.via && x.via->str() == "fe80::2";
  }));
}

TEST_CASE("the IPv6 pool runs out after 256 VPCs, said at the VPC that got none") {
  std::string yaml = "name: t\nvpcs:\n";
  for (int i = 0; i < 257; ++i)
    yaml += "  v" + std::to_string(i) + ": { cidr: 10.0.0.0/16, ipv6_cidr: auto }\n";
  auto d = diagnose(yaml);
  int exhausted = 0;
  for (const auto& x : d.items())
    exhausted += x.message.find("has no /56 left") != std::string::npos;
  CHECK(exhausted == 1);
}
