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
      if (!done) lines.push_back(coded ? line.substr(5) : line.substr(std::min<size_t>(1, line.size())));
    }
  }
  close(fd);
  return lines;
}

bool bird_converged(const std::string& socket_path, std::string* pending, int* sessions) {
  auto lines = bird_query(socket_path, "show protocols all");
  if (lines.empty()) {
    if (pending) *pending = "no answer on " + socket_path;
    return false;
  }
  // Blocks start with "<name> <proto> ..." lines; a BGP session is done once it is
  // Established and has either taken a route or takes none.
  std::string name, state;
  bool bgp = false, rejects = false;
  long imported = 0;
  bool ok = true;
  if (sessions) *sessions = 0;
  auto close_block = [&] {
    if (bgp && sessions) ++*sessions;
    if (bgp && !(state == "Established" && (imported > 0 || rejects))) {
      ok = false;
      if (pending) *pending += (pending->empty() ? "" : ", ") + name + " " + (state.empty() ? "down" : state);
    }
  };
  if (pending) pending->clear();
  for (const auto& l : lines) {
    if (!l.empty() && !std::isspace(static_cast<unsigned char>(l[0]))) {
      close_block();
      char n[64] = "", proto[32] = "";
      std::sscanf(l.c_str(), "%63s %31s", n, proto);
      name = n, bgp = std::string(proto) == "BGP", state.clear(), imported = 0, rejects = false;
      continue;
    }
    if (auto at = l.find("BGP state:"); at != std::string::npos) {
      std::string v = l.substr(at + 10);
      v.erase(0, v.find_first_not_of(' '));
      v.erase(v.find_last_not_of(' ') + 1);
      state = v;
    } else if (l.find("Input filter:") != std::string::npos) {
      rejects = l.find("REJECT") != std::string::npos;
    } else if (auto r = l.find("Routes:"); r != std::string::npos) {
      imported = std::strtol(l.c_str() + r + 7, nullptr, 10);
    }
  }
  close_block();
  return ok;
}

}  // namespace vpcemu
