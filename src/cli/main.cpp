// vpcemu command line: validate, plan, up, down, status, exec, check.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "apply/apply.h"
#include "apply/bird_ctl.h"
#include "apply/state.h"
#include "cli/load.h"
#include "compile/compile.h"
#include "compile/plan_diff.h"
#include "compile/plan_json.h"
#include "daemons/bird.h"
#include "kernel/netns.h"
#include "kernel/process.h"
#include "probe/probe.h"
#include "scenario/parse.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace vpcemu;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFail = 1;
constexpr int kExitInvalid = 2;

void log(const std::string& s) {
  std::cerr << s << "\n";
}

bool need_root(const char* verb) {
  if (geteuid() == 0) return true;
  std::cerr << "vpcemu " << verb << ": needs root (network namespaces need CAP_SYS_ADMIN and "
            << "CAP_NET_ADMIN)\n";
  return false;
}

std::string abs_path(const std::string& p) {
  std::error_code ec;
  auto a = fs::absolute(p, ec);
  return ec ? p : a.lexically_normal().string();
}

// A FILE|NAME argument: an existing file is read for its `name:`.
std::optional<std::string> scenario_name_of(const std::string& arg) {
  if (fs::is_regular_file(arg)) {
    auto r = parse_scenario_file(arg);
    if (r.scenario.name.empty()) {
      std::cerr << arg << ": no scenario name found in the file\n";
      return std::nullopt;
    }
    return r.scenario.name;
  }
  if (!valid_resource_name(arg)) {
    std::cerr << "'" << arg << "' is neither a scenario file nor a scenario name\n";
    return std::nullopt;
  }
  return arg;
}

int cmd_validate(const std::string& file) {
  auto sc = load_scenario(file);
  if (!sc) return kExitInvalid;
  std::cout << file << ": scenario '" << sc->name << "' is valid\n";
  return kExitOk;
}

int cmd_plan(const std::string& run_dir, const std::string& file, const std::string& format) {
  auto sc = load_scenario(file);
  if (!sc) return kExitInvalid;
  Plan plan = compile(*sc, fs::path(abs_path(file)).parent_path().string());
  // On a running scenario, the plan is the difference `up` would apply.
  StateDir state(run_dir, sc->name);
  if (state.complete()) {
    if (auto old = state.read_plan()) {
      PlanDiff diff = diff_plans(*old, plan);
      if (format == "json") {
        json j = {{"scenario", sc->name},
                  {"running", true},
                  {"add", plan_to_json(diff.added)},
                  {"nft_transactions", json::array()},
                  {"cannot_apply_live", diff.unsupported}};
        for (const auto& [ns, change] : diff.nft_changes) {
          j["nft_transactions"].push_back(
              {{"ns", ns}, {"now", change.now}, {"cleanup", change.cleanup}});
        }
        std::cout << j.dump(2) << "\n";
      } else {
        std::cout << "# scenario " << sc->name << " is up; the difference 'up' would apply:\n"
                  << diff_to_text(diff);
      }
      return kExitOk;
    }
  }
  if (format == "json") {
    std::cout << plan_to_json(plan).dump(2) << "\n";
  } else {
    std::cout << plan_to_text(plan);
  }
  return kExitOk;
}

int cmd_down_name(const std::string& run_dir, const std::string& name) {
  StateDir state(run_dir, name);
  auto lock = state.lock();
  if (!lock) {
    log("vpcemu down: " + lock.error().str());
    return kExitFail;
  }
  bool anything = state.exists() || !netns_list(name + ".").empty();
  if (!anything) {
    log("vpcemu: scenario " + name + " is not up; nothing to remove");
    return kExitOk;
  }
  log("vpcemu: down " + name);
  auto r = destroy(state, log);
  for (const auto& e : r.errors) log("vpcemu down: " + e);
  return r.errors.empty() ? kExitOk : kExitFail;
}

