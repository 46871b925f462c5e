// Where `vpcemu capture` listens: a named AWS point of a scenario's plan resolved to a network
// namespace, an interface ("any": all of the namespace's) and a filter that picks the point's
// traffic out of what that interface carries. Pure: from the plan.
#pragma once
#include <optional>
#include <string>

#include "compile/plan.h"

namespace vpcemu {

struct CapturePoint {
  std::string ns;
  std::string ifname;  // "any": every interface of the namespace
  std::string filter;  // a pcap filter expression, or empty
  std::string what;    // "ENI of web-1", "NAT gateway nat-a", ...
};

// POINT: an instance, host or service name (its ENI, eth0); igw/<vpc>; nat/<name> (or
// nat/<vpc>/<name>); vgw/<vpc>; pcx/<peering>; tgw/<name> or tgw/<name>/<attachment>;
// vpn/<connection> (the tunnels' inside, at the AWS end) or vpn/<connection>/outside (the
// encrypted UDP); dx/<connection>. nullopt with `error` saying what is wrong and what would be
// right.
std::optional<CapturePoint> capture_point(const Plan& plan, const std::string& point,
                                          std::string& error);

}  // namespace vpcemu
