// vpcemu check FILE|NAME: real packets for every `expect:` entry of a running scenario.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analyze/probe_target.h"
#include "apply/state.h"
#include "cli/load.h"
#include "cli/verbs.h"
#include "probe/probe.h"
#include "scenario/parse.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace vpcemu::cli {

int cmd_check(const std::string& run_dir, const std::string& arg, const std::string& format,
              int timeout_ms) {
  if (!need_root("check")) return kExitFail;
  std::string file = arg;
  if (!fs::is_regular_file(arg)) {
    if (!valid_resource_name(arg)) {
      std::cerr << "vpcemu check: '" << arg << "' is neither a scenario file nor a scenario name\n";
      return kExitInvalid;
    }
    file = StateDir(run_dir, arg).source_file();
    if (file.empty()) {
      std::cerr << "vpcemu check: scenario " << arg << " is not up\n";
      return kExitFail;
    }
  }
  auto sc = load_scenario(file, true);
  if (!sc) return kExitInvalid;
  StateDir state(run_dir, sc->name);
  auto plan = state.read_summary();
  if (!plan || !state.complete()) {
    std::cerr << "vpcemu check: scenario " << sc->name << " is not up; run 'vpcemu up " << file
              << "' first\n";
    return kExitFail;
  }
  std::vector<ProbeSpec> specs;
  std::vector<std::string> shown;
  for (const auto& e : sc->expects) {
    const ProbeTarget target = probe_target(*sc, *plan, e);
    ProbeSpec s;
    s.src_ns = target.src_ns;
    s.dst_ns = target.dst_ns;
    s.dst = target.dst;
    s.proto = e.protocol == Protocol::kUdp    ? ProbeProto::kUdp
              : e.protocol == Protocol::kIcmp ? ProbeProto::kIcmp
                                              : ProbeProto::kTcp;
    s.port = e.port.value_or(0);
    specs.push_back(s);
    shown.push_back(e.to + (e.to == s.dst.str() ? "" : " (" + s.dst.str() + ")"));
  }
  auto results = run_probes(specs, timeout_ms);
  json out = {{"schema_version", kJsonSchemaVersion},
              {"scenario", sc->name},
              {"results", json::array()},
              {"time_scale", sc->time_scale}};
  // AWS's timeouts are not AWS's while the scale is on: say so before any verdict.
  if (sc->time_scale != 1.0 && format != "json") {
    char note[160];
    snprintf(note, sizeof(note),
             "# time_scale %g: AWS's timeouts are scaled (NAT gateway idle %d s, not 350 s)\n",
             sc->time_scale, sc->scaled(350));
    fputs(note, stdout);
  }
  int passed = 0, failed = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    const auto& e = sc->expects[i];
    const auto& r = results[i];
    bool pass = r.reached == e.allow;
    (pass ? passed : failed)++;
    const bool v6 = e.ip_version == 6;
    const std::string pname =
        e.protocol == Protocol::kIcmp && v6 ? "icmpv6" : protocol_name(e.protocol);
    std::string proto = pname;
    if (e.port) proto += "/" + std::to_string(*e.port);
    out["results"].push_back({{"from", e.from},
                              {"to", e.to},
                              {"address", specs[i].dst.str()},
                              {"protocol", pname},
                              {"ip_version", e.ip_version},
                              {"port", e.port ? json(*e.port) : json(nullptr)},
                              {"expected", e.allow ? "allow" : "deny"},
                              {"observed", r.reached ? "allow" : "deny"},
                              {"detail", r.detail},
                              {"ms", r.ms},
                              {"pass", pass},
                              {"line", e.span.line}});
    if (format != "json") {
      printf("%s  %-12s -> %-28s %-9s expected %-5s observed %-5s (%s, %ld ms)\n",
             pass ? "PASS" : "FAIL", e.from.c_str(), shown[i].c_str(), proto.c_str(),
             e.allow ? "allow" : "deny", r.reached ? "allow" : "deny", r.detail.c_str(), r.ms);
    }
  }
  out["passed"] = passed;
  out["failed"] = failed;
  if (format == "json") {
    std::cout << out.dump(2) << "\n";
  } else {
    printf("%d passed, %d failed\n", passed, failed);
  }
  return failed == 0 ? kExitOk : kExitFail;
}

}  // namespace vpcemu::cli
