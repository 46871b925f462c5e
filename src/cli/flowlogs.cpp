// vpcemu flowlogs NAME [--eni X] [--follow] [--format text|json]: the flow log records of a
// running scenario, from each VPC's file in its run directory (flowlogs/<vpc>.log, AWS's text
// format with a header line naming the fields, as AWS writes them to S3).
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "apply/state.h"
#include "cli/verbs.h"
#include "daemons/flow_logs.h"
#include "util/text.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace vpcemu::cli {

namespace {

// AWS's numeric fields: numbers in JSON.
const std::set<std::string> kNumeric = {"version", "srcport", "dstport", "protocol", "packets",
                                        "bytes",   "start",   "end",     "tcp-flags"};

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

struct VpcLog {
  std::string vpc, path;
  std::vector<std::string> header;  // the file's first line
  std::streamoff offset = 0;        // read so far
};

}  // namespace

int cmd_flowlogs(const std::string& run_dir, const std::string& scenario,
                 const FlowLogsOptions& opt) {
  StateDir state(run_dir, scenario);
  if (!state.exists()) {
    std::cerr << "vpcemu flowlogs: scenario " << scenario << " is not up\n";
    return kExitFail;
  }
  const fs::path dir = fs::path(state.path()) / "flowlogs";
  std::vector<VpcLog> logs;
  std::set<std::string> eni_ids;  // --eni's ids
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.path().extension() != ".json") continue;
    const std::string vpc = e.path().stem().string();
    std::string err;
    FlowLogConfig cfg = parse_flow_log_config(read_file(e.path().string()), &err);
    for (const auto& x : cfg.enis)
      if (!opt.eni.empty() && (x.name == opt.eni || x.eni_id == opt.eni)) eni_ids.insert(x.eni_id);
    logs.push_back({vpc, (dir / (vpc + ".log")).string(), {}, 0});
  }
  std::sort(logs.begin(), logs.end(),
            [](const VpcLog& a, const VpcLog& b) { return a.vpc < b.vpc; });
  if (logs.empty()) {
    std::cerr << "vpcemu flowlogs: scenario " << scenario
              << " has no flow logs: set 'flow_logs: true' on a VPC, subnet or instance, or run "
                 "'vpcemu up --flow-logs'\n";
    return kExitFail;
  }
  if (!opt.eni.empty() && eni_ids.empty()) {
    std::cerr << "vpcemu flowlogs: no ENI '" << opt.eni << "' has flow logs in scenario "
              << scenario << "\n";
    return kExitInvalid;
  }
  json records = json::array();
  bool header_printed = false;
  // New lines of each file since the last read: printed (text, JSON lines when following) or
  // collected (JSON).
  auto read_new = [&] {
    for (auto& l : logs) {
      std::ifstream in(l.path);
      if (!in) continue;
      in.seekg(l.offset);
      std::string line;
      while (std::getline(in, line)) {
        if (in.eof()) break;  // a line still being written
        l.offset = in.tellg();
        if (l.header.empty()) {
          l.header = words(line);
          if (opt.format == "text" && !header_printed) {
            std::cout << line << "\n";
            header_printed = true;
          }
          continue;
        }
        const auto w = words(line);
        if (!eni_ids.empty()) {
          auto it = std::find(l.header.begin(), l.header.end(), "interface-id");
          const size_t i = it - l.header.begin();
          if (it == l.header.end() || i >= w.size() || !eni_ids.count(w[i])) continue;
        }
        if (opt.format == "text") {
          std::cout << line << "\n";
          continue;
        }
        json r = {{"vpc", l.vpc}};
        for (size_t i = 0; i < l.header.size() && i < w.size(); ++i)
          r[l.header[i]] =
              kNumeric.count(l.header[i]) && w[i] != "-" ? json(std::stoll(w[i])) : json(w[i]);
        if (opt.follow)
          std::cout << r.dump() << "\n";
        else
          records.push_back(r);
      }
    }
    std::cout.flush();
  };
  read_new();
  if (opt.follow) {
    for (;;) {  // until interrupted
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      read_new();
    }
  }
  if (opt.format == "json")
    std::cout << json{{"schema_version", kJsonSchemaVersion},
                      {"scenario", scenario},
                      {"records", records}}
                     .dump(2)
              << "\n";
  return kExitOk;
}

}  // namespace vpcemu::cli
