// vpcemu check FILE|NAME: every `expect:` entry of a running scenario proved for real: packets
// for reachability entries, the command itself for `run:` entries. `vpcemu test` uses the same
// verdicts (check_scenario).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <thread>

#include "analyze/probe_target.h"
#include "analyze/trace.h"
#include "apply/state.h"
#include "cli/load.h"
#include "cli/verbs.h"
#include "kernel/netns.h"
#include "kernel/process.h"
#include "model/addressing.h"
#include "probe/probe.h"
#include "scenario/parse.h"
#include "util/text.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace vpcemu::cli {

namespace {

std::string command_line(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) {
    const bool plain = !w.empty() && w.find_first_of(" \t'\"\\$|&;<>()*?") == std::string::npos;
    s += (s.empty() ? "" : " ") + (plain ? w : "'" + w + "'");
  }
  return s;
}

// A `run:` entry: its command inside `from`'s namespace (as `vpcemu exec` would run it), in the
// scenario file's directory, output to logs/expect-line-N.log, killed with its process group
// when its time runs out.
void run_command(const StateDir& state, const Plan& plan, const Scenario& sc, const Expect& e,
                 Verdict& v) {
  const EndpointInfo* ep = plan.endpoint(e.from);
  v.log = state.path() + "/logs/expect-line-" + std::to_string(e.span.line) + ".log";
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 t0)
        .count();
  };
  auto failed = [&](const std::string& why) {
    v.observed = "failure";
    v.detail = why;
    v.ms = elapsed();
  };
  if (!ep) return failed("no instance or host '" + e.from + "' in the running scenario");
  auto fd = netns_open(ep->ns);
  if (!fd) return failed(fd.error().str());
  std::error_code ec;
  fs::remove(v.log, ec);
  SpawnOptions opt;
  opt.nsfd = fd->get();
  opt.ns_name = ep->ns;
  opt.argv = e.run;
  opt.cwd = fs::path(sc.file).parent_path().string();
  opt.log_path = v.log;
  opt.detach = true;  // its own session: the process group is killed when time runs out
  if (!ep->resolv_conf.empty() && fs::exists(state.path() + "/" + ep->resolv_conf))
    opt.resolv_conf = state.path() + "/" + ep->resolv_conf;
  auto child = spawn_paused(opt);
  if (!child) return failed("cannot start: " + child.error().str());
  child->go();
  if (auto s = child->exec_result(); !s) {
    child_exit_status(child->pid());
    return failed("cannot start " + e.run[0] + ": " + s.error().str());
  }
  const auto deadline = t0 + std::chrono::seconds(e.timeout_s);
  int status = -1;
  while ((status = child_exit_status(child->pid())) < 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  if (status < 0) {
    kill(-child->pid(), SIGKILL);
    waitpid(child->pid(), nullptr, 0);
    v.output = StateDir::tail_lines(v.log, 10);
    return failed("still running after " + std::to_string(e.timeout_s) + " s: killed");
  }
  kill(-child->pid(), SIGKILL);  // what it left running in its session ends with it
  v.exit_status = status;
  v.observed = status == 0 ? "success" : "failure";
  v.detail = status > 128 ? "killed by signal " + std::to_string(status - 128)
                          : "exit status " + std::to_string(status);
  v.ms = elapsed();
  v.output = StateDir::tail_lines(v.log, 10);
}

}  // namespace

