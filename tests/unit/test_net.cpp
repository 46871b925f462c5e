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
