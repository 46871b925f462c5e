// The emulated AWS services' HTTP responder (`vpcemu service-responder`, started by apply in each
// service's namespace): it answers with the source address the connection came from, so a test
// can tell which path (internet gateway, NAT, endpoint) a request took.
#pragma once
#include <string>
#include <vector>

namespace vpcemu {

// Listens on every port until killed; returns 1 only when a port cannot be bound.
int run_service_responder(const std::string& name, const std::vector<int>& ports);

}  // namespace vpcemu
