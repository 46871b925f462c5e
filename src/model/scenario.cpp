// Reading and writing the model's typed references.
#include "model/scenario.h"

#include <algorithm>
#include <array>
#include <utility>

#include "util/text.h"

namespace vpcemu {

namespace {

using Kind = RouteTarget::Kind;

// Targets that are a word of their own, and those written "<prefix><name>".
constexpr std::array<std::pair<const char*, Kind>, 4> kWords = {{
    {"internet_gateway", Kind::kInternetGateway},
    {"egress_only_internet_gateway", Kind::kEgressOnlyInternetGateway},
    {"vpn_gateway", Kind::kVpnGateway},
    {"blackhole", Kind::kBlackhole},
}};
constexpr std::array<std::pair<const char*, Kind>, 5> kPrefixes = {{
    {"nat_gateway/", Kind::kNatGateway},
    {"peering/", Kind::kPeering},
    {"instance/", Kind::kInstance},
    {"transit_gateway/", Kind::kTransitGateway},
    {"endpoint/", Kind::kEndpoint},
}};

}  // namespace

RouteTarget RouteTarget::parse(const std::string& text) {
  for (const auto& [word, kind] : kWords)
    if (text == word) return {kind, ""};
  for (const auto& [prefix, kind] : kPrefixes)
    if (text.rfind(prefix, 0) == 0) return {kind, text.substr(std::string(prefix).size())};
  return {text.empty() ? Kind::kNone : Kind::kUnknown, text};
}

std::string RouteTarget::str() const {
  for (const auto& [word, k] : kWords)
    if (kind == k) return word;
  for (const auto& [prefix, k] : kPrefixes)
    if (kind == k) return prefix + name;
  return name;
}

namespace {
constexpr const char* kEndpointServicePrefix = "endpoint_service/";
constexpr const char* kGatewayLoadBalancerPrefix = "gateway_load_balancer/";
}  // namespace

EndpointTarget EndpointTarget::parse(const std::string& text) {
  for (const std::string prefix : {kEndpointServicePrefix, kGatewayLoadBalancerPrefix})
    if (text.rfind(prefix, 0) == 0)
      return {prefix == kEndpointServicePrefix, prefix == kGatewayLoadBalancerPrefix,
              text.substr(prefix.size())};
  return {false, false, text};
}

std::string EndpointTarget::str() const {
  if (endpoint_service) return kEndpointServicePrefix + name;
  if (gateway_load_balancer) return kGatewayLoadBalancerPrefix + name;
  return name;
}

namespace {
std::string dashed(const Ipv4& ip) {
  std::string d = ip.str();
  std::replace(d.begin(), d.end(), '.', '-');
  return d;
}
}  // namespace

std::string private_dns_suffix(const std::string& region) {
  return region == "us-east-1" ? "ec2.internal" : region + ".compute.internal";
}

std::string private_dns_name(const Ipv4& ip, const std::string& region) {
  return "ip-" + dashed(ip) + "." + private_dns_suffix(region);
}

std::string public_dns_name(const Ipv4& ip, const std::string& region) {
  return "ec2-" + dashed(ip) +
         (region == "us-east-1" ? ".compute-1.amazonaws.com"
                                : "." + region + ".compute.amazonaws.com");
}

std::string aws_id(const std::string& prefix, const std::string& seed) {
  return prefix + "-0" + hex(stable_hash(prefix + "/" + seed), 16);
}

}  // namespace vpcemu