CheckOutcome check_scenario(const std::string& run_dir, const std::string& arg, int timeout_ms,
                            bool explain) {
  CheckOutcome out;
  std::string file = arg;
  if (!fs::is_regular_file(arg)) {
    if (!valid_resource_name(arg)) {
      out.error = "'" + arg + "' is neither a scenario file nor a scenario name";
      out.exit_code = kExitInvalid;
      return out;
    }
    file = StateDir(run_dir, arg).source_file();
    if (file.empty()) {
      out.error = "scenario " + arg + " is not up";
      return out;
    }
  }
  auto sc = load_scenario(file, true);
  if (!sc) {
    out.error = file + " is not a valid scenario";
    out.exit_code = kExitInvalid;
    return out;
  }
  out.scenario = sc->name;
  out.file = file;
  out.time_scale = sc->time_scale;
  out.time_scale_note = sc->time_scale != 1.0 ? sc->scaled(350) : 0;
  StateDir state(run_dir, sc->name);
  auto plan = state.read_summary();
  if (!plan || !state.complete()) {
    out.error = "scenario " + sc->name + " is not up; run 'vpcemu up " + file + "' first";
    return out;
  }
  std::vector<ProbeSpec> specs;
  std::vector<size_t> probed;  // expects index of each spec
  std::optional<Addressing> addr;
  if (explain) {
    Diagnostics d;
    addr = assign_addresses(*sc, d);
  }
  out.verdicts.resize(sc->expects.size());
  for (size_t i = 0; i < sc->expects.size(); ++i) {
    const Expect& e = sc->expects[i];
    Verdict& v = out.verdicts[i];
    v.line = e.span.line;
    v.from = e.from;
    if (e.runs()) {
      v.run = e.run;
      v.expected = e.allow ? "success" : "failure";
      v.name = e.from + ": " + command_line(e.run);
      continue;
    }
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
    probed.push_back(i);
    v.to = e.to;
    v.address = s.dst.str();
    v.protocol =
        e.protocol == Protocol::kIcmp && e.ip_version == 6 ? "icmpv6" : protocol_name(e.protocol);
    v.ip_version = e.ip_version;
    v.port = e.port;
    v.expected = e.allow ? "allow" : "deny";
    std::string proto = v.protocol;
    if (e.port) proto += "/" + std::to_string(*e.port);
    v.name =
        e.from + " -> " + e.to + (e.to == v.address ? "" : " (" + v.address + ")") + " " + proto;
    if (addr)
      if (TraceOutcome t = trace(*sc, *addr, trace_query(e)); t.result) {
        const TraceResult& r = *t.result;
        v.explanation = Verdict::Explanation{r.allow ? "allow" : "deny",
                                             r.code,
                                             r.component,
                                             r.rule,
                                             r.reason,
                                             r.fix,
                                             r.span.line,
                                             r.reply,
                                             r.appliances};
      }
  }
  // Packets first (all at once), then the commands, one at a time in the file's order.
  auto results = run_probes(specs, timeout_ms);
  for (size_t k = 0; k < specs.size(); ++k) {
    Verdict& v = out.verdicts[probed[k]];
    v.observed = results[k].reached ? "allow" : "deny";
    v.detail = results[k].detail;
    v.ms = results[k].ms;
  }
  for (size_t i = 0; i < sc->expects.size(); ++i)
    if (sc->expects[i].runs()) run_command(state, *plan, *sc, sc->expects[i], out.verdicts[i]);
  for (auto& v : out.verdicts) {
    v.pass = v.observed == v.expected;
    (v.pass ? out.passed : out.failed)++;
  }
  out.exit_code = out.failed == 0 ? kExitOk : kExitFail;
  return out;
}

std::string verdict_line(const Verdict& v) {
  char buf[512];
  if (v.run.empty()) {
    snprintf(buf, sizeof(buf), "%s  %-12s -> %-28s %-9s expected %-5s observed %-5s (%s, %ld ms)",
             v.pass ? "PASS" : "FAIL", v.from.c_str(),
             (v.to + (v.to == v.address ? "" : " (" + v.address + ")")).c_str(),
             (v.protocol + (v.port ? "/" + std::to_string(*v.port) : "")).c_str(),
             v.expected.c_str(), v.observed.c_str(), v.detail.c_str(), v.ms);
    return buf;
  }
  std::string s = std::string(v.pass ? "PASS" : "FAIL") + "  " + v.name + "  expected " +
                  v.expected + ", " + v.detail + " (" + std::to_string(v.ms) + " ms)";
  if (!v.pass) {
    for (const auto& l : v.output) s += "\n        | " + l;
    s += "\n        (output: " + v.log + ")";
  }
  return s;
}

