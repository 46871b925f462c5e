// bird's control socket: what `vpcemu status` shows of BGP sessions, and how `up` knows BGP
// has converged.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace vpcemu {

// One command; the reply's lines without their codes ("1002-text" or " text" continuations)
// up to the final "0000". Empty when no bird answers.
std::vector<std::string> bird_query(const std::string& socket_path, const std::string& cmd);

// A BGP session as `show protocols all` reports it.
struct BirdSessionState {
  std::string name;
  std::string state;     // "Established", "Active", ...; empty when bird reports none
  long imported = 0;     // routes taken from the peer
  bool rejects = false;  // takes no routes by design (import none)
};
// The BGP sessions of that bird (only `protocol`'s, if given); nullopt when no bird answers.
std::optional<std::vector<BirdSessionState>> bird_sessions(const std::string& socket_path,
                                                           const std::string& protocol = "");

// Every BGP session of that bird is Established and has learned a route (or learns none by
// design). Otherwise *pending names the sessions still on their way.
// *sessions counts its BGP sessions.
bool bird_converged(const std::string& socket_path, std::string* pending = nullptr,
                    int* sessions = nullptr);

}  // namespace vpcemu
