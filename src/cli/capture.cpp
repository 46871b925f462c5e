// vpcemu capture NAME POINT [-w FILE] [-c N] [-- FILTER]: tcpdump at a named AWS point of a
// running scenario (an ENI, a gateway, a peering, a transit gateway attachment, a VPN tunnel's
// inside or outside, a Direct Connect link); this process becomes tcpdump in that namespace.
#include <iostream>

#include "analyze/capture_point.h"
#include "apply/state.h"
#include "cli/verbs.h"

namespace vpcemu::cli {

int cmd_capture(const std::string& run_dir, const std::string& scenario, const std::string& point,
                const CaptureOptions& opt) {
  if (!need_root("capture")) return kExitFail;
  auto records = StateDir(run_dir, scenario).read_records();
  const auto plan = records ? records->plan() : std::nullopt;
  if (!plan) {
    std::cerr << "vpcemu capture: scenario " << scenario << " is not up\n";
    return kExitFail;
  }
  std::string error;
  auto at = capture_point(*plan, point, error);
  if (!at) {
    std::cerr << "vpcemu capture: " << error << "\n";
    return kExitInvalid;
  }
  std::string filter;
  for (const auto& w : opt.filter) filter += (filter.empty() ? "" : " ") + w;
  if (!at->filter.empty())
    filter = filter.empty() ? at->filter : "(" + at->filter + ") and (" + filter + ")";
  // -Z root: tcpdump stays the namespace's root rather than switching to its own user, so a
  // file written with -w belongs to whoever ran capture (in a rootless sandbox: the user).
  std::vector<std::string> cmd = {"tcpdump", "-n", "-l", "-Z", "root", "-i", at->ifname};
  if (!opt.write.empty()) cmd.insert(cmd.end(), {"-w", opt.write, "-U"});
  if (opt.count > 0) cmd.insert(cmd.end(), {"-c", std::to_string(opt.count)});
  if (!filter.empty()) cmd.push_back(filter);
  std::cerr << "vpcemu capture: " << at->what << " (" << at->ns << ", " << at->ifname << ")\n";
  return exec_in_namespace(at->ns, "", cmd, "capture");
}

}  // namespace vpcemu::cli