// A running scenario whose file changed: add what is new, change nftables by difference (one
// transaction per namespace), refuse what cannot be changed live.
int up_change(StateDir& state, const Plan& old, const Plan& plan, const std::string& src,
              int ready_ms) {
  PlanDiff diff = diff_plans(old, plan);
  if (!diff.unsupported.empty()) {
    log("vpcemu up: scenario " + plan.scenario + " is up and this change cannot be applied live:");
    for (size_t i = 0; i < diff.unsupported.size() && i < 10; ++i) log("  " + diff.unsupported[i]);
    if (diff.unsupported.size() > 10)
      log("  ... and " + std::to_string(diff.unsupported.size() - 10) + " more");
    log("Live changes can add instances and change security groups and network ACLs. Run "
        "'vpcemu down " +
        plan.scenario + "' and 'vpcemu up' to rebuild it.");
    return kExitFail;
  }
  log("vpcemu: up " + plan.scenario + ": applying the change to the running scenario");
  ApplyOptions opt;
  opt.ready_timeout_ms = ready_ms;
  Status s = apply_plan(diff.added, state, opt, log);
  if (s) s = apply_nft_changes(diff.nft_changes, log);
  if (s) s = state.write_plan(plan, src);
  if (!s) {
    log("vpcemu up: failed: " + s.error().str());
    log("vpcemu up: the scenario keeps running as far as the change got; 'vpcemu down " +
        plan.scenario + "' removes all of it");
    return kExitFail;
  }
  log("vpcemu: " + plan.scenario + " is up with the change applied");
  return kExitOk;
}

int cmd_up(const std::string& run_dir, const std::string& file, int ready_ms) {
  auto sc = load_scenario(file);
  if (!sc) return kExitInvalid;
  if (!need_root("up")) return kExitFail;
  const std::string src = abs_path(file);
  Plan plan = compile(*sc, fs::path(src).parent_path().string());
  StateDir state(run_dir, sc->name);
  auto lock = state.lock();
  if (!lock) {
    log("vpcemu up: " + lock.error().str());
    return kExitFail;
  }
  if (state.exists()) {
    auto old = state.read_plan();
    if (state.complete() && old && plan_to_json(*old) != plan_to_json(plan)) {
      return up_change(state, *old, plan, src, ready_ms);
    }
    if (state.complete() && old) {
      std::vector<std::string> missing;
      for (const auto& ns : plan.namespaces)
        if (!netns_exists(ns.name)) missing.push_back(ns.name);
      if (missing.empty()) {
        log("vpcemu: scenario " + sc->name + " is up and unchanged; nothing to do");
        return kExitOk;
      }
      log("vpcemu: scenario " + sc->name + " is up but " + std::to_string(missing.size()) +
          " of its namespaces are gone (first: " + missing[0] + "); rebuilding it");
    } else {
      log("vpcemu: a previous 'up' of " + sc->name + " did not finish; removing its leftovers");
    }
    destroy(state, log);
  } else if (!netns_list(sc->name + ".").empty()) {
    log("vpcemu: removing leftover namespaces of " + sc->name);
    destroy(state, log);
  }
  log("vpcemu: up " + sc->name + " (" + std::to_string(plan.endpoints.size()) +
      " instances and hosts)");
  auto t0 = std::chrono::steady_clock::now();
  Status s = state.create();
  if (s) s = state.write_plan(plan, src);
  ApplyOptions opt;
  opt.ready_timeout_ms = ready_ms;
  if (s) s = apply_plan(plan, state, opt, log);
  if (!s) {
    log("vpcemu up: failed: " + s.error().str());
    log("vpcemu up: removing what was created");
    destroy(state, log);
    return kExitFail;
  }
  if (auto m = state.mark_complete(); !m) log("vpcemu up: " + m.error().str());
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  log("vpcemu: " + sc->name + " is up (" + std::to_string(ms) + " ms)");
  for (const auto& e : plan.endpoints) {
    std::string line = "  " + e.name + "  " + e.private_ip.str();
    if (e.public_ip) line += "  public " + e.public_ip->str();
    log(line);
  }
  return kExitOk;
}

