// The Gateway Load Balancer's data plane: endpoints' TUNs in, GENEVE to targets out, and back.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "daemons/geneve.h"
#include "daemons/gwlb.h"
#include "kernel/netlink.h"
#include "kernel/netns.h"
#include "kernel/tun.h"
#include "util/text.h"

namespace vpcemu {

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

int64_t ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

// A target appliance and its health: AWS's states, checked every interval (every 100 ms until
// the first answer while it is `initial`, so that a scenario's appliances count from the start).
struct Target {
  std::string name;
  sockaddr_in addr{};
  enum class Health { kInitial, kHealthy, kUnhealthy } health = Health::kInitial;
  int successes = 0, failures = 0;
  Clock::time_point next_check{}, deadline{};
  Fd probe;            // a health check in progress
  bool sent = false;   // http: the request is out
  std::string answer;  // http: what came back so far
  uint64_t packets_out = 0, packets_in = 0, flows = 0;
};

const char* health_name(Target::Health h) {
  return h == Target::Health::kHealthy     ? "healthy"
         : h == Target::Health::kUnhealthy ? "unhealthy"
                                           : "initial";
}

struct Endpoint {
  std::string name, vpc, id;
  uint64_t option = 0;
  Fd tun;
  uint64_t packets = 0;
};

struct Flow {
  size_t target = 0;
  uint32_t cookie = 0;
  Clock::time_point last{};
};

class LoadBalancer {
 public:
  LoadBalancer(json config, std::string state_file)
      : c_(std::move(config)), state_file_(std::move(state_file)) {}

  int run() {
    if (!setup()) return 1;
    std::cout << "ready: " << endpoints_.size() << " endpoints, " << targets_.size() << " targets"
              << std::endl;
    for (;;) {
      health_checks();
      std::vector<pollfd> fds = {{udp_.get(), POLLIN, 0}};
      for (const auto& e : endpoints_) fds.push_back({e.tun.get(), POLLIN, 0});
      std::vector<size_t> probing;
      for (size_t i = 0; i < targets_.size(); ++i)
        if (targets_[i].probe.valid()) {
          // Connecting: writable once connected; an HTTP check then waits for the answer.
          fds.push_back({targets_[i].probe.get(),
                         static_cast<short>(targets_[i].sent ? POLLIN : POLLOUT), 0});
          probing.push_back(i);
        }
      poll(fds.data(), fds.size(), 50);
      if (fds[0].revents & POLLIN) from_targets();
      for (size_t i = 0; i < endpoints_.size(); ++i)
        if (fds[1 + i].revents & POLLIN) from_endpoint(i);
      for (size_t j = 0; j < probing.size(); ++j)
        if (fds[1 + endpoints_.size() + j].revents) probe_event(probing[j]);
      expire_flows();
      write_state();
    }
  }

