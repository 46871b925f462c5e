// TUN devices (layer 3, no packet information header), made by the calling thread in its
// network namespace: the userspace GENEVE of gateway load balancers and their appliances.
#pragma once
#include <cstdint>
#include <string>

#include "kernel/fd.h"
#include "util/result.h"

namespace vpcemu {

// Creates (or attaches to) TUN device `name`, non-blocking, sets its MTU and brings it up.
Result<Fd> tun_open(const std::string& name, uint32_t mtu);

}  // namespace vpcemu
