// A client of bird's control socket (the protocol birdc speaks).
#include "apply/bird_ctl.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace vpcemu {

std::vector<std::string> bird_query(const std::string& socket_path, const std::string& cmd) {
  std::vector<std::string> lines;
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return lines;
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", socket_path.c_str());
  timeval tv{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    close(fd);
    return lines;
  }
  std::string buf, line;
  bool greeted = false, done = false;
  const std::string req = cmd + "\n";
  char chunk[4096];
  while (!done) {
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n <= 0) break;
    buf.append(chunk, n);
    for (size_t nl; !done && (nl = buf.find('\n')) != std::string::npos; buf.erase(0, nl + 1)) {
      line = buf.substr(0, nl);
      bool coded = line.size() >= 5 && isdigit(static_cast<unsigned char>(line[0]));
      if (!greeted) {  // "0001 BIRD x.y ready."
        greeted = true;
        if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) done = true;
        continue;
      }
      if (coded && line[4] == ' ' && (line[0] == '0' || line[0] >= '8')) done = true;
      if (!done)
        lines.push_back(coded ? line.substr(5) : line.substr(std::min<size_t>(1, line.size())));
    }
  }
  close(fd);
  return lines;
}

std::optional<std::vector<BirdSessionState>> bird_sessions(const std::string& socket_path,
                                                           const std::string& protocol) {
  auto lines = bird_query(socket_path, "show protocols all " + protocol);
  if (lines.empty()) return std::nullopt;
  std::vector<BirdSessionState> out;
  bool bgp = false;
  // Blocks start with "<name> <proto> ..." lines; their details are indented.
  for (const auto& l : lines) {
    if (!l.empty() && !std::isspace(static_cast<unsigned char>(l[0]))) {
      char n[64] = "", proto[32] = "";
      std::sscanf(l.c_str(), "%63s %31s", n, proto);
      bgp = std::string(proto) == "BGP";
      if (bgp) out.push_back({n, "", 0, false});
      continue;
    }
    if (!bgp) continue;
    BirdSessionState& s = out.back();
    if (auto at = l.find("BGP state:"); at != std::string::npos) {
      std::string v = l.substr(at + 10);
      v.erase(0, v.find_first_not_of(' '));
      v.erase(v.find_last_not_of(' ') + 1);
      s.state = v;
    } else if (l.find("Input filter:") != std::string::npos) {
      s.rejects = l.find("REJECT") != std::string::npos;
    } else if (auto r = l.find("Routes:"); r != std::string::npos) {
      s.imported = std::strtol(l.c_str() + r + 7, nullptr, 10);
    }
  }
  return out;
}

bool bird_converged(const std::string& socket_path, std::string* pending, int* sessions) {
  if (pending) pending->clear();
  if (sessions) *sessions = 0;
  auto all = bird_sessions(socket_path);
  if (!all) {
    if (pending) *pending = "no answer on " + socket_path;
    return false;
  }
  // A BGP session is done once it is Established and has either taken a route or takes none.
  bool ok = true;
  for (const auto& s : *all) {
    if (sessions) ++*sessions;
    if (s.state == "Established" && (s.imported > 0 || s.rejects)) continue;
    ok = false;
    if (pending)
      *pending +=
          (pending->empty() ? "" : ", ") + s.name + " " + (s.state.empty() ? "down" : s.state);
  }
  return ok;
}

}  // namespace vpcemu
