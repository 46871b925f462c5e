// Capture points (capture_point.h).
#include "analyze/capture_point.h"

#include <vector>

namespace vpcemu {

namespace {

constexpr const char* kKinds =
    "an instance or host name, igw/<vpc>, nat/<name>, vgw/<vpc>, pcx/<peering>, "
    "tgw/<name>[/<attachment>], vpn/<connection>[/outside] or dx/<connection>";

bool has_ns(const Plan& plan, const std::string& ns) {
  for (const auto& n : plan.namespaces)
    if (n.name == ns) return true;
  return false;
}

// The veth whose purpose starts with `prefix`; `b`: its second end.
std::optional<LinkEnd> veth(const Plan& plan, const std::string& prefix, bool b) {
  for (const auto& v : plan.veths)
    if (v.purpose.rfind(prefix, 0) == 0) return b ? v.b : v.a;
  return std::nullopt;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == '/') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return parts;
}

}  // namespace

std::optional<CapturePoint> capture_point(const Plan& plan, const std::string& point,
                                          std::string& error) {
  const std::string base = plan.scenario + ".";
  const auto parts = split(point);
  const std::string& kind = parts[0];
  auto missing = [&](const std::string& what) {
    error = "no " + what + " in scenario " + plan.scenario;
    return std::nullopt;
  };
  if (parts.size() == 1) {
    if (const EndpointInfo* e = plan.endpoint(point))
      return CapturePoint{e->ns, "eth0", "", "ENI of " + e->kind + " " + e->name};
    error = "'" + point + "' is no instance or host of scenario " + plan.scenario +
            "; a capture point is " + kKinds;
    return std::nullopt;
  }
  const std::string& name = parts[1];
  if (kind == "igw" && parts.size() == 2) {
    if (!has_ns(plan, base + "igw." + name)) return missing("internet gateway of vpc " + name);
    return CapturePoint{base + "igw." + name, "any", "", "internet gateway of vpc " + name};
  }
  if (kind == "vgw" && parts.size() == 2) {
    if (!has_ns(plan, base + "vgw." + name))
      return missing("virtual private gateway of vpc " + name);
    return CapturePoint{base + "vgw." + name, "any", "", "virtual private gateway of vpc " + name};
  }
  if (kind == "nat" && (parts.size() == 2 || parts.size() == 3)) {
    const std::string& nat = parts.back();
    std::vector<std::string> found;
    for (const auto& gw : plan.gateways)
      if (gw.kind == "nat-gateway" && gw.name == nat && (parts.size() == 2 || gw.vpc == parts[1]))
        found.push_back(gw.ns);
    if (found.empty()) return missing("NAT gateway " + point.substr(4));
    if (found.size() > 1) {
      error = "NAT gateway " + nat + " exists in several VPCs: write nat/<vpc>/" + nat;
      return std::nullopt;
    }
    return CapturePoint{found[0], "eth0", "", "NAT gateway " + nat};
  }
  if (kind == "pcx" && parts.size() == 2) {
    auto end = veth(plan, "peering " + name + " (", false);
    if (!end) return missing("peering " + name);
    return CapturePoint{end->ns, end->ifname, "", "peering " + name};
  }
  if (kind == "tgw" && parts.size() == 2) {
    if (!has_ns(plan, base + "tgw." + name)) return missing("transit gateway " + name);
    return CapturePoint{base + "tgw." + name, "any", "", "transit gateway " + name};
  }
  if (kind == "tgw" && parts.size() == 3) {
    auto end = veth(plan, "transit gateway " + name + " attachment " + parts[2] + " (", true);
    if (!end) return missing("attachment " + parts[2] + " of transit gateway " + name);
    return CapturePoint{end->ns, end->ifname, "",
                        "attachment " + parts[2] + " of transit gateway " + name};
  }
  if (kind == "vpn" && (parts.size() == 2 || (parts.size() == 3 && parts[2] == "outside"))) {
    // The AWS end of the connection's tunnels: its charons' namespace (VGW or transit gateway).
    const std::string prefix = "ipsec-" + name + "-";
    for (const auto& p : plan.processes) {
      if (p.name.rfind(prefix, 0) != 0 || p.name.size() < 4 ||
          p.name.compare(p.name.size() - 4, 4, "-cgw") == 0)
        continue;
      const std::string ike = "udp port 4500 or udp port 500";
      if (parts.size() == 3)
        return CapturePoint{p.ns, "any", ike, "VPN " + name + ", outside (IKE and ESP in UDP)"};
      return CapturePoint{p.ns, "any", "not (" + ike + ")", "VPN " + name + ", inside the tunnels"};
    }
    return missing("VPN connection " + name);
  }
  if (kind == "dx" && parts.size() == 2) {
    auto end = veth(plan, "Direct Connect " + name + ":", false);
    if (!end) return missing("Direct Connect connection " + name);
    return CapturePoint{end->ns, end->ifname, "", "Direct Connect " + name};
  }
  error = "'" + point + "' is not a capture point; a capture point is " + kKinds;
  return std::nullopt;
}

}  // namespace vpcemu
