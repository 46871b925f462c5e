// The emulated AWS services' HTTP responder: one JSON line naming the service, the source address
// and the port, for every connection.
#include "daemons/service_responder.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <nlohmann/json.hpp>

#include "daemons/listen.h"

namespace vpcemu {

using nlohmann::json;

int run_service_responder(const std::string& name, const std::vector<int>& ports) {
  std::vector<pollfd> fds;
  for (int port : ports) {
    int fd = listen_tcp("0.0.0.0", port, "service " + name);
    if (fd < 0) return 1;
    fds.push_back({fd, POLLIN, 0});
  }
  std::cerr << "service " << name << " listening\n";
  for (;;) {
    if (poll(fds.data(), fds.size(), -1) <= 0) continue;
    for (auto& p : fds) {
      if (!(p.revents & POLLIN)) continue;
      sockaddr_in peer{}, local{};
      socklen_t pl = sizeof(peer), ll = sizeof(local);
      int c = accept4(p.fd, reinterpret_cast<sockaddr*>(&peer), &pl, SOCK_CLOEXEC);
      if (c < 0) continue;
      getsockname(c, reinterpret_cast<sockaddr*>(&local), &ll);
      timeval tv{0, 500000};
      setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      char buf[4096];
      (void)!recv(c, buf, sizeof(buf), 0);  // the request itself does not matter
      char src[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &peer.sin_addr, src, sizeof(src));
      std::string body =
          json({{"service", name}, {"source", src}, {"port", ntohs(local.sin_port)}}).dump() + "\n";
      std::string resp = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      (void)!send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
      close(c);
    }
  }
}

}  // namespace vpcemu