 private:
  bool setup() {
    const json& h = c_.at("health_check");
    http_ = h.at("protocol") == "http";
    check_port_ = h.at("port");
    path_ = h.at("path");
    interval_ms_ = h.at("interval_ms");
    timeout_ms_ = h.at("timeout_ms");
    healthy_threshold_ = h.at("healthy_threshold");
    unhealthy_threshold_ = h.at("unhealthy_threshold");
    idle_tcp_ms_ = c_.at("idle_ms").at("tcp");
    idle_other_ms_ = c_.at("idle_ms").at("other");
    const auto now = Clock::now();
    for (const auto& t : c_.at("targets")) {
      Target x;
      x.name = t.at("name");
      x.addr.sin_family = AF_INET;
      x.addr.sin_port = htons(kGenevePort);
      inet_pton(AF_INET, t.at("address").get<std::string>().c_str(), &x.addr.sin_addr);
      x.next_check = now;
      targets_.push_back(std::move(x));
    }
    started_ = now;
    // The node's GENEVE socket: from the node's address, port 6081, to the targets' 6081.
    udp_ = Fd(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    sockaddr_in me{};
    me.sin_family = AF_INET;
    me.sin_port = htons(kGenevePort);
    inet_pton(AF_INET, c_.at("address").get<std::string>().c_str(), &me.sin_addr);
    if (!udp_.valid() || bind(udp_.get(), reinterpret_cast<sockaddr*>(&me), sizeof(me)) != 0) {
      std::cerr << "gateway load balancer: bind " << c_.at("address").get<std::string>() << ":"
                << kGenevePort << ": " << std::strerror(errno) << std::endl;
      return false;
    }
    // Each endpoint's TUN, made in the endpoint's namespace, and its table's default route.
    for (const auto& e : c_.at("endpoints")) {
      Endpoint x;
      x.name = e.at("name");
      x.vpc = e.at("vpc");
      x.id = e.at("id");
      x.option = e.at("option");
      const std::string ns = e.at("ns");
      auto nsfd = netns_open(ns);
      if (!nsfd) return fail(nsfd.error().str());
      {
        auto in = NetnsGuard::enter(nsfd->get(), ns);
        if (!in) return fail(in.error().str());
        auto tun = tun_open("gwlbe0", e.at("mtu").get<uint32_t>());
        if (!tun) return fail(tun.error().str());
        x.tun = std::move(*tun);
      }
      auto nl = NlSocket::open_in(nsfd->get(), ns);
      if (!nl) return fail(nl.error().str());
      auto idx = nl->link_indexes();
      if (!idx) return fail(idx.error().str());
      nl->route({e.at("table").get<uint32_t>(), IpPrefix(Cidr{Ipv4{0}, 0}), false, std::nullopt,
                 idx->at("gwlbe0"), "gwlbe0"},
                NlSocket::RouteMode::kReplace);
      if (auto s = nl->flush(); !s) return fail(s.error().str());
      by_option_[x.option] = endpoints_.size();
      endpoints_.push_back(std::move(x));
    }
    return true;
  }

  bool fail(const std::string& why) {
    std::cerr << "gateway load balancer: " << why << std::endl;
    return false;
  }

  // An endpoint's packet: its flow's target (a new flow: a healthy one by its 5-tuple hash;
  // with none healthy, any: AWS fails open), wrapped in GENEVE with the endpoint's options.
  void from_endpoint(size_t i) {
    Endpoint& e = endpoints_[i];
    for (;;) {
      ssize_t n = read(e.tun.get(), buf_, sizeof(buf_));
      if (n <= 0) return;
      auto key = flow_key(buf_, static_cast<size_t>(n));
      if (!key) continue;
      auto it = flows_.find(*key);
      if (it == flows_.end()) {
        std::vector<size_t> healthy;
        for (size_t t = 0; t < targets_.size(); ++t)
          if (targets_[t].health == Target::Health::kHealthy) healthy.push_back(t);
        if (healthy.empty())
          for (size_t t = 0; t < targets_.size(); ++t) healthy.push_back(t);
        if (healthy.empty()) continue;
        const uint32_t h = flow_hash(*key);
        Flow f{healthy[h % healthy.size()],
               h ^ static_cast<uint32_t>(++flow_count_ * 2654435761u),
               {}};
        it = flows_.emplace(*key, f).first;
        ++targets_[f.target].flows;
        std::cout << "flow " << key->str() << " from " << e.name << " → target "
                  << targets_[f.target].name << std::endl;
      }
      it->second.last = Clock::now();
      Target& t = targets_[it->second.target];
      auto out = geneve_encapsulate({e.option, 0, it->second.cookie}, buf_, static_cast<size_t>(n));
      sendto(udp_.get(), out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&t.addr),
             sizeof(t.addr));
      ++t.packets_out;
      ++e.packets;
    }
  }

  // What a target sends back: GENEVE from one of the targets, with the options naming the
  // endpoint whose TUN the inner packet leaves by.
  void from_targets() {
    for (;;) {
      sockaddr_in from{};
      socklen_t fl = sizeof(from);
      ssize_t n =
          recvfrom(udp_.get(), buf_, sizeof(buf_), 0, reinterpret_cast<sockaddr*>(&from), &fl);
      if (n <= 0) return;
      Target* t = nullptr;
      for (auto& x : targets_)
        if (x.addr.sin_addr.s_addr == from.sin_addr.s_addr) t = &x;
      auto h = geneve_parse(buf_, static_cast<size_t>(n));
      if (!t || !h || !h->aws) continue;
      auto e = by_option_.find(h->aws->endpoint_id);
      if (e == by_option_.end()) continue;
      ++t->packets_in;
      (void)!write(endpoints_[e->second].tun.get(), buf_ + h->length,
                   static_cast<size_t>(n) - h->length);
    }
  }

  void health_checks() {
    const auto now = Clock::now();
    for (auto& t : targets_) {
      if (t.probe.valid() && now >= t.deadline) finish(t, false);
      if (!t.probe.valid() && now >= t.next_check) start_probe(t);
    }
  }

