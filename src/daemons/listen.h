// A listening TCP socket for vpcemu's own responders (emulated services, instance metadata).
#pragma once
#include <string>

namespace vpcemu {

// Bound to `addr` ("0.0.0.0", "169.254.169.254", "fd00:ec2::254") and `port`, listening; -1
// after saying why on stderr, prefixed by `who`.
int listen_tcp(const std::string& addr, int port, const std::string& who);

}  // namespace vpcemu
