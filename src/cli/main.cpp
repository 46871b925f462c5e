// vpcemu command line: wires each verb (cli/<verb>.cpp) to its arguments.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "apply/state.h"
#include "cli/reference.h"
#include "cli/rootless.h"
#include "cli/verbs.h"
#include "daemons/flow_logs.h"
#include "daemons/gwlb.h"
#include "daemons/metadata_service.h"
#include "daemons/service_responder.h"
#include "util/text.h"

using namespace vpcemu;
using namespace vpcemu::cli;

namespace {

// How many arguments a global option before the verb takes (--run-dir DIR, --run-dir=DIR,
// --rootless); 0: not one.
int global_option(const char* a) {
  if (strcmp(a, "--rootless") == 0 || strncmp(a, "--run-dir=", 10) == 0) return 1;
  return strcmp(a, "--run-dir") == 0 ? 2 : 0;
}

// The verbs that hold a whole scenario's plan in memory (at 10,000 instances, hundreds of MB
// allocated and freed) run with glibc's malloc asking for transparent huge pages: on a
// virtual machine whose page faults are dear (shadow paging) that halves them (`plan` at
// 10,000 instances: 0.70 -> 0.29 s). glibc reads the setting only at start, so the process
// starts itself once more with it; the user's own GLIBC_TUNABLES are given back at once, so
// nothing started from here sees the change.
constexpr const char* kHugePages = "glibc.malloc.hugetlb=1";
constexpr const char* kTunablesWere = "VPCEMU_TUNABLES_WERE";

void with_huge_pages(int argc, char** argv) {
  if (const char* were = getenv(kTunablesWere)) {  // the second start: restore
    if (*were == '-')
      unsetenv("GLIBC_TUNABLES");
    else
      setenv("GLIBC_TUNABLES", were + 1, 1);
    unsetenv(kTunablesWere);
    return;
  }
  int i = 1;  // the verb: the first argument after the global options
  while (i < argc && global_option(argv[i])) i += global_option(argv[i]);
  if (i >= argc) return;
  const std::string verb = argv[i];
  if (verb != "up" && verb != "plan" && verb != "status" && verb != "check" && verb != "down" &&
      verb != "test")
    return;
  const char* now = getenv("GLIBC_TUNABLES");
  if (now && strstr(now, "glibc.malloc.hugetlb")) return;  // the user's choice
  setenv(kTunablesWere, now ? ("+" + std::string(now)).c_str() : "-", 1);
  setenv("GLIBC_TUNABLES", now ? (std::string(now) + ":" + kHugePages).c_str() : kHugePages, 1);
  execv("/proc/self/exe", argv);
  unsetenv(kTunablesWere);  // not started again: go on as we are
  if (now)
    setenv("GLIBC_TUNABLES", now, 1);
  else
    unsetenv("GLIBC_TUNABLES");
}

// The packet options trace and graph --trace share.
void packet_options(CLI::App* verb, TraceOptions& t, const std::string& with) {
  verb->add_option("--protocol", t.protocol, with + "tcp, udp or icmp")
      ->capture_default_str()
      ->check(CLI::IsMember({"tcp", "udp", "icmp"}));
  verb->add_option("--port", t.port, with + "destination port (tcp, udp)")
      ->check(CLI::Range(1, 65535));
  verb->add_option("--ip-version", t.ip_version, with + "4 or 6")
      ->capture_default_str()
      ->check(CLI::IsMember({4, 6}));
}

}  // namespace

