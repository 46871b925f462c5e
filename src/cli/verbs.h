// The verbs of the command line, one file each (cli/<verb>.cpp); main.cpp only wires them to
// their arguments. Exit codes: 0 done, 1 failed, 2 the scenario (or argument) is invalid.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace vpcemu {
struct TraceQuery;
}

namespace vpcemu::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFail = 1;
inline constexpr int kExitInvalid = 2;

// Results go to stdout; errors and warnings to stderr (log), and so does progress, which
// --quiet silences and which a terminal shows as one live line (progress_done ends it).
void log(const std::string& s);
void progress(const std::string& s);
void progress_done();
void set_quiet(bool quiet);
// Every --format json output carries this; docs/json-output.md documents each version.
inline constexpr int kJsonSchemaVersion = 1;
bool need_root(const char* verb);
std::string abs_path(const std::string& p);
// A FILE|NAME argument: an existing file is read for its `name:`.
std::optional<std::string> scenario_name_of(const std::string& arg);
// A FILE|NAME argument of a verb that reads the model: the file, or the file a running
// scenario was brought up from; nullopt after saying why.
std::optional<std::string> scenario_file_of(const std::string& run_dir, const std::string& arg,
                                            const char* verb);

// strict: warnings fail as errors do (exit 2).
int cmd_validate(const std::string& file, const std::string& format, bool strict);
// Exit 2 when the change cannot be applied live; with detailed_exitcode also when there is
// any change (Terraform's -detailed-exitcode).
int cmd_plan(const std::string& run_dir, const std::string& file, const std::string& format,
             bool kernel, bool detailed_exitcode);
// What one `up` did: created | changed | unchanged | recreated | failed | refused | invalid.
struct UpOutcome {
  std::string result;
  long ms = 0;
  std::string error;
};
struct UpOptions {
  bool print = true;             // the result on stdout (vpcemu test prints its own)
  UpOutcome* outcome = nullptr;  // filled in when given
  int ready_ms = 2000;
  int tunnel_ms = 20000;  // VPN tunnels and BGP sessions
  bool recreate = false;  // a change that cannot be applied live: rebuild instead of refusing
  std::string format = "text";
  bool flow_logs = false;  // flow logs on every VPC that sets none
};
int cmd_up(const std::string& run_dir, const std::string& file, const UpOptions& opt);
int cmd_down(const std::string& run_dir, const std::string& name_or_file,
             const std::string& format);
// down by name; print: the result on stdout (errors go to stderr either way).
int down_scenario(const std::string& run_dir, const std::string& name, const std::string& format,
                  bool print);
// Brings up `files`, then waits for SIGTERM/SIGINT and takes every scenario down (a container's
// entry point); reaps orphaned daemons meanwhile.
int cmd_serve(const std::string& run_dir, const std::vector<std::string>& files,
              const UpOptions& up);
struct TraceOptions;
// The topology: svg (through Graphviz's dot), dot or mermaid; to `output` or standard output;
// with `trace`, the path `vpcemu trace` finds highlighted (where it is denied in red).
int cmd_graph(const std::string& run_dir, const std::string& file_or_name,
              const std::string& format, const std::string& output,
              const TraceOptions* trace = nullptr);
// Static reachability of one packet (no root): exit 0 allowed, 1 denied, 2 bad input.
struct TraceOptions {
  std::string from, to;
  std::string protocol = "tcp";
  int port = 0;  // 0: none given
  int ip_version = 4;
  std::string format = "text";
};
int cmd_trace(const std::string& run_dir, const std::string& file_or_name, const TraceOptions& opt);
// The query of trace's options; an error message when they do not make one.
std::string trace_query_of(const TraceOptions& opt, TraceQuery& q);
// Flow log records of a running scenario: every VPC's file, or one ENI's (instance name or
// eni- id); text (AWS's, a header line per VPC) or json; --follow waits for more.
struct FlowLogsOptions {
  std::string eni;
  bool follow = false;
  std::string format = "text";
};
int cmd_flowlogs(const std::string& run_dir, const std::string& scenario,
                 const FlowLogsOptions& opt);
// Becomes `cmd` inside network namespace `ns` (as `ip netns exec` does; `resolv` seen as
// /etc/resolv.conf when not empty); returns only when it cannot.
int exec_in_namespace(const std::string& ns, const std::string& resolv,
                      const std::vector<std::string>& cmd, const char* verb);
struct CaptureOptions {
  std::string write;  // a pcap file (tcpdump -w)
  int count = 0;      // stop after this many packets (tcpdump -c); 0: until interrupted
  std::vector<std::string> filter;
};
int cmd_capture(const std::string& run_dir, const std::string& scenario, const std::string& point,
                const CaptureOptions& opt);
struct TestOptions {
  std::string junit;  // a JUnit XML report to write
  bool keep_on_failure = false;
  int timeout_ms = 1000;  // each probe's, as check's --timeout
  UpOptions up;
};
int cmd_test(const std::string& run_dir, const std::vector<std::string>& files,
             const TestOptions& opt);
struct StatusOptions {
  std::string format = "text";
  bool routes = false;     // route tables with their routes, as the kernel has them
  bool processes = false;  // every process with the end of its log
};
int cmd_status(const std::string& run_dir, const std::string& name, const StatusOptions& opt);
int cmd_exec(const std::string& run_dir, const std::string& scenario, const std::string& name,
             const std::vector<std::string>& cmd);
int cmd_check(const std::string& run_dir, const std::string& arg, const std::string& format,
              int timeout_ms, bool explain = false);

// One expect: entry proved: packets, or a `run:` command (run set).
struct Verdict {
  int line = 0;
  std::string name;  // "web-1 -> db-1 (10.0.2.10) tcp/5432", "app-1: curl -sf http://..."
  std::string from, to, address, protocol;
  int ip_version = 4;
  std::optional<int> port;
  std::vector<std::string> run;
  std::string expected, observed;  // allow|deny; for run: success|failure
  bool pass = false;
  std::string detail;  // "connected", "timeout"; "exit status 3", "still running after 30 s"
  long ms = 0;
  std::optional<int> exit_status;
  std::vector<std::string> output;  // run: the last lines of its output
  std::string log;                  // run: where all of it is
  // check --explain: what `vpcemu trace` says of the same packet (reachability entries).
  struct Explanation {
    std::string verdict;  // allow|deny
    std::string code, component, rule, reason, fix;
    int line = 0;        // of the deciding rule (0: implicit)
    bool reply = false;  // decided on the reply's path
    std::vector<std::string> appliances;
  };
  std::optional<Explanation> explanation;
};
struct CheckOutcome {
  std::string scenario;
  double time_scale = 1.0;
  int time_scale_note = 0;  // the NAT gateway's idle timeout, scaled
  std::vector<Verdict> verdicts;
  int passed = 0, failed = 0;
  std::string file;   // the scenario file checked
  std::string error;  // the scenario could not be checked (not up, invalid)
  int exit_code = 1;
};
// Every expect: entry of a running scenario (FILE or NAME), proved.
// explain: also trace each reachability entry statically (Verdict::explanation).
CheckOutcome check_scenario(const std::string& run_dir, const std::string& arg, int timeout_ms,
                            bool explain = false);
// One verdict as `check` prints it (a failed command with the end of its output).
std::string verdict_line(const Verdict& v);

}  // namespace vpcemu::cli
