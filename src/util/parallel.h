// Work on many independent items (namespaces) spread over a few threads.
#pragma once
#include <cstddef>
#include <functional>

#include "util/result.h"

namespace vpcemu {

// One worker per CPU, up to four.
size_t cpu_workers();

// fn(0) … fn(n - 1) on this thread and workers - 1 more (one thread below 16 items), each
// taking the next index; the first failure stops them all and is returned. For work on many
// namespaces whose kernel part does not all serialize: a namespace's creation, its nftables
// transaction (each namespace has its own commit lock), its addresses and routes, its unmount.
// Each call acts on its own thread's namespace only.
Status in_parallel(size_t n, const std::function<Status(size_t)>& fn,
                   size_t workers = cpu_workers());

}  // namespace vpcemu
