// Observers of a running scenario for `vpcemu status`: read-only, from the state directory, the
// daemons' logs and control sockets, and /proc inside the scenario's namespaces.
#include "apply/observe.h"

#include <unistd.h>

#include <cctype>
#include <fstream>
#include <sstream>

#include "apply/bird_ctl.h"
#include "apply/state.h"
#include "compile/plan.h"
#include "compile/state_paths.h"
#include "daemons/bird.h"
#include "kernel/netns.h"
#include "kernel/process.h"

namespace vpcemu {

using nlohmann::json;

namespace {

// A BGP tunnel's session as the gateway's bird sees it, and the prefixes it learned over it.
void bgp_json(const StateDir& state, const GatewayInfo& g, const std::string& protocol, json& t) {
  // The bird of the gateway's namespace ("<scenario>.vgw.<vpc>", "<scenario>.tgw.<hub>").
  const std::string ctl =
      state.path() + "/" + state_paths::bird_socket(g.ns.substr(g.ns.find('.') + 1));
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

// A tunnel's state as its VGW-side charon reports it in its log (epoch timestamps), and the
// bytes its TUN device carried, read inside the gateway's namespace.
json tunnel_json(const StateDir& state, const GatewayInfo& g) {
  json t = {{"name", g.name},
            {"vpc", g.vpc},
            {"outside_ip", g.private_ip.str()},
            {"customer_gateway", g.public_ip ? g.public_ip->str() : ""},
            {"state", "down"}};
  std::ifstream in(state.path() + "/" + state_paths::charon_log(g.name, "vgw"));
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
    if (e.kind == JournalEntry::Kind::kProcess && e.name == "ipsec-" + g.name + "-vgw")
      running = process_running(e.pid, e.start);
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

}  // namespace

json observe_scenario(const std::string& run_dir, const std::string& name) {
  StateDir state(run_dir, name);
  json j = {{"scenario", name}};
  auto plan = state.read_summary();
  j["source"] = state.source_file();
  j["state"] = state.complete() ? "up" : "incomplete";
  if (!plan) return j;
  int alive = 0;
  for (const auto& ns : plan->namespaces) alive += netns_exists(ns.name);
  j["namespaces"] = {{"expected", plan->namespaces.size()}, {"present", alive}};
  if (alive != static_cast<int>(plan->namespaces.size())) j["state"] = "degraded";
  j["endpoints"] = json::array();
  for (const auto& e : plan->endpoints) {
    json x = {{"name", e.name},
              {"kind", e.kind},
              {"netns", e.ns},
              {"private_ip", e.private_ip ? json(e.private_ip->str()) : json(nullptr)}};
    if (!e.vpc.empty()) x["vpc"] = e.vpc, x["subnet"] = e.subnet;
    x["public_ip"] = e.public_ip ? json(e.public_ip->str()) : json(nullptr);
    if (e.kind == "instance") x["security_groups"] = e.security_groups;
    if (e.ipv6) x["ipv6"] = e.ipv6->str();
    if (!e.availability_zone.empty()) x["availability_zone"] = e.availability_zone;
    j["endpoints"].push_back(x);
  }
  j["tunnels"] = json::array();
  for (const auto& g : plan->gateways)
    if (g.kind == "vpn-tunnel") j["tunnels"].push_back(tunnel_json(state, g));
  // Client VPN: each connected client's address, from the server's status file.
  j["vpn_clients"] = json::array();
  for (const auto& g : plan->gateways) {
    if (g.kind != "client-vpn-endpoint") continue;
    std::ifstream in(state.path() + "/" + state_paths::openvpn_status(g.name));
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
    if (g.kind == "gateway-load-balancer") {  // its targets' health, as its process last wrote
      std::ifstream in(state.path() + "/" + state_paths::gwlb_state(g.name));
      json st = json::parse(in, nullptr, false);
      if (!st.is_discarded() && st.contains("targets")) x["targets"] = st["targets"];
    }
    j["gateways"].push_back(x);
  }
  j["subnets"] = json::array();
  for (const auto& sn : plan->subnets) {
    j["subnets"].push_back({{"vpc", sn.vpc},
                            {"name", sn.name},
                            {"cidr", sn.cidr ? json(sn.cidr->str()) : json(nullptr)},
                            {"ipv6_cidr", sn.ipv6_cidr ? json(sn.ipv6_cidr->str()) : json(nullptr)},
                            {"route_table", sn.route_table},
                            {"network_acl", sn.network_acl}});
  }
  j["processes"] = json::array();
  for (const auto& e : state.read_journal()) {
    if (e.kind != JournalEntry::Kind::kProcess) continue;
    const bool running = process_running(e.pid, e.start);
    json p = {{"name", e.name}, {"pid", e.pid}, {"running", running}};
    // A `run:` command (not one of vpcemu's daemons): whether it listens yet.
    for (const auto& pp : plan->processes)
      if (pp.name == e.name && !pp.daemon) {
        p["run"] = true;
        p["listening"] = running && process_listens(e.pid);
      }
    if (!running) {
      // A daemon that died says why at the end of its log.
      json tail = StateDir::tail_lines(state.log_path(e.name), 5);
      p["log_tail"] = tail;
    }
    j["processes"].push_back(p);
  }
  return j;
}

}  // namespace vpcemu