// A BGP tunnel's session as the gateway's bird sees it, and the prefixes it learned over it.
void bgp_json(const StateDir& state, const GatewayInfo& g, const std::string& protocol, json& t) {
  // The bird of the gateway's namespace ("<scenario>.vgw.<vpc>", "<scenario>.tgw.<hub>").
  const std::string ctl = state.path() + "/bgp/" + g.ns.substr(g.ns.find('.') + 1) + "/bird.ctl";
  if (access(ctl.c_str(), F_OK) != 0) return;
  json b = {{"session", "down"}, {"prefixes", json::array()}};
  if (auto sessions = bird_sessions(ctl, protocol))
    for (const auto& s : *sessions)
      if (!s.state.empty()) b["session"] = s.state;
  for (const auto& l : bird_query(ctl, "show route protocol " + protocol)) {
    if (!l.empty() && isdigit(static_cast<unsigned char>(l[0])))
      b["prefixes"].push_back(l.substr(0, l.find(' ')));
  }
  t["bgp"] = b;
}

void print_bgp(const json& t) {
  if (!t.contains("bgp")) return;
  std::string prefixes;
  for (const auto& x : t["bgp"]["prefixes"]) prefixes += " " + x.get<std::string>();
  printf("      bgp %s, learned:%s\n", t["bgp"]["session"].get<std::string>().c_str(),
         prefixes.empty() ? " nothing" : prefixes.c_str());
}

// A tunnel's state as its VGW-side charon reports it in its log (epoch timestamps), and the
// bytes its TUN device carried, read inside the gateway's namespace.
json tunnel_json(const StateDir& state, const GatewayInfo& g) {
  json t = {{"name", g.name},
            {"vpc", g.vpc},
            {"outside_ip", g.private_ip.str()},
            {"customer_gateway", g.public_ip ? g.public_ip->str() : ""},
            {"state", "down"}};
  std::ifstream in(state.path() + "/vpn/" + g.name + "/vgw/charon.log");
  std::string tun, since;
  bool up = false;
  for (std::string l; std::getline(in, l);) {
    if (auto p = l.find("created TUN device: "); p != std::string::npos) tun = l.substr(p + 20);
    if (l.find("CHILD_SA") != std::string::npos &&
        l.find("established with SPIs") != std::string::npos) {
      up = true, since = l.substr(0, l.find(' '));
    } else if (l.find("closing CHILD_SA") != std::string::npos ||
               l.find("deleting CHILD_SA") != std::string::npos ||
               l.find("SIGTERM received") != std::string::npos) {
      up = false, since = l.substr(0, l.find(' '));
    }
  }
  bool running = false;
  for (const auto& e : state.read_journal())
    if (e.value("name", "") == "ipsec-" + g.name + "-vgw")
      running = process_running(e["process"], e.value("start", 0ull));
  if (up && running) t["state"] = "up";
  if (!since.empty() && since.find_first_not_of("0123456789") == std::string::npos)
    t["since"] = std::stoll(since);  // epoch seconds
  if (!tun.empty() && running) {
    t["device"] = tun;
    if (auto fd = netns_open(g.ns); fd) {
      if (auto guard = NetnsGuard::enter(fd->get(), g.ns); guard) {
        std::ifstream dev("/proc/thread-self/net/dev");
        for (std::string l; std::getline(dev, l);) {
          auto colon = l.find(':');
          if (colon == std::string::npos) continue;
          std::string ifname = l.substr(0, colon);
          ifname.erase(0, ifname.find_first_not_of(' '));
          if (ifname != tun) continue;
          std::istringstream f(l.substr(colon + 1));
          uint64_t rx_bytes, rx_packets, x, tx_bytes;
          f >> rx_bytes >> rx_packets >> x >> x >> x >> x >> x >> x >> tx_bytes;
          t["bytes_in"] = rx_bytes;
          t["bytes_out"] = tx_bytes;
        }
      }
    }
  }
  bgp_json(state, g, bird_name(g.name), t);
  return t;
}

