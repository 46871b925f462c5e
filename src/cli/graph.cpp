// vpcemu graph FILE|NAME: the scenario's topology as a picture (SVG through Graphviz's `dot`),
// or its source (DOT, Mermaid). No root: from the file (or the file a running scenario was
// brought up from) and the addresses its plan gives.
#include "analyze/graph.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "analyze/trace.h"
#include "cli/load.h"
#include "cli/verbs.h"
#include "scenario/parse.h"

namespace fs = std::filesystem;

namespace vpcemu::cli {

namespace {

// DOT in, SVG out, through `dot -Tsvg` (fork/exec, no shell); nullopt after saying why.
std::optional<std::string> render_svg(const std::string& dot) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) return std::nullopt;
  pid_t pid = fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    execlp("dot", "dot", "-Tsvg", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  // Write and read at once: a large graph's SVG fills the pipe before its DOT is all written.
  std::string svg;
  size_t written = 0;
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  int to = in[1];
  for (;;) {
    pollfd fds[2] = {{out[0], POLLIN, 0}, {to, POLLOUT, 0}};
    if (poll(fds, to >= 0 ? 2 : 1, -1) < 0 && errno != EINTR) break;
    if (to >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = write(to, dot.data() + written, dot.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN) written = dot.size();
      if (written == dot.size()) close(to), to = -1;
    }
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      char buf[65536];
      ssize_t n = read(out[0], buf, sizeof(buf));
      if (n <= 0) break;
      svg.append(buf, static_cast<size_t>(n));
    }
  }
  if (to >= 0) close(to);
  close(out[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    std::cerr << "vpcemu graph: "
              << (WIFEXITED(st) && WEXITSTATUS(st) == 127
                      ? "Graphviz's 'dot' is not installed (apt-get install graphviz); "
                        "'--format dot' or '--format mermaid' print the graph's source"
                      : "'dot -Tsvg' failed")
              << "\n";
    return std::nullopt;
  }
  return svg;
}

}  // namespace

int cmd_graph(const std::string& run_dir, const std::string& arg, const std::string& format,
              const std::string& output, const TraceOptions* trace_opt) {
  auto found = scenario_file_of(run_dir, arg, "graph");
  if (!found) return kExitInvalid;
  const std::string file = *found;
  auto sc = load_scenario(file, true);
  if (!sc) return kExitInvalid;
  auto plan = compile_validated(*sc, fs::path(abs_path(file)).parent_path().string());
  if (!plan) return kExitFail;
  Graph g = topology_graph(*sc, *plan);
  if (trace_opt) {
    TraceQuery q;
    if (auto e = trace_query_of(*trace_opt, q); !e.empty()) {
      std::cerr << "vpcemu graph: " << e << "\n";
      return kExitInvalid;
    }
    Diagnostics d;
    TraceOutcome o = trace(*sc, assign_addresses(*sc, d), q);
    if (!o.result) {
      std::cerr << "vpcemu graph: --trace: " << o.error << "\n";
      return kExitInvalid;
    }
    std::vector<std::string> path;
    for (const auto& h : o.result->hops)
      if (!h.node.empty() && (path.empty() || path.back() != h.node)) path.push_back(h.node);
    mark_path(g, path, o.result->allow ? "" : o.result->denied_node);
  }
  std::string text = format == "mermaid" ? graph_mermaid(g) : graph_dot(g);
  if (format == "svg") {
    auto svg = render_svg(text);
    if (!svg) return kExitFail;
    text = std::move(*svg);
  }
  if (output.empty() || output == "-") {
    std::cout << text;
    return kExitOk;
  }
  std::ofstream f(output);
  f << text;
  f.close();
  if (!f) {
    std::cerr << "vpcemu graph: cannot write " << output << "\n";
    return kExitFail;
  }
  return kExitOk;
}

}  // namespace vpcemu::cli
