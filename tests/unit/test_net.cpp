// CIDR and address arithmetic.
#include <catch2/catch.hpp>

#include "util/net.h"

using namespace vpcemu;

TEST_CASE("IPv4 parsing accepts dotted quads only") {
  CHECK(Ipv4::parse("10.0.1.10")->value == 0x0A00010A);
  CHECK(Ipv4::parse("255.255.255.255")->value == 0xffffffff);
  CHECK_FALSE(Ipv4::parse("10.0.1"));
  CHECK_FALSE(Ipv4::parse("10.0.1.256"));
  CHECK_FALSE(Ipv4::parse("10.0.1.1.1"));
  CHECK_FALSE(Ipv4::parse("010.0.1.1"));
  CHECK_FALSE(Ipv4::parse(" 10.0.1.1"));
  CHECK_FALSE(Ipv4::parse(""));
  CHECK(Ipv4::parse("192.0.2.7")->str() == "192.0.2.7");
}

TEST_CASE("CIDR parsing, canonical form and host bits") {
  auto c = Cidr::parse("100.68.0.18/18");
  REQUIRE(c);
  CHECK(c->has_host_bits());
  CHECK(c->canonical().str() == "100.68.0.0/18");
  CHECK_FALSE(Cidr::parse("10.0.0.0/33"));
  CHECK_FALSE(Cidr::parse("10.0.0.0"));
  CHECK_FALSE(Cidr::parse("10.0.0.0/"));
  CHECK_FALSE(Cidr::parse("10.0.0.0/1a"));
  CHECK_FALSE(Cidr::parse("10.0.0.0/016"));    // at most two digits
  CHECK_FALSE(Cidr::parse("2600:1f18::/64"));  // an IPv6 prefix is no IPv4 CIDR block
  CHECK(Cidr::parse("0.0.0.0/0")->mask() == 0);
  CHECK(Cidr::parse("10.0.0.0/16")->size() == 65536);
}

TEST_CASE("CIDR containment and overlap") {
  auto vpc = *Cidr::parse("10.0.0.0/16");
  auto sub = *Cidr::parse("10.0.1.0/24");
  auto other = *Cidr::parse("10.1.0.0/24");
  CHECK(vpc.contains(sub));
  CHECK_FALSE(sub.contains(vpc));
  CHECK(vpc.overlaps(sub));
  CHECK(sub.overlaps(vpc));
  CHECK_FALSE(vpc.overlaps(other));
  CHECK(vpc.contains(*Ipv4::parse("10.0.255.255")));
  CHECK_FALSE(vpc.contains(*Ipv4::parse("10.1.0.0")));
  CHECK(sub.last().str() == "10.0.1.255");
  CHECK(sub.at(4).str() == "10.0.1.4");
}

TEST_CASE("AWS reserves five addresses per subnet") {
  auto sub = *Cidr::parse("10.0.1.0/28");
  int reserved = 0;
  for (uint64_t i = 0; i < sub.size(); ++i) reserved += is_aws_reserved(sub, sub.at(i));
  CHECK(reserved == 5);
  CHECK(is_aws_reserved(sub, *Ipv4::parse("10.0.1.0")));
  CHECK(is_aws_reserved(sub, *Ipv4::parse("10.0.1.3")));
  CHECK_FALSE(is_aws_reserved(sub, *Ipv4::parse("10.0.1.4")));
  CHECK(is_aws_reserved(sub, *Ipv4::parse("10.0.1.15")));
  CHECK_FALSE(is_aws_reserved(sub, *Ipv4::parse("10.0.2.1")));  // not in the subnet at all
}

TEST_CASE("family-neutral addresses hold IPv4 as Ipv4 does, and IPv6") {
  const IpAddr v4 = Ipv4{0x0A00010A};
  CHECK(v4.family == Family::kIpv4);
  CHECK(v4.size() == 4);
  CHECK(v4.str() == "10.0.1.10");
  CHECK(v4.v4()->value == 0x0A00010A);
  CHECK(IpAddr::parse("10.0.1.10") == v4);

  auto v6 = IpAddr::parse("2600:1f18:4a3c:6e02::10");
  REQUIRE(v6);
  CHECK(v6->family == Family::kIpv6);
  CHECK(v6->size() == 16);
  CHECK(v6->bytes[0] == 0x26);
  CHECK(v6->bytes[15] == 0x10);
  CHECK(v6->str() == "2600:1f18:4a3c:6e02::10");
  CHECK_FALSE(v6->v4());
  CHECK_FALSE(IpAddr::parse("2600:1f18::g"));
  CHECK_FALSE(IpAddr::parse("10.0.1"));
  CHECK_FALSE(IpAddr::parse(""));
}

TEST_CASE("family-neutral prefixes: parse, network and containment in either family") {
  const IpPrefix c = *Cidr::parse("10.0.1.77/24");
  CHECK(c.str() == "10.0.1.77/24");
  CHECK(c.network().str() == "10.0.1.0");
  CHECK(c.contains(Ipv4{0x0A0001FE}));
  CHECK_FALSE(c.contains(Ipv4{0x0A0002FE}));

  auto p = IpPrefix::parse("2600:1f18:4a3c:6e00::/56");
  REQUIRE(p);
  CHECK(p->family() == Family::kIpv6);
  CHECK(p->contains(*IpAddr::parse("2600:1f18:4a3c:6eff::1")));
  CHECK_FALSE(p->contains(*IpAddr::parse("2600:1f18:4a3c:6f00::1")));
  CHECK_FALSE(p->contains(Ipv4{0x0A000001}));  // another family is never inside
  CHECK(IpPrefix::parse("2600:1f18:4a3c:6e02::10/64")->network().str() == "2600:1f18:4a3c:6e02::");
  CHECK(IpPrefix::parse("::/0")->network().str() == "::");
  CHECK_FALSE(IpPrefix::parse("2600::/129"));
  CHECK_FALSE(IpPrefix::parse("10.0.0.0/33"));
  CHECK_FALSE(IpPrefix::parse("10.0.0.0"));
}