json status_json(const std::string& run_dir, const std::string& name) {
  StateDir state(run_dir, name);
  json j = {{"scenario", name}};
  auto plan = state.read_plan();
  j["source"] = state.source_file();
  j["state"] = state.complete() ? "up" : "incomplete";
  if (!plan) return j;
  int alive = 0;
  for (const auto& ns : plan->namespaces) alive += netns_exists(ns.name);
  j["namespaces"] = {{"expected", plan->namespaces.size()}, {"present", alive}};
  if (alive != static_cast<int>(plan->namespaces.size())) j["state"] = "degraded";
  j["endpoints"] = json::array();
  for (const auto& e : plan->endpoints) {
    json x = {
        {"name", e.name}, {"kind", e.kind}, {"netns", e.ns}, {"private_ip", e.private_ip.str()}};
    if (!e.vpc.empty()) x["vpc"] = e.vpc, x["subnet"] = e.subnet;
    x["public_ip"] = e.public_ip ? json(e.public_ip->str()) : json(nullptr);
    if (e.kind == "instance") x["security_groups"] = e.security_groups;
    j["endpoints"].push_back(x);
  }
  j["tunnels"] = json::array();
  for (const auto& g : plan->gateways)
    if (g.kind == "vpn-tunnel") j["tunnels"].push_back(tunnel_json(state, g));
  // Client VPN: each connected client's address, from the server's status file.
  j["vpn_clients"] = json::array();
  for (const auto& g : plan->gateways) {
    if (g.kind != "client-vpn-endpoint") continue;
    std::ifstream in(state.path() + "/cvpn/" + g.name + "/status.txt");
    for (std::string l; std::getline(in, l);) {
      if (l.rfind("CLIENT_LIST,", 0) != 0) continue;
      std::vector<std::string> f;
      std::stringstream ls(l);
      for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
      if (f.size() > 3) {
        j["vpn_clients"].push_back(
            {{"endpoint", g.name}, {"client", f[1]}, {"from", f[2]}, {"address", f[3]}});
      }
    }
  }
  for (const auto& g : plan->gateways) {
    if (g.kind == "wireguard-client")  // WireGuard addresses are assigned, not leased
      j["vpn_clients"].push_back({{"endpoint", g.vpc},
                                  {"client", g.name},
                                  {"from", "wireguard"},
                                  {"address", g.private_ip.str()}});
  }
  j["gateways"] = json::array();
  for (const auto& g : plan->gateways) {
    if (g.kind == "vpn-tunnel" || g.kind == "wireguard-client") continue;
    json x = {{"kind", g.kind},
              {"vpc", g.vpc},
              {"name", g.name},
              {"netns", g.ns},
              {"private_ip", g.private_ip.str()},
              {"public_ip", g.public_ip ? json(g.public_ip->str()) : json(nullptr)}};
    if (g.kind == "direct-connect") bgp_json(state, g, bird_name("dx-" + g.name), x);
    j["gateways"].push_back(x);
  }
  j["subnets"] = json::array();
  for (const auto& sn : plan->subnets) {
    j["subnets"].push_back({{"vpc", sn.vpc},
                            {"name", sn.name},
                            {"cidr", sn.cidr.str()},
                            {"route_table", sn.route_table},
                            {"network_acl", sn.network_acl}});
  }
  j["processes"] = json::array();
  for (const auto& e : state.read_journal()) {
    if (!e.contains("process")) continue;
    pid_t pid = e["process"];
    bool running = process_running(pid, e.value("start", 0ull));
    json p = {{"name", e.value("name", "")}, {"pid", pid}, {"running", running}};
    if (!running) {
      // A daemon that died says why at the end of its log.
      json tail = StateDir::tail_lines(state.log_path(e.value("name", "")), 5);
      p["log_tail"] = tail;
    }
    j["processes"].push_back(p);
  }
  return j;
}

