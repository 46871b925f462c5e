// Paths inside a scenario's state directory (`--run-dir`/<scenario>), spelled once: compile
// writes them into the plan (configs, working directories, readiness files, sockets; "@state/"
// in an argument vector), and status reads the daemons' logs and sockets at the same places.
#pragma once
#include <string>

namespace vpcemu::state_paths {

inline constexpr const char* kStatePrefix = "@state/";  // apply substitutes the directory

// One end of a site-to-site tunnel: its charon's configuration and log.
inline std::string vpn_dir(const std::string& tunnel, const std::string& side) {
  return "vpn/" + tunnel + "/" + side;
}
inline std::string charon_log(const std::string& tunnel, const std::string& side) {
  return vpn_dir(tunnel, side) + "/charon.log";
}

// A bird's configuration and control socket; `label` is its namespace without the scenario.
inline std::string bgp_dir(const std::string& label) {
  return "bgp/" + label;
}
inline std::string bird_socket(const std::string& label) {
  return bgp_dir(label) + "/bird.ctl";
}

// A client VPN endpoint's certificates and keys (the server's working directory), and the
// status file OpenVPN writes there.
inline constexpr const char* kOpenvpnStatusFile = "status.txt";
inline std::string cvpn_dir(const std::string& endpoint) {
  return "cvpn/" + endpoint;
}
inline std::string openvpn_status(const std::string& endpoint) {
  return cvpn_dir(endpoint) + "/" + kOpenvpnStatusFile;
}

// A gateway load balancer's configuration (written by compile) and state (written by its
// process: each target's health and counts).
inline std::string gwlb_config(const std::string& name) {
  return "gwlb/" + name + ".json";
}
inline std::string gwlb_state(const std::string& name) {
  return "gwlb/" + name + ".state";
}

// Every process's stdout and stderr.
inline std::string process_log(const std::string& process) {
  return "logs/" + process + ".log";
}

// A VPC's resolver: the hosts directory dnsmasq watches, and the resolv.conf instances see.
inline std::string dns_dir(const std::string& vpc) {
  return "dns/" + vpc;
}
// NAT64 of a NAT gateway (tayga): its configuration and address map.
inline std::string nat64_dir(const std::string& vpc, const std::string& nat) {
  return "nat64/" + vpc + "." + nat;
}
// DNS64 of a VPC's resolver (unbound in front of dnsmasq).
inline std::string dns64_dir(const std::string& vpc) {
  return "dns64/" + vpc;
}
inline std::string resolv_conf_ipv6(const std::string& vpc) {
  return "etc/vpc-" + vpc + "/resolv6.conf";  // for IPv6-only instances
}
// The emulated internet's public DNS, and the resolv.conf of internet and office hosts.
inline std::string public_dns_dir() {
  return "public-dns";
}
inline std::string internet_resolv_conf() {
  return "etc/internet/resolv.conf";
}
// A VPC's flow logs: the collector's configuration and the records (AWS's text format).
inline std::string flow_logs_config(const std::string& vpc) {
  return "flowlogs/" + vpc + ".json";
}
inline std::string flow_logs_file(const std::string& vpc) {
  return "flowlogs/" + vpc + ".log";
}
// A VPC's instance metadata (the metadata service re-reads it when it changes).
inline std::string metadata_file(const std::string& vpc) {
  return "imds/" + vpc + ".json";
}
inline std::string resolv_conf(const std::string& vpc) {
  return "etc/vpc-" + vpc + "/resolv.conf";
}

}  // namespace vpcemu::state_paths
