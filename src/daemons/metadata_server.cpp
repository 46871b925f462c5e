// The instance metadata service's HTTP server: one connection at a time, Connection: close.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <sstream>

#include "daemons/listen.h"
#include "daemons/metadata_service.h"
#include "util/text.h"

namespace vpcemu {

namespace {

// The request line and headers, read until the blank line (at most 16 KiB, 1 s).
std::optional<MetadataRequest> read_request(int fd) {
  std::string data;
  char buf[4096];
  while (data.find("\r\n\r\n") == std::string::npos && data.size() < 16384) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) return std::nullopt;
    data.append(buf, static_cast<size_t>(n));
  }
  std::istringstream in(data);
  MetadataRequest req;
  std::string line, version;
  if (!std::getline(in, line)) return std::nullopt;
  std::istringstream first(line);
  first >> req.method >> req.path >> version;
  if (req.path.empty() || req.path[0] != '/') return std::nullopt;
  while (std::getline(in, line) && line != "\r" && !line.empty()) {
    if (line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon), value = line.substr(colon + 1);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    value.erase(0, value.find_first_not_of(" \t"));
    req.headers[name] = value;
  }
  return req;
}

std::string peer_address(const sockaddr_storage& ss) {
  char s[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&ss)->sin6_addr, s, sizeof(s));
  else
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&ss)->sin_addr, s, sizeof(s));
  return s;
}

}  // namespace

int run_metadata_service(const std::string& data_file, const std::vector<std::string>& listen) {
  std::vector<pollfd> fds;
  for (const auto& a : listen) {
    int fd = listen_tcp(a, 80, "metadata service");
    if (fd < 0) return 1;
    fds.push_back({fd, POLLIN, 0});
  }
  MetadataService svc;
  timespec loaded{};
  auto reload = [&] {
    struct stat st {};
    if (stat(data_file.c_str(), &st) != 0) return;
    if (st.st_mtim.tv_sec == loaded.tv_sec && st.st_mtim.tv_nsec == loaded.tv_nsec) return;
    try {
      svc.load(parse_metadata_records(read_file(data_file)));
      loaded = st.st_mtim;
    } catch (const std::exception& e) {
      std::cerr << "metadata service: " << data_file << ": " << e.what() << "\n";
    }
  };
  reload();
  std::cerr << "metadata service listening\n";
  for (;;) {
    if (poll(fds.data(), fds.size(), -1) <= 0) continue;
    for (auto& p : fds) {
      if (!(p.revents & POLLIN)) continue;
      sockaddr_storage peer{};
      socklen_t pl = sizeof(peer);
      int c = accept4(p.fd, reinterpret_cast<sockaddr*>(&peer), &pl, SOCK_CLOEXEC);
      if (c < 0) continue;
      timeval tv{1, 0};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      if (auto req = read_request(c)) {
        reload();
        MetadataResponse r = svc.handle(*req, peer_address(peer), MetadataService::Clock::now());
        if (r.ttl) {
          int ttl = *r.ttl;
          if (peer.ss_family == AF_INET6)
            setsockopt(c, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
          else
            setsockopt(c, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
        }
        std::string out =
            "HTTP/1.1 " + std::to_string(r.status) + " " + r.reason +
            "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(r.body.size()) +
            "\r\n";
        for (const auto& [k, v] : r.headers) out += k + ": " + v + "\r\n";
        out += "Connection: close\r\nServer: EC2ws\r\n\r\n";
        if (req->method != "HEAD") out += r.body;
        (void)!send(c, out.data(), out.size(), MSG_NOSIGNAL);
      }
      close(c);
    }
  }
}

}  // namespace vpcemu
