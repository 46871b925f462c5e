// What a running scenario is doing, as `vpcemu status` shows it: namespaces present, each
// VPN tunnel's state (its charon's log), bytes through its TUN device (/proc/net/dev inside the
// gateway's namespace), BGP sessions and learned prefixes (bird's control socket), client VPN
// clients' addresses (OpenVPN's status file) and daemons that died with the end of their log.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace vpcemu {

// The scenario `name` under `run_dir`, as a JSON document (the shape `status --format json`
// prints).
nlohmann::json observe_scenario(const std::string& run_dir, const std::string& name);

}  // namespace vpcemu