// check --explain's lines under a verdict: trace's reason, and where it and the packets differ.
std::string explanation_lines(const Verdict& v, const std::string& file) {
  if (!v.explanation) return "";
  const auto& x = *v.explanation;
  std::string s;
  if (x.verdict == "allow") {
    s = "        why: trace allows it";
    if (!x.appliances.empty())
      s +=
          " through " + join(x.appliances, ", ") + " (whose own software decides what it forwards)";
  } else {
    s = "        why: " + std::string(x.reply ? "the reply: " : "") + x.reason +
        "\n        at:  " + x.component + (x.rule.empty() ? "" : ", " + x.rule) +
        (x.line ? "  [" + file + ":" + std::to_string(x.line) + "]" : "") +
        (x.code.empty() ? "" : "  " + x.code);
    if (!x.fix.empty()) s += "\n        fix: " + x.fix;
  }
  if (x.verdict != v.observed && x.appliances.empty())
    s += "\n        (trace says " + x.verdict + ", the packets " + v.observed +
         ": a difference between vpcemu's model and its kernel objects; please report it)";
  return s + "\n";
}

json verdict_json(const Verdict& v) {
  if (!v.run.empty())
    return {{"from", v.from},
            {"run", v.run},
            {"expected", v.expected},
            {"observed", v.observed},
            {"exit_status", v.exit_status ? json(*v.exit_status) : json(nullptr)},
            {"detail", v.detail},
            {"output", v.output},
            {"log", v.log},
            {"ms", v.ms},
            {"pass", v.pass},
            {"line", v.line}};
  json j = {{"from", v.from},
            {"to", v.to},
            {"address", v.address},
            {"protocol", v.protocol},
            {"ip_version", v.ip_version},
            {"port", v.port ? json(*v.port) : json(nullptr)},
            {"expected", v.expected},
            {"observed", v.observed},
            {"detail", v.detail},
            {"ms", v.ms},
            {"pass", v.pass},
            {"line", v.line}};
  if (v.explanation) {
    const auto& x = *v.explanation;
    auto opt = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
    j["trace"] = {{"verdict", x.verdict},
                  {"code", opt(x.code)},
                  {"component", opt(x.component)},
                  {"rule", opt(x.rule)},
                  {"line", x.line ? json(x.line) : json(nullptr)},
                  {"reason", opt(x.reason)},
                  {"fix", opt(x.fix)},
                  {"reply", x.reply},
                  {"appliances", x.appliances}};
  }
  return j;
}

int cmd_check(const std::string& run_dir, const std::string& arg, const std::string& format,
              int timeout_ms, bool explain) {
  if (!need_root("check")) return kExitFail;
  const CheckOutcome c = check_scenario(run_dir, arg, timeout_ms, explain);
  if (!c.error.empty()) {
    std::cerr << "vpcemu check: " << c.error << "\n";
    return c.exit_code;
  }
  if (format == "json") {
    json out = {{"schema_version", kJsonSchemaVersion},
                {"scenario", c.scenario},
                {"results", json::array()},
                {"time_scale", c.time_scale},
                {"passed", c.passed},
                {"failed", c.failed}};
    for (const auto& v : c.verdicts) out["results"].push_back(verdict_json(v));
    std::cout << out.dump(2) << "\n";
    return c.exit_code;
  }
  // AWS's timeouts are not AWS's while the scale is on: say so before any verdict.
  if (c.time_scale != 1.0) {
    char note[160];
    snprintf(note, sizeof(note),
             "# time_scale %g: AWS's timeouts are scaled (NAT gateway idle %d s, not 350 s)\n",
             c.time_scale, c.time_scale_note);
    fputs(note, stdout);
  }
  for (const auto& v : c.verdicts)
    std::cout << verdict_line(v) << "\n" << explanation_lines(v, c.file);
  printf("%d passed, %d failed\n", c.passed, c.failed);
  return c.exit_code;
}

}  // namespace vpcemu::cli