  void start_probe(Target& t) {
    t.probe = Fd(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    sockaddr_in a = t.addr;
    a.sin_port = htons(static_cast<uint16_t>(check_port_));
    t.sent = false;
    t.answer.clear();
    t.deadline = Clock::now() + std::chrono::milliseconds(timeout_ms_);
    if (connect(t.probe.get(), reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 &&
        errno != EINPROGRESS)
      finish(t, false);
  }

  void probe_event(size_t i) {
    Target& t = targets_[i];
    int err = 0;
    socklen_t el = sizeof(err);
    getsockopt(t.probe.get(), SOL_SOCKET, SO_ERROR, &err, &el);
    if (err != 0) return finish(t, false);
    if (!http_) return finish(t, true);
    if (!t.sent) {
      const std::string req = "GET " + path_ +
                              " HTTP/1.0\r\nHost: " + std::string(inet_ntoa(t.addr.sin_addr)) +
                              "\r\nUser-Agent: ELB-HealthChecker/2.0\r\n\r\n";
      if (send(t.probe.get(), req.data(), req.size(), MSG_NOSIGNAL) < 0) return finish(t, false);
      t.sent = true;
      return;
    }
    char b[256];
    ssize_t n = recv(t.probe.get(), b, sizeof(b), 0);
    if (n <= 0) return finish(t, false);
    t.answer.append(b, static_cast<size_t>(n));
    if (t.answer.find("\r\n") == std::string::npos && t.answer.size() < 200) return;
    int code = 0;
    std::istringstream(t.answer.substr(t.answer.find(' ') + 1)) >> code;
    finish(t, code >= 200 && code < 400);
  }

  // One check's result: thresholds move a target between healthy and unhealthy; an initial
  // target is healthy at its first success, unhealthy after the unhealthy threshold's worth of
  // intervals without one.
  void finish(Target& t, bool ok) {
    t.probe.reset();
    const auto now = Clock::now();
    const Target::Health before = t.health;
    if (ok) {
      t.failures = 0;
      ++t.successes;
      if (t.health == Target::Health::kInitial ||
          (t.health == Target::Health::kUnhealthy && t.successes >= healthy_threshold_))
        t.health = Target::Health::kHealthy;
    } else {
      t.successes = 0;
      ++t.failures;
      if ((t.health == Target::Health::kHealthy && t.failures >= unhealthy_threshold_) ||
          (t.health == Target::Health::kInitial &&
           ms_between(started_, now) >= int64_t{interval_ms_} * unhealthy_threshold_))
        t.health = Target::Health::kUnhealthy;
    }
    if (t.health != before) {
      std::cout << "target " << t.name << " " << inet_ntoa(t.addr.sin_addr) << ": "
                << health_name(t.health) << std::endl;
      dirty_ = true;
    }
    const int next = t.health == Target::Health::kInitial ? 100 : interval_ms_;
    t.next_check = now + std::chrono::milliseconds(next);
  }

  // Flows idle past AWS's timeouts (scaled) are forgotten: their next packet is a new flow.
  void expire_flows() {
    const auto now = Clock::now();
    if (ms_between(last_sweep_, now) < 1000) return;
    last_sweep_ = now;
    for (auto it = flows_.begin(); it != flows_.end();) {
      const int idle = it->first.protocol == 6 ? idle_tcp_ms_ : idle_other_ms_;
      it = ms_between(it->second.last, now) > idle ? flows_.erase(it) : std::next(it);
    }
  }

  void write_state() {
    const auto now = Clock::now();
    if (!dirty_ && ms_between(last_state_, now) < 500) return;
    last_state_ = now;
    dirty_ = false;
    json s;
    s["targets"] = json::array();
    for (const auto& t : targets_)
      s["targets"].push_back({{"name", t.name},
                              {"address", inet_ntoa(t.addr.sin_addr)},
                              {"health", health_name(t.health)},
                              {"flows", t.flows},
                              {"packets_out", t.packets_out},
                              {"packets_in", t.packets_in}});
    s["endpoints"] = json::array();
    for (const auto& e : endpoints_)
      s["endpoints"].push_back(
          {{"name", e.name}, {"vpc", e.vpc}, {"id", e.id}, {"packets", e.packets}});
    s["active_flows"] = flows_.size();
    const std::string tmp = state_file_ + ".tmp";
    std::ofstream(tmp) << s.dump(2) << "\n";
    std::rename(tmp.c_str(), state_file_.c_str());
  }

  json c_;
  std::string state_file_;
  bool http_ = false;
  int check_port_ = 80;
  std::string path_;
  int interval_ms_ = 10000, timeout_ms_ = 5000, healthy_threshold_ = 5, unhealthy_threshold_ = 2;
  int idle_tcp_ms_ = 350000, idle_other_ms_ = 120000;
  Fd udp_;
  std::vector<Target> targets_;
  std::vector<Endpoint> endpoints_;
  std::map<uint64_t, size_t> by_option_;
  std::map<FlowKey, Flow> flows_;
  uint64_t flow_count_ = 0;
  bool dirty_ = true;
  Clock::time_point started_{}, last_sweep_{}, last_state_{};
  uint8_t buf_[65536];
};

}  // namespace

int run_gateway_load_balancer(const std::string& config_file, const std::string& state_file) {
  json c;
  try {
    c = json::parse(read_file(config_file));
  } catch (const std::exception& e) {
    std::cerr << "gateway load balancer: " << config_file << ": " << e.what() << std::endl;
    return 1;
  }
  auto lb = std::make_unique<LoadBalancer>(std::move(c), state_file);
  return lb->run();
}

}  // namespace vpcemu
