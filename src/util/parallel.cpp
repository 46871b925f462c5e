#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace vpcemu {

size_t cpu_workers() {
  return std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), 4);
}

Status in_parallel(size_t n, const std::function<Status(size_t)>& fn, size_t workers) {
  if (n < 16) workers = 1;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex m;
  Status first;
  auto work = [&] {
    for (size_t i; !stop && (i = next++) < n;) {
      if (auto s = fn(i); !s) {
        std::lock_guard g(m);
        if (first) first = s;
        stop = true;
      }
    }
  };
  std::vector<std::thread> helpers;
  for (size_t w = 1; w < workers; ++w) helpers.emplace_back(work);
  work();
  for (auto& t : helpers) t.join();
  return first;
}

}  // namespace vpcemu