int cmd_status(const std::string& run_dir, const std::string& name, const std::string& format) {
  std::vector<std::string> names;
  if (!name.empty()) {
    auto n = scenario_name_of(name);
    if (!n) return kExitInvalid;
    if (!StateDir(run_dir, *n).exists()) {
      std::cerr << "vpcemu: scenario " << *n << " is not up\n";
      return kExitFail;
    }
    names.push_back(*n);
  } else {
    names = StateDir::list(run_dir);
  }
  json all = json::array();
  for (const auto& n : names) all.push_back(status_json(run_dir, n));
  if (format == "json") {
    std::cout << (name.empty() ? all : all[0]).dump(2) << "\n";
    return kExitOk;
  }
  if (all.empty()) std::cout << "no scenario is up\n";
  for (const auto& s : all) {
    std::cout << "scenario " << s["scenario"].get<std::string>() << ": "
              << s["state"].get<std::string>();
    if (s.contains("namespaces"))
      std::cout << " (" << s["namespaces"]["present"] << "/" << s["namespaces"]["expected"]
                << " namespaces)";
    std::cout << "\n  source " << s["source"].get<std::string>() << "\n";
    if (!s.contains("endpoints")) continue;
    printf("  %-20s %-9s %-12s %-14s %-16s %-16s %s\n", "NAME", "KIND", "VPC", "SUBNET", "PRIVATE",
           "PUBLIC", "GROUPS");
    for (const auto& e : s["endpoints"]) {
      std::string groups;
      for (const auto& g : e.value("security_groups", json::array()))
        groups += (groups.empty() ? "" : ",") + g.get<std::string>();
      printf("  %-20s %-9s %-12s %-14s %-16s %-16s %s\n", e["name"].get<std::string>().c_str(),
             e["kind"].get<std::string>().c_str(), e.value("vpc", "-").c_str(),
             e.value("subnet", "-").c_str(), e["private_ip"].get<std::string>().c_str(),
             e["public_ip"].is_null() ? "-" : e["public_ip"].get<std::string>().c_str(),
             groups.empty() ? "-" : groups.c_str());
    }
    for (const auto& g : s["gateways"]) {
      printf("  %s %s/%s  %s  public %s  (netns %s)\n", g["kind"].get<std::string>().c_str(),
             g["vpc"].get<std::string>().c_str(), g["name"].get<std::string>().c_str(),
             g["private_ip"].get<std::string>().c_str(),
             g["public_ip"].is_null() ? "-" : g["public_ip"].get<std::string>().c_str(),
             g["netns"].get<std::string>().c_str());
      print_bgp(g);
    }
    for (const auto& t : s["tunnels"]) {
      std::string since;
      if (t.contains("since")) {
        time_t at = t["since"].get<long long>();
        char buf[32];
        strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", gmtime(&at));
        since = std::string(", since ") + buf;
      }
      std::string bytes = t.contains("bytes_in")
                              ? ", " + std::to_string(t["bytes_in"].get<uint64_t>()) +
                                    " bytes in, " + std::to_string(t["bytes_out"].get<uint64_t>()) +
                                    " bytes out"
                              : "";
      printf("  vpn tunnel %s  %s ↔ %s  %s%s%s\n", t["name"].get<std::string>().c_str(),
             t["outside_ip"].get<std::string>().c_str(),
             t["customer_gateway"].get<std::string>().c_str(),
             t["state"].get<std::string>().c_str(), since.c_str(), bytes.c_str());
      print_bgp(t);
    }
    for (const auto& c : s["vpn_clients"]) {
      printf("  vpn client %s  %s  (endpoint %s, connected from %s)\n",
             c["client"].get<std::string>().c_str(), c["address"].get<std::string>().c_str(),
             c["endpoint"].get<std::string>().c_str(), c["from"].get<std::string>().c_str());
    }
    for (const auto& sn : s["subnets"]) {
      printf("  subnet %s/%s %s: route table %s, network ACL %s\n",
             sn["vpc"].get<std::string>().c_str(), sn["name"].get<std::string>().c_str(),
             sn["cidr"].get<std::string>().c_str(), sn["route_table"].get<std::string>().c_str(),
             sn["network_acl"].get<std::string>().c_str());
    }
    for (const auto& p : s["processes"]) {
      printf("  process %s pid %d %s\n", p["name"].get<std::string>().c_str(), p["pid"].get<int>(),
             p["running"].get<bool>() ? "running" : "not running");
      for (const auto& l : p.value("log_tail", json::array()))
        printf("      | %s\n", l.get<std::string>().c_str());
    }
  }
  return kExitOk;
}

