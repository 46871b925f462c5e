// Elapsed wall time, for progress lines and results ("1025 namespaces (310 ms)").
#pragma once
#include <chrono>

namespace vpcemu {

using Clock = std::chrono::steady_clock;

inline long ms_since(Clock::time_point t) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count());
}

}  // namespace vpcemu
