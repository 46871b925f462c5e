// vpcemu-trace-bench FILE FROM TO [PORT] [RUNS]: the time of `vpcemu trace`'s parts on one
// scenario — parse and validate, addresses, and one trace (the median of RUNS) — for
// scripts/bench-trace.sh (the whole command is timed by farm-bench beside it).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "analyze/trace.h"
#include "scenario/parse.h"
#include "validate/validate.h"

using namespace vpcemu;
using Clock = std::chrono::steady_clock;

static double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s FILE FROM TO [PORT] [RUNS]\n", argv[0]);
    return 2;
  }
  auto t0 = Clock::now();
  auto r = parse_scenario_file(argv[1]);
  validate(r.scenario, r.diags);
  if (r.diags.has_errors()) return 2;
  const double load = ms_since(t0);
  t0 = Clock::now();
  Diagnostics d;
  const Addressing addr = assign_addresses(r.scenario, d);
  const double addressing = ms_since(t0);
  TraceQuery q;
  q.from = argv[2];
  q.to = argv[3];
  if (argc > 4 && std::string(argv[4]) != "icmp") {
    q.port = std::stoi(argv[4]);
  } else {
    q.protocol = Protocol::kIcmp;
  }
  const int runs = argc > 5 ? std::stoi(argv[5]) : 21;
  std::vector<double> t;
  bool allow = false;
  for (int i = 0; i < runs; ++i) {
    auto s = Clock::now();
    TraceOutcome o = trace(r.scenario, addr, q);
    t.push_back(ms_since(s));
    if (!o.result) {
      fprintf(stderr, "%s\n", o.error.c_str());
      return 2;
    }
    allow = o.result->allow;
  }
  std::sort(t.begin(), t.end());
  printf(
      "instances %zu  parse+validate %.1f ms  addresses %.1f ms  trace median %.2f ms (min %.2f, "
      "max %.2f, %d runs)  verdict %s\n",
      addr.private_ip.size(), load, addressing, t[t.size() / 2], t.front(), t.back(), runs,
      allow ? "allow" : "deny");
  return 0;
}