// The endpoint NAME among the scenarios that are up (or in `scenario` only).
std::optional<std::pair<EndpointInfo, std::string>> find_endpoint(const std::string& run_dir,
                                                                  const std::string& scenario,
                                                                  const std::string& name) {
  std::vector<std::pair<EndpointInfo, std::string>> found;
  for (const auto& sc : StateDir::list(run_dir)) {
    if (!scenario.empty() && sc != scenario) continue;
    auto plan = StateDir(run_dir, sc).read_plan();
    if (!plan) continue;
    if (auto* e = plan->endpoint(name)) found.push_back({*e, sc});
  }
  if (found.size() == 1) return found[0];
  if (found.empty()) {
    std::cerr << "vpcemu exec: no instance or host named '" << name << "' in "
              << (scenario.empty() ? "any scenario that is up" : "scenario " + scenario) << "\n";
  } else {
    std::cerr << "vpcemu exec: '" << name << "' exists in several scenarios (";
    for (size_t i = 0; i < found.size(); ++i) std::cerr << (i ? ", " : "") << found[i].second;
    std::cerr << "); choose one with --scenario\n";
  }
  return std::nullopt;
}

int cmd_exec(const std::string& run_dir, const std::string& scenario, const std::string& name,
             const std::vector<std::string>& cmd) {
  if (!need_root("exec")) return kExitFail;
  auto ep = find_endpoint(run_dir, scenario, name);
  if (!ep) return kExitFail;
  auto fd = netns_open(ep->first.ns);
  if (!fd) {
    std::cerr << "vpcemu exec: " << fd.error().str() << "\n";
    return kExitFail;
  }
  // Same preparation as `ip netns exec`: this process becomes the command, so stdin/stdout/
  // stderr and the exit status pass through untouched. Instances see the VPC's resolver.
  std::string resolv;
  if (!ep->first.resolv_conf.empty()) {
    resolv = StateDir(run_dir, ep->second).path() + "/" + ep->first.resolv_conf;
    if (!fs::exists(resolv)) resolv.clear();
  }
  if (const char* step = enter_netns_environment(fd->get(), ep->first.ns, resolv)) {
    std::cerr << "vpcemu exec: entering " << ep->first.ns << ": " << step << ": " << strerror(errno)
              << "\n";
    return kExitFail;
  }
  std::vector<char*> argv;
  for (const auto& a : cmd) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execvp(argv[0], argv.data());
  std::cerr << "vpcemu exec: " << cmd[0] << ": " << strerror(errno) << "\n";
  return errno == ENOENT ? 127 : 126;
}

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
  auto plan = state.read_plan();
  if (!plan || !state.complete()) {
    std::cerr << "vpcemu check: scenario " << sc->name << " is not up; run 'vpcemu up " << file
              << "' first\n";
    return kExitFail;
  }
  std::vector<ProbeSpec> specs;
  std::vector<std::string> shown;
  for (const auto& e : sc->expects) {
    const EndpointInfo* src = plan->endpoint(e.from);
    const EndpointInfo* dst = plan->endpoint(e.to);
    ProbeSpec s;
    s.src_ns = src ? src->ns : "";
    if (dst) {
      s.dst_ns = {dst->ns};
      // From outside the destination's VPC a real client uses its public address; from a
      // peered VPC it uses the private one, as it would in AWS.
      bool vpn = false;  // an office reaches a VPC it has a VPN to at private addresses
      for (const auto& [_, c] : sc->vpn_connections) {
        bool reaches = c.vpc == dst->vpc;
        if (auto t = sc->transit_gateways.find(c.tgw); t != sc->transit_gateways.end())
          for (const auto& [_, a] : t->second.attachments) reaches |= a.vpc == dst->vpc;
        vpn |= src->kind == "onprem-host" && c.customer_gateway == src->subnet && reaches;
      }
      for (const auto& [_, x] : sc->direct_connects)
        vpn |= src->kind == "onprem-host" && x.onprem == src->subnet && x.vpc == dst->vpc;
      vpn |= src->kind == "vpn-client" && src->vpc == dst->vpc;
      bool outside =
          (src->kind != "instance" && !vpn) || (src->kind == "instance" && src->vpc != dst->vpc &&
                                                !sc->privately_connected(src->vpc, dst->vpc));
      s.dst = (outside && dst->public_ip) ? *dst->public_ip : dst->private_ip;
    } else if (auto ip = Ipv4::parse(e.to)) {
      s.dst = *ip;
      for (const auto& x : plan->endpoints)
        if (x.private_ip == s.dst || (x.public_ip && *x.public_ip == s.dst)) s.dst_ns = {x.ns};
    } else {
      // An interface endpoint of the source's VPC, by name: its first ENI.
      for (const auto& g : plan->gateways) {
        if (g.kind != "interface-endpoint" || g.vpc != src->vpc || g.name != e.to) continue;
        s.dst = g.private_ip;
        break;
      }
      // Behind an endpoint service, the load balancer's targets answer.
      const auto& ep = sc->vpcs.at(src->vpc).endpoints.at(e.to);
      if (ep.service.rfind("endpoint_service/", 0) == 0) {
        for (const auto& t : sc->endpoint_services.at(ep.service.substr(17)).targets)
          if (auto* te = plan->endpoint(t)) s.dst_ns.push_back(te->ns);
      } else if (auto* svc = plan->endpoint(ep.service)) {
        s.dst_ns = {svc->ns};
      }
    }
    s.proto = e.protocol == Protocol::kUdp    ? ProbeProto::kUdp
              : e.protocol == Protocol::kIcmp ? ProbeProto::kIcmp
                                              : ProbeProto::kTcp;
    s.port = e.port.value_or(0);
    specs.push_back(s);
    shown.push_back(e.to + (e.to == s.dst.str() ? "" : " (" + s.dst.str() + ")"));
  }
  auto results = run_probes(specs, timeout_ms);
  json out = {{"scenario", sc->name}, {"results", json::array()}};
  int passed = 0, failed = 0;
  for (size_t i = 0; i < specs.size(); ++i) {
    const auto& e = sc->expects[i];
    const auto& r = results[i];
    bool pass = r.reached == e.allow;
    (pass ? passed : failed)++;
    std::string proto = protocol_name(e.protocol);
    if (e.port) proto += "/" + std::to_string(*e.port);
    out["results"].push_back({{"from", e.from},
                              {"to", e.to},
                              {"address", specs[i].dst.str()},
                              {"protocol", protocol_name(e.protocol)},
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

// The emulated AWS services' answer: HTTP, with the source address the connection came from,
// so a test can tell which path (internet gateway, NAT, endpoint) a request took.
int cmd_service_responder(const std::string& name, const std::vector<int>& ports) {
  std::vector<pollfd> fds;
  for (int port : ports) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    if (bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 || listen(fd, 128) != 0) {
      std::cerr << "service " << name << ": port " << port << ": " << strerror(errno) << "\n";
      return kExitFail;
    }
    fds.push_back({fd, POLLIN, 0});
  }
  std::cerr << "service " << name << " listening\n";
  for (;;) {
    if (poll(fds.data(), fds.size(), -1) <= 0) continue;
    for (auto& p : fds) {
      if (!(p.revents & POLLIN)) continue;
      sockaddr_in peer{}, local{};
      socklen_t pl = sizeof(peer), ll = sizeof(local);
      int c = accept4(p.fd, reinterpret_cast<sockaddr*>(&peer), &pl, SOCK_CLOEXEC);
      if (c < 0) continue;
      getsockname(c, reinterpret_cast<sockaddr*>(&local), &ll);
      timeval tv{0, 500000};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      char buf[4096];
      (void)!recv(c, buf, sizeof(buf), 0);  // the request itself does not matter
      char src[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &peer.sin_addr, src, sizeof(src));
      std::string body =
          json({{"service", name}, {"source", src}, {"port", ntohs(local.sin_port)}}).dump() + "\n";
      std::string resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      (void)!send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
      close(c);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"vpcemu: real AWS VPC topologies on Linux network namespaces"};
  app.require_subcommand(1);
  std::string run_dir = kDefaultRunDir;
  app.add_option("--run-dir", run_dir, "state, logs and sockets of running scenarios")
      ->capture_default_str();

  std::string file, name, format = "text", scenario;
  int timeout_ms = 1000, ready_ms = 2000;
  std::vector<std::string> cmd;

  auto* v = app.add_subcommand("validate", "check a scenario file and list every problem");
  v->add_option("FILE", file)->required();
  auto* p = app.add_subcommand("plan", "print the kernel objects 'up' would create");
  p->add_option("FILE", file)->required();
  p->add_option("--format", format)->check(CLI::IsMember({"text", "json"}));
  auto* u = app.add_subcommand("up", "build the scenario from namespaces, links, routes, rules");
  u->add_option("FILE", file)->required();
  u->add_option("--ready-timeout", ready_ms, "ms that run: commands get to start listening")
      ->capture_default_str();
  auto* d = app.add_subcommand("down", "remove everything a scenario created");
  d->add_option("NAME|FILE", name)->required();
  auto* s = app.add_subcommand("status", "list scenarios that are up, their instances, addresses");
  s->add_option("NAME|FILE", name);
  s->add_option("--format", format)->check(CLI::IsMember({"text", "json"}));
  auto* x = app.add_subcommand("exec", "run a command inside an instance or host");
  x->add_option("INSTANCE", name)->required();
  x->add_option("COMMAND", cmd, "after --")->required();
  x->add_option("-s,--scenario", scenario, "when the name exists in several scenarios");
  auto* c = app.add_subcommand("check", "send real packets for every expect: entry");
  c->add_option("FILE|NAME", file)->required();
  c->add_option("--format", format)->check(CLI::IsMember({"text", "json"}));
  c->add_option("--timeout", timeout_ms, "ms each probe waits for an answer")
      ->capture_default_str();

  std::string svc_name;
  std::vector<int> svc_ports;
  auto* sr = app.add_subcommand("service-responder", "")->group("");  // internal: emulated services
  sr->add_option("--name", svc_name)->required();
  sr->add_option("--port", svc_ports)->required();

  CLI11_PARSE(app, argc, argv);
  if (sr->parsed()) return cmd_service_responder(svc_name, svc_ports);
  run_dir = abs_path(run_dir);  // daemons see it at the same path in their private /run

  if (v->parsed()) return cmd_validate(file);
  if (p->parsed()) return cmd_plan(run_dir, file, format);
  if (u->parsed()) return cmd_up(run_dir, file, ready_ms);
  if (d->parsed()) {
    if (!need_root("down")) return kExitFail;
    auto n = scenario_name_of(name);
    return n ? cmd_down_name(run_dir, *n) : kExitInvalid;
  }
  if (s->parsed()) return cmd_status(run_dir, name, format);
  if (x->parsed()) return cmd_exec(run_dir, scenario, name, cmd);
  if (c->parsed()) return cmd_check(run_dir, file, format, timeout_ms);
  return kExitFail;
}