int main(int argc, char** argv) {
  with_huge_pages(argc, argv);
  CLI::App app{"vpcemu: real AWS VPC topologies on Linux network namespaces", "vpcemu"};
  app.require_subcommand(1);
  std::string run_dir = kDefaultRunDir;
  app.add_option("--run-dir", run_dir, "state, logs and sockets of running scenarios")
      ->capture_default_str();
  bool rootless = false;
  app.add_flag("--rootless", rootless,
               "as an ordinary user: scenarios in a user + network + mount namespace of your own "
               "(state in $XDG_RUNTIME_DIR/vpcemu)");

  std::string file, name, format = "text", scenario;
  int timeout_ms = 1000;
  std::vector<std::string> cmd;

  auto format_option = [&](CLI::App* verb) {
    verb->add_option("--format", format, "text (for people) or json (for programs)")
        ->capture_default_str()
        ->check(CLI::IsMember({"text", "json"}));
  };
  auto* v = app.add_subcommand("validate", "check a scenario file and list every problem");
  v->add_option("FILE", file)->required();
  format_option(v);
  bool strict = false;
  v->add_flag("--strict", strict, "warnings (the classic traps) fail too, with exit 2");
  bool kernel = false, detailed_exitcode = false;
  auto* p = app.add_subcommand("plan", "print what 'up' would do, in AWS's terms (resources)");
  p->add_option("FILE", file)->required();
  format_option(p);
  p->add_flag("--kernel", kernel, "also list the kernel objects (namespaces, links, routes, nft)");
  p->add_flag("--detailed-exitcode", detailed_exitcode,
              "exit 0 without changes, 2 with changes (as terraform plan)");
  bool quiet = false;
  auto quiet_flag = [&](CLI::App* verb) {
    verb->add_flag("-q,--quiet", quiet, "no progress on stderr (errors and warnings still)");
  };
  UpOptions up;
  auto* u = app.add_subcommand("up", "build the scenario from namespaces, links, routes, rules");
  u->add_option("FILE", file)->required();
  u->add_option("--ready-timeout", up.ready_ms, "ms that run: commands get to start listening")
      ->capture_default_str();
  u->add_option("--tunnel-timeout", up.tunnel_ms,
                "ms that VPN tunnels and BGP sessions get to come up before up returns")
      ->capture_default_str();
  u->add_flag("--recreate", up.recreate,
              "when the scenario is up and the change cannot be applied live, rebuild it");
  u->add_flag("--flow-logs", up.flow_logs,
              "VPC flow logs on every ENI whose VPC, subnet or instance sets none");
  format_option(u);
  quiet_flag(u);
  auto* d = app.add_subcommand("down", "remove everything a scenario created");
  d->add_option("NAME|FILE", name)->required();
  format_option(d);
  quiet_flag(d);
  StatusOptions st;
  auto* s = app.add_subcommand(
      "status", "list scenarios that are up; with NAME the scenario as AWS would list it");
  s->add_option("NAME|FILE", name);
  format_option(s);
  s->add_flag("--routes", st.routes, "also every route table with its routes and their state");
  s->add_flag("--processes", st.processes, "also every process with the end of its log");
  auto* x = app.add_subcommand("exec", "run a command inside an instance or host");
  x->add_option("-s,--scenario", scenario, "when the name exists in several scenarios");
  x->add_option("INSTANCE", name)->required();
  // Everything after INSTANCE is the command, options included (`exec web-1 ip -br addr`):
  // split off before CLI11 sees it (exec_command below).
  x->footer("COMMAND...: the command and its arguments, with or without a '--' before them");
  auto* c = app.add_subcommand("check", "send real packets for every expect: entry");
  c->add_option("FILE|NAME", file)->required();
  format_option(c);
  bool explain = false;
  c->add_flag("--explain", explain,
              "beside each verdict, why: trace's path, deciding rule, code and fix");
  c->add_option("--timeout", timeout_ms, "ms each probe waits for an answer")
      ->capture_default_str();

  TestOptions test;
  std::vector<std::string> test_files;
  auto* t = app.add_subcommand(
      "test", "for CI: up, check and down each scenario; exit 0 only when every expectation held");
  t->add_option("FILE", test_files, "scenario files, tested one after another")->required();
  t->add_option("--junit", test.junit, "also write a JUnit XML report to this file");
  t->add_flag("--keep-on-failure", test.keep_on_failure,
              "leave a scenario that failed up, for 'vpcemu status', 'exec' and 'check'");
  t->add_option("--timeout", test.timeout_ms, "ms each probe waits for an answer")
      ->capture_default_str();
  t->add_option("--ready-timeout", test.up.ready_ms, "as up's")->capture_default_str();
  t->add_option("--tunnel-timeout", test.up.tunnel_ms, "as up's")->capture_default_str();
  quiet_flag(t);

  std::string graph_format = "svg", graph_out;
  auto* gr = app.add_subcommand(
      "graph", "draw the topology: VPCs, subnets, instances, gateways, peerings, hubs, VPNs");
  gr->add_option("FILE|NAME", file)->required();
  gr->add_option("--format", graph_format, "svg (needs Graphviz), dot or mermaid")
      ->capture_default_str()
      ->check(CLI::IsMember({"svg", "dot", "mermaid"}));
  gr->add_option("-o,--output", graph_out, "write to this file instead of standard output");
  std::vector<std::string> graph_trace;
  TraceOptions graph_trace_opt;
  gr->add_option("--trace", graph_trace, "highlight the path `vpcemu trace FROM TO` finds")
      ->expected(2)
      ->type_name("FROM TO");
  packet_options(gr, graph_trace_opt, "with --trace: ");

  FlowLogsOptions fl;
  auto* flv = app.add_subcommand(
      "flowlogs", "VPC flow log records of a running scenario (AWS's format; ACCEPT and REJECT)");
  flv->add_option("NAME", name, "the running scenario")->required();
  flv->add_option("--eni", fl.eni, "one ENI: an instance's name or its eni- id");
  flv->add_flag("-f,--follow", fl.follow, "keep printing records as their windows end");
  flv->add_option("--format", fl.format, "text (AWS's records) or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));
  std::string fl_config, fl_out;
  auto* flc = app.add_subcommand("flow-logs", "")->group("");  // internal: the collector
  flc->add_option("--config", fl_config)->required();
  flc->add_option("--out", fl_out)->required();

  TraceOptions trace_opt;
  auto* tr = app.add_subcommand(
      "trace",
      "why a packet is allowed or denied: its path through the AWS model and back (no root)");
  tr->add_option("FILE|NAME", file)->required();
  tr->add_option("FROM", trace_opt.from, "an instance, internet host, office host or VPN client")
      ->required();
  tr->add_option("TO", trace_opt.to,
                 "an instance, host, service, interface endpoint, VPN client or address")
      ->required();
  packet_options(tr, trace_opt, "");
  tr->add_option("--format", trace_opt.format, "text or json")
      ->capture_default_str()
      ->check(CLI::IsMember({"text", "json"}));

  CaptureOptions capture;
  std::string capture_point_name;
  auto* cap = app.add_subcommand(
      "capture",
      "tcpdump at a named AWS point: an ENI, igw/VPC, nat/NAME, pcx/NAME, tgw/NAME[/ATT], "
      "vpn/NAME[/outside], dx/NAME");
  cap->add_option("NAME", name, "the running scenario")->required();
  cap->add_option("POINT", capture_point_name, "where to listen")->required();
  cap->add_option("FILTER", capture.filter, "a tcpdump filter, after '--'");
  cap->add_option("-w,--write", capture.write, "write the packets to this pcap file");
  cap->add_option("-c,--count", capture.count, "stop after this many packets");

  std::vector<std::string> serve_files;
  UpOptions serve_up;
  auto* sv = app.add_subcommand("serve",
                                "a lab container's long-lived process: bring up FILEs, wait; on "
                                "SIGTERM take every scenario down");
  sv->add_option("FILE", serve_files, "scenario files to bring up first");
  quiet_flag(sv);

  std::string svc_name;
  std::vector<int> svc_ports;
  auto* sr = app.add_subcommand("service-responder", "")->group("");  // internal: emulated services
  sr->add_option("--name", svc_name)->required();
  sr->add_option("--port", svc_ports)->required();

  std::string md_data;
  std::vector<std::string> md_listen;
  auto* md = app.add_subcommand("metadata-service", "")->group("");  // internal: IMDS
  md->add_option("--data", md_data)->required();
  md->add_option("--listen", md_listen)->required();

  std::string gwlb_config, gwlb_state;
  auto* gw = app.add_subcommand("gateway-load-balancer", "")->group("");  // internal: GWLB
  gw->add_option("--config", gwlb_config)->required();
  gw->add_option("--state", gwlb_state)->required();

  ApplianceOptions appliance;
  auto* ap = app.add_subcommand(
      "appliance",
      "inside an instance: a gateway load balancer target (GENEVE on UDP 6081 into a TUN, "
      "through this namespace's nftables, and back)");
  ap->add_option("--tun", appliance.tun, "the TUN device the inner packets pass through")
      ->capture_default_str();
  ap->add_option("--port", appliance.port, "the GENEVE port")->capture_default_str();
  ap->add_option("--health-port", appliance.health_port,
                 "answer health checks (TCP or HTTP) on this port; 0: none")
      ->capture_default_str();

  auto* man = app.add_subcommand("man", "print the manual page vpcemu(1) (roff)");
  std::string shell;
  auto* comp = app.add_subcommand("completion", "print a shell completion script");
  comp->add_option("SHELL", shell, "bash, zsh or fish")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish"}));
  comp->footer(
      "bash: source <(vpcemu completion bash); zsh: source <(vpcemu completion zsh); "
      "fish: vpcemu completion fish | source");

  app.set_version_flag("--version", "vpcemu " VPCEMU_VERSION);
  app.add_subcommand("help", "print this help")->silent();
  // A word where a command belongs that is none: say which command was meant (`valdate`).
  // Commands without a group are vpcemu's own daemons: accepted, never suggested.
  std::vector<std::string> verbs, internal;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    (sub->get_group().empty() ? internal : verbs).push_back(sub->get_name());
  int verb = 0;  // argv index of the command
  for (int i = 1; i < argc && !verb; ++i) {
    const std::string w = argv[i];
    if (int n = global_option(argv[i])) {
      i += n - 1;
      continue;
    }
    if (w.rfind("-", 0) == 0) continue;
    if (w == "help") {
      std::cout << app.help();
      return kExitOk;
    }
    if (std::find(verbs.begin(), verbs.end(), w) != verbs.end() ||
        std::find(internal.begin(), internal.end(), w) != internal.end()) {
      verb = i;
      break;
    }
    auto near = nearest(w, verbs);
    fprintf(stderr, "vpcemu: '%s' is not a command%s ('vpcemu help' lists them)\n", w.c_str(),
            near ? ("; did you mean '" + *near + "'?").c_str() : "");
    return kExitInvalid;
  }

  // exec: what follows INSTANCE (and an optional "--") is the command, whatever it looks like.
  std::vector<char*> args(argv, argv + argc);
  if (verb && std::string(argv[verb]) == "exec") {
    for (int j = verb + 1; j < argc; ++j) {
      const std::string a = argv[j];
      if (a == "-s" || a == "--scenario") {
        ++j;
      } else if (a.rfind("-", 0) != 0) {  // INSTANCE
        int k = j + 1;
        if (k < argc && std::string(argv[k]) == "--") ++k;
        cmd.assign(argv + k, argv + argc);
        args.assign(argv, argv + j + 1);
        break;
      }
    }
  }
  argc = static_cast<int>(args.size());
  argv = args.data();
  const bool asks = std::any_of(argv + 1, argv + argc, [](const char* a) {
    return std::string(a) == "--help" || std::string(a) == "-h" || std::string(a) == "--version";
  });
  if (!verb && !asks) {
    std::cerr << app.help() << "\nvpcemu: a command is required\n";
    return kExitInvalid;
  }
  CLI11_PARSE(app, argc, argv);
  if (sr->parsed()) return run_service_responder(svc_name, svc_ports);
  if (md->parsed()) return run_metadata_service(md_data, md_listen);
  if (gw->parsed()) return run_gateway_load_balancer(gwlb_config, gwlb_state);
  if (man->parsed()) {
    std::cout << man_page(app, VPCEMU_VERSION);
    return kExitOk;
  }
  if (comp->parsed()) {
    std::cout << completion(app, shell);
    return kExitOk;
  }
  if (ap->parsed()) return run_appliance(appliance);
  if (flc->parsed()) return run_flow_logs(fl_config, fl_out);
  if (gr->parsed()) {
    if (graph_trace.size() == 2) {
      graph_trace_opt.from = graph_trace[0];
      graph_trace_opt.to = graph_trace[1];
    }
    return cmd_graph(run_dir, file, graph_format, graph_out,
                     graph_trace.size() == 2 ? &graph_trace_opt : nullptr);
  }
  if (tr->parsed()) return cmd_trace(run_dir, file, trace_opt);
  if (rootless && !v->parsed() && !p->parsed()) {
    // The verb runs in the sandbox, in a child; this process waits for it.
    const int r = enter_rootless(run_dir);
    if (r < 0) return kExitFail;
    if (r > 0) {
      rootless_stop_if_empty();
      return r - 1;
    }
  }
  run_dir = abs_path(run_dir);  // daemons see it at the same path in their private /run

  set_quiet(quiet);
  if (v->parsed()) return cmd_validate(file, format, strict);
  if (p->parsed()) return cmd_plan(run_dir, file, format, kernel, detailed_exitcode);
  if (u->parsed()) {
    up.format = format;
    return cmd_up(run_dir, file, up);
  }
  if (d->parsed()) return cmd_down(run_dir, name, format);
  if (s->parsed()) {
    st.format = format;
    return cmd_status(run_dir, name, st);
  }
  if (x->parsed()) {
    if (cmd.empty()) {
      fprintf(stderr, "vpcemu exec: no command; write 'vpcemu exec %s -- COMMAND [ARGS...]'\n",
              name.c_str());
      return kExitInvalid;
    }
    return cmd_exec(run_dir, scenario, name, cmd);
  }
  if (c->parsed()) return cmd_check(run_dir, file, format, timeout_ms, explain);
  if (t->parsed()) return cmd_test(run_dir, test_files, test);
  if (cap->parsed()) return cmd_capture(run_dir, name, capture_point_name, capture);
  if (flv->parsed()) return cmd_flowlogs(run_dir, name, fl);
  if (sv->parsed()) return cmd_serve(run_dir, serve_files, serve_up);
  return kExitFail;
}
