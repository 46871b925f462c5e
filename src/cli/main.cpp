// vpcemu command line: wires each verb (cli/<verb>.cpp) to its arguments.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "apply/state.h"
#include "cli/verbs.h"
#include "daemons/metadata_service.h"
#include "daemons/service_responder.h"

using namespace vpcemu;
using namespace vpcemu::cli;

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

  std::string md_data;
  std::vector<std::string> md_listen;
  auto* md = app.add_subcommand("metadata-service", "")->group("");  // internal: IMDS
  md->add_option("--data", md_data)->required();
  md->add_option("--listen", md_listen)->required();

  CLI11_PARSE(app, argc, argv);
  if (sr->parsed()) return run_service_responder(svc_name, svc_ports);
  if (md->parsed()) return run_metadata_service(md_data, md_listen);
  run_dir = abs_path(run_dir);  // daemons see it at the same path in their private /run

  if (v->parsed()) return cmd_validate(file);
  if (p->parsed()) return cmd_plan(run_dir, file, format);
  if (u->parsed()) return cmd_up(run_dir, file, ready_ms);
  if (d->parsed()) return cmd_down(run_dir, name);
  if (s->parsed()) return cmd_status(run_dir, name, format);
  if (x->parsed()) return cmd_exec(run_dir, scenario, name, cmd);
  if (c->parsed()) return cmd_check(run_dir, file, format, timeout_ms);
  return kExitFail;
}
