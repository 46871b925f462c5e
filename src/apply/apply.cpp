// Applying a plan in phases, each batched per namespace: namespaces, sysctls, links,
// addresses/neighbours/routes/rules, nftables, processes; and destroying a scenario. A running
// scenario's live changes are in live.cpp.
#include "apply/apply.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "apply/bird_ctl.h"
#include "apply/ns_socket.h"
#include "kernel/netlink.h"
#include "kernel/netns.h"
#include "kernel/nft.h"
#include "kernel/process.h"
#include "util/clock.h"
#include "util/parallel.h"
#include "util/text.h"

namespace vpcemu {

namespace {

// This binary's path ("" if /proc cannot say).
std::string self_exe() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

const std::string kLoopback = "lo";

std::string tail_of(const std::string& path, size_t lines) {
  std::string out;
  for (const auto& l : StateDir::tail_lines(path, lines)) out += "    " + l + "\n";
  return out;
}

class Applier {
 public:
  Applier(const Plan& p, StateDir& s, const ApplyOptions& o, const Progress& pr)
      : plan_(p), state_(s), opt_(o), progress_(pr), self_(self_exe()) {
    // `vpcemu` itself is on the PATH of what runs inside (`run: vpcemu appliance`).
    const char* path = getenv("PATH");
    path_env_ = "PATH=" + self_.substr(0, self_.rfind('/')) + ":" +
                (path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
  }

  // The plan in phases, each timed: namespaces, sysctls, links, addresses and routes,
  // nftables, then the processes. No phase holds a handle per namespace: each opens a
  // namespace's handle and netlink socket, does that namespace's part, and closes them, so
  // the descriptors in use are bounded by a constant (kMaxPeerHandles and a few), whatever
  // the scenario's size.
  Status run() {
    auto t = Clock::now();
    // All journaled first (one write; `down` passes over a name never created), then made in
    // parallel.
    std::vector<std::string> names;
    for (const auto& ns : plan_.namespaces) names.push_back(ns.name);
    if (auto s = state_.journal_namespaces(names); !s) return s;
    if (auto s = in_parallel(names.size(), [&](size_t i) { return netns_create(names[i]); }); !s)
      return s;
    step("namespaces", plan_.namespaces.size(), t);

    t = Clock::now();
    if (auto s = write_sysctls(false); !s) return s;
    step("sysctls", plan_.sysctls.size(), t);

    t = Clock::now();
    if (auto s = make_links(); !s) return s;
    if (auto s = write_sysctls(true); !s) return s;
    step("links", plan_.veths.size(), t);
    if (plan_.addrs.empty() && plan_.neighs.empty() && plan_.routes.empty() &&
        plan_.rules.empty() && plan_.nft.empty() && plan_.processes.empty() &&
        plan_.files.empty()) {
      return {};
    }

    t = Clock::now();
    if (auto s = add_addresses_and_routes(); !s) return s;
    step("addresses, neighbours, routes and rules",
         plan_.addrs.size() + plan_.neighs.size() + plan_.routes.size() + plan_.rules.size(), t);

    t = Clock::now();
    auto table = [&](size_t i) -> Status {
      const auto& n = plan_.nft[i];
      auto nsfd = netns_open(n.ns);
      if (!nsfd) return nsfd.error();
      return nft_run(nsfd->get(), n.ns, nft_full_script(n.table));
    };
    if (auto s = in_parallel(plan_.nft.size(), table); !s) return s;
    step("nftables tables", plan_.nft.size(), t);
    return start_processes();
  }

 private:
  // The sysctls that need no link (before the links, so `default` values reach them), or
  // those that name a link.
  Status write_sysctls(bool after_links) {
    std::vector<SysctlWrite> writes;
    for (const auto& s : plan_.sysctls)
      if (s.after_links == after_links) writes.push_back({s.ns, s.key, s.value});
    return sysctl_write_all(writes);
  }

  // Veth pairs, made from the namespace of their first end, each batch with at most
  // kMaxPeerHandles handles on the namespaces of second ends; then, namespace by namespace,
  // loopback (new namespaces) and the second ends brought up.
  Status make_links() {
    for (const auto& batch : veth_batches(plan_.veths, kMaxPeerHandles)) {
      auto sock = ns_socket(batch.ns, false);
      if (!sock) return sock.error();
      std::map<std::string, Fd> peers;
      for (size_t i : batch.veths) {
        const VethPlan& v = plan_.veths[i];
        auto it = peers.find(v.b.ns);
        if (it == peers.end()) {
          auto fd = netns_open(v.b.ns);
          if (!fd) return fd.error();
          it = peers.emplace(v.b.ns, std::move(*fd)).first;
        }
        sock->sock.veth(v.a.ifname, v.a.mac, v.b.ifname, v.b.mac, it->second.get(), v.b.ns, v.mtu);
      }
      if (auto f = sock->sock.flush(); !f) return f;
    }
    std::map<std::string, std::vector<const std::string*>> up;  // ns → links to bring up
    for (const auto& ns : plan_.namespaces) up[ns.name].push_back(&kLoopback);
    for (const auto& v : plan_.veths) up[v.b.ns].push_back(&v.b.ifname);
    for (const auto& [ns, links] : up) {
      auto sock = ns_socket(ns, false);
      if (!sock) return sock.error();
      for (const std::string* l : links) sock->sock.link_up(*l);
      if (auto f = sock->sock.flush(); !f) return f;
    }
    return {};
  }

  // Namespace by namespace: rate limits, addresses, neighbours, routes and policy rules, in
  // one netlink batch (the links' indexes asked once).
  Status add_addresses_and_routes() {
    struct Work {
      std::vector<std::pair<const LinkEnd*, uint64_t>> limited;  // a link end, its rate
      std::vector<const AddrPlan*> addrs;
      std::vector<const NeighPlan*> neighs;
      std::vector<const RoutePlan*> routes;
      std::vector<const RulePlan*> rules;
    };
    std::map<std::string, Work> by_ns;
    for (const auto& v : plan_.veths) {
      if (!v.rate_bps) continue;
      for (const LinkEnd* e : {&v.a, &v.b}) by_ns[e->ns].limited.emplace_back(e, v.rate_bps);
    }
    for (const auto& a : plan_.addrs) by_ns[a.ns].addrs.push_back(&a);
    for (const auto& n : plan_.neighs) by_ns[n.ns].neighs.push_back(&n);
    for (const auto& r : plan_.routes) by_ns[r.ns].routes.push_back(&r);
    for (const auto& r : plan_.rules) by_ns[r.ns].rules.push_back(&r);
    std::vector<const std::pair<const std::string, Work>*> namespaces;
    for (const auto& x : by_ns) namespaces.push_back(&x);
    // One worker per CPU: the kernel serializes most of this on its RTNL, the workers overlap
    // the rest (reading each namespace's links, building and sending the messages).
    return in_parallel(namespaces.size(), [&](size_t i) -> Status {
      const auto& [ns, w] = *namespaces[i];
      auto s = ns_socket(ns);
      if (!s) return s.error();
      NlSocket& sk = s->sock;
      for (const auto& [end, rate] : w.limited)
        sk.rate_limit(s->of(end->ifname), end->ifname, rate);
      for (const AddrPlan* a : w.addrs) sk.address(s->of(a->dev), a->dev, a->addr);
      for (const NeighPlan* n : w.neighs) sk.neighbour(s->of(n->dev), n->dev, n->ip, n->mac);
      for (const RoutePlan* r : w.routes)
        sk.route(netlink_route(*r, r->dev.empty() ? 0 : s->of(r->dev)));
      for (const RulePlan* r : w.rules)
        sk.rule({r->priority, r->fwmark, r->to, r->table, r->drop, r->iif, r->family});
      return sk.flush();
    });
  }

  void step(const std::string& what, size_t n, Clock::time_point t) {
    if (n == 0) return;
    progress_("  " + std::to_string(n) + " " + what + " (" + std::to_string(ms_since(t)) + " ms)");
  }

  Status write_files() {
    for (const auto& f : plan_.files) {
      std::string path = state_.path() + "/" + f.path;
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
      // Readers (dnsmasq) never see half a file: write beside it, then rename over it.
      {
        std::ofstream out(path + ".tmp");
        out << substitute(f.content);
        if (!out) return errno_error("write", path + ".tmp", errno);
      }
      std::filesystem::rename(path + ".tmp", path, ec);
      if (ec) return Error{ec.value(), "rename", path, {}};
    }
    return {};
  }

  // "@self" is this binary; "@state/" the scenario's state directory.
  std::string substitute(const std::string& arg) const {
    if (arg == "@self") return self_.empty() ? arg : self_;
    std::string out = arg;
    for (size_t p; (p = out.find("@state/")) != std::string::npos;)
      out.replace(p, 7, state_.path() + "/");
    return out;
  }

  // The raw 32-byte X25519 key at the end of a PEM file's DER, as hex (WireGuard's UAPI).
  Result<std::string> pem_key_hex(const std::string& rel) {
    std::ifstream in(state_.path() + "/" + rel);
    std::string b64, line;
    while (std::getline(in, line))
      if (line.rfind("-----", 0) != 0) b64 += line;
    static const std::string kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string der;
    uint32_t acc = 0;
    int bits = 0;
    for (char c : b64) {
      auto v = kAlphabet.find(c);
      if (v == std::string::npos) continue;  // '=' padding
      acc = (acc << 6) | static_cast<uint32_t>(v);
      if ((bits += 6) >= 8) der.push_back(static_cast<char>((acc >> (bits -= 8)) & 0xff));
    }
    if (der.size() < 32)
      return Error{0, "read key", state_.path() + "/" + rel, "not an X25519 PEM key"};
    std::string out;
    static const char* kHex = "0123456789abcdef";
    for (size_t i = der.size() - 32; i < der.size(); ++i) {
      out.push_back(kHex[(der[i] >> 4) & 0xf]);
      out.push_back(kHex[der[i] & 0xf]);
    }
    return out;
  }

  // wireguard-go listens on a UAPI socket in its private /run, reachable from here through
  // /proc/PID/root; once it answers, the interface gets its address and routes.
  Status configure_wireguard(const ProcessPlan& p, pid_t pid) {
    const WireguardSetup& w = *p.wireguard;
    const std::string path =
        "/proc/" + std::to_string(pid) + "/root/run/wireguard/" + w.ifname + ".sock";
    auto deadline = Clock::now() + std::chrono::milliseconds(opt_.ready_timeout_ms);
    while (access(path.c_str(), F_OK) != 0) {
      if (Clock::now() > deadline || child_exit_status(pid) >= 0) {
        return Error{0, "wireguard-go", p.name,
                     "its control socket never appeared; end of its log:\n" +
                         tail_of(state_.log_path(p.name), 5)};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::string text = w.uapi;
    for (const char* tag : {"@key:", "@pub:"}) {
      for (size_t at; (at = text.find(tag)) != std::string::npos;) {
        size_t eol = text.find('\n', at);
        auto hexkey = pem_key_hex(text.substr(at + 5, eol - at - 5));
        if (!hexkey) return hexkey.error();
        text.replace(at, eol - at, *hexkey);
      }
    }
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path.c_str());
    // The socket's file exists from bind(); until listen() a connect is refused.
    Fd sock;
    for (;;) {
      sock = Fd(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
      if (connect(sock.get(), reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0) break;
      int err = errno;
      if ((err != ECONNREFUSED && err != ENOENT) || Clock::now() > deadline ||
          child_exit_status(pid) >= 0)
        return errno_error("connect", path, err);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (write(sock.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
      return errno_error("write", path, errno);
    char buf[256];
    ssize_t n = read(sock.get(), buf, sizeof(buf) - 1);
    std::string reply = n > 0 ? std::string(buf, n) : "";
    if (reply.find("errno=0") == std::string::npos)
      return Error{0, "wireguard UAPI set", p.name, "answered '" + reply + "'"};
    return configure_device(p.ns, w.ifname, w.address,
                            std::vector<IpPrefix>(w.routes.begin(), w.routes.end()));
  }

  // A device a daemon made: its address, up, routes through it, and a policy rule on what
  // arrives through it.
  Status configure_device(const std::string& ns, const std::string& ifname, const Cidr& address,
                          const std::vector<IpPrefix>& routes,
                          std::optional<NlSocket::Rule> rule = std::nullopt) {
    auto s = ns_socket(ns);
    if (!s) return s.error();
    NlSocket& nl = s->sock;
    const int ifindex = s->of(ifname);
    nl.address(ifindex, ifname, address);
    nl.link_up(ifname);
    for (const auto& r : routes) {
      NlSocket::Route x;
      x.dst = r;
      x.oif = ifindex;
      x.dev = ifname;
      nl.route(x);
    }
    if (rule) nl.rule(*rule);
    return nl.flush();
  }

  // The TUN device a daemon holds open: /proc/PID/fdinfo of its /dev/net/tun names it.
  static std::string tun_of(pid_t pid) {
    const std::string base = "/proc/" + std::to_string(pid);
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(base + "/fd", ec)) {
      std::error_code ec2;
      if (std::filesystem::read_symlink(e.path(), ec2) != "/dev/net/tun") continue;
      std::ifstream in(base + "/fdinfo/" + e.path().filename().string());
      for (std::string line; std::getline(in, line);)
        if (line.rfind("iff:", 0) == 0) {
          size_t b = line.find_first_not_of(" \t", 4);
          return b == std::string::npos ? "" : line.substr(b);
        }
    }
    return "";
  }

  Status configure_tun(const ProcessPlan& p, pid_t pid) {
    auto deadline = Clock::now() + std::chrono::milliseconds(opt_.ready_timeout_ms);
    std::string ifname;
    while ((ifname = tun_of(pid)).empty()) {
      if (Clock::now() > deadline || child_exit_status(pid) >= 0) {
        return Error{0, "TUN device", p.name + " (" + p.argv[0] + " in " + p.ns + ")",
                     "never opened one; end of its log:\n" + tail_of(state_.log_path(p.name), 5)};
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::optional<NlSocket::Rule> rule;
    if (p.tun_rule_table)
      rule = NlSocket::Rule{p.tun_rule_priority, std::nullopt, std::nullopt,
                            p.tun_rule_table,    false,        ifname};
    return configure_device(p.ns, ifname, *p.tun_address, p.tun_routes, rule);
  }

  static bool file_contains(const std::string& path, const std::string& text) {
    return read_file(path).find(text) != std::string::npos;
  }

  // Observed readiness: the process wrote `text` into `path` (its own log).
  Status wait_for_text(const std::string& path, const std::string& text, pid_t pid) {
    auto deadline = Clock::now() + std::chrono::milliseconds(opt_.ready_timeout_ms * 2);
    while (Clock::now() < deadline) {
      if (file_contains(path, text)) return {};
      if (child_exit_status(pid) >= 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Error{0, "readiness", "",
                 "'" + text + "' never appeared in " + path + ":\n" + tail_of(path, 5)};
  }

  struct Started {
    const ProcessPlan* plan;
    pid_t pid;
  };

  // A child forked in its namespace, waiting to exec until it is journaled.
  struct Paused {
    const ProcessPlan* plan;
    PausedProcess child;
  };

  // One process of the plan, forked and prepared in its namespace, paused before exec.
  Result<Paused> fork_paused(const ProcessPlan& p) {
    auto nsfd = netns_open(p.ns);
    if (!nsfd) return nsfd.error();
    SpawnOptions so;
    so.nsfd = nsfd->get();
    so.ns_name = p.ns;
    for (const auto& a : p.argv) so.argv.push_back(substitute(a));
    so.cwd = substitute(p.cwd);
    if (so.cwd.rfind(state_.path() + "/", 0) == 0) {  // a directory of ours: make it
      std::error_code ec;
      std::filesystem::create_directories(so.cwd, ec);
    }
    so.log_path = state_.log_path(p.name);
    if (!p.resolv_conf.empty()) so.resolv_conf = state_.path() + "/" + p.resolv_conf;
    for (const auto& e : p.env) so.env.push_back(substitute(e));
    so.env.push_back(path_env_);
    so.private_run = p.daemon;
    so.keep = state_.path();
    if (!p.opens_namespaces) {
      if (!mount_template_.valid()) {
        auto t = mount_namespace_without(netns_dir());
        if (!t) return t.error();
        mount_template_ = std::move(*t);
      }
      so.mount_template = mount_template_.get();
    }
    auto child = spawn_paused(so);
    if (!child) return child.error();
    return Paused{&p, std::move(*child)};
  }

  // Paused children journaled in one write, then all let go, then each exec awaited: their
  // namespaces, mounts and exec run side by side (on both cores) while the next are forked.
  // A child not let go (the journal failed) sees its pipe close and exits without exec.
  Status let_go(std::vector<Paused>& batch) {
    if (batch.empty()) return {};
    std::vector<StateDir::JournaledProcess> entries;
    for (const auto& b : batch)
      entries.push_back({b.child.pid(), process_start_time(b.child.pid()), b.plan->name});
    if (auto s = state_.journal_processes(entries); !s) {
      batch.clear();
      return s;
    }
    for (auto& b : batch) b.child.go();
    Status failed;
    for (auto& b : batch) {
      auto s = b.child.exec_result();
      if (!s && failed) {
        Error e = s.error();
        e.object = "'" + b.plan->argv[0] + "' (" + b.plan->name + " in " + b.plan->ns + ")";
        failed = e;
      }
    }
    batch.clear();
    return failed;
  }

  // What a started process needs before the next one starts: a one-shot step (making
  // certificates) has to succeed; a daemon may need its configuration, its readiness line
  // or its TUN device's address. settles() says whether settle() has anything to do.
  static bool settles(const ProcessPlan& p) {
    return p.wait_exit || p.wireguard || (!p.ready_file.empty() && p.ready_before_next) ||
           p.tun_address;
  }
  Status settle(const ProcessPlan& p, pid_t pid) {
    if (p.wait_exit) {
      int st = 0;
      waitpid(pid, &st, 0);
      if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        return Error{0, "run", p.name + " (" + p.argv[0] + ")",
                     "failed; end of " + state_.log_path(p.name) + ":\n" +
                         tail_of(state_.log_path(p.name), 5)};
      }
      return {};
    }
    if (p.wireguard) {
      if (auto s = configure_wireguard(p, pid); !s) return s;
    }
    if (!p.ready_file.empty() && p.ready_before_next) {
      if (auto s = wait_for_text(state_.path() + "/" + p.ready_file, p.ready_text, pid); !s) {
        Error e = s.error();
        e.object = p.name + " (" + p.argv[0] + " in " + p.ns + ")";
        return e;
      }
    }
    if (p.tun_address) return configure_tun(p, pid);
    return {};
  }

  // The routes of a process that awaits them (a tunnel's) still missing from its namespace.
  // `routes` holds each namespace's routes once per polling round: the charons of one gateway
  // share a namespace.
  using NsRoutes = std::map<std::string, std::optional<std::set<std::pair<uint32_t, IpPrefix>>>>;
  std::vector<TableRoute> missing_routes(const ProcessPlan& p, NsRoutes& routes) {
    auto [it, fresh] = routes.try_emplace(p.ns);
    if (fresh)
      if (auto s = ns_socket(p.ns, false))
        if (auto have = s->sock.routes()) it->second = std::move(*have);
    if (!it->second) return p.ready_routes;
    std::vector<TableRoute> out;
    for (const auto& r : p.ready_routes)
      if (!it->second->count({r.table, r.dst})) out.push_back(r);
    return out;
  }

  // Readiness is observed: each process listens, says so in its log, has its routes, or
  // exits; or its time passes (a tunnel's is longer). A process that fails fails the whole;
  // what is still pending is returned, one description each.
  Result<std::vector<std::string>> wait_ready(const std::vector<Started>& started) {
    std::set<size_t> waiting;
    for (size_t i = 0; i < started.size(); ++i) waiting.insert(i);
    const auto t = Clock::now();
    auto deadline_of = [&](const ProcessPlan& p) {
      const bool tunnel =
          !p.ready_routes.empty() || (!p.ready_file.empty() && !p.ready_before_next);
      return t + std::chrono::milliseconds(tunnel ? opt_.tunnel_timeout_ms : opt_.ready_timeout_ms);
    };
    std::vector<std::string> pending;
    while (!waiting.empty()) {
      pending.clear();
      NsRoutes routes;
      for (auto it = waiting.begin(); it != waiting.end();) {
        const auto& s = started[*it];
        const ProcessPlan& p = *s.plan;
        int status = child_exit_status(s.pid);
        if (status > 0) {
          return Error{0, "run",
                       p.argv[0] + (p.daemon ? " (" : " in instance ") + p.name +
                           (p.daemon ? " in " + p.ns + ")" : ""),
                       "exited with status " + std::to_string(status) + "; end of " +
                           state_.log_path(p.name) + ":\n" + tail_of(state_.log_path(p.name), 5)};
        }
        // bird is ready when its control socket is there (with no BGP session it never
        // listens on a port); a translator (tayga) once its TUN device is configured, which
        // settle() waited for.
        const bool bird_ready = !p.bgp_socket.empty() &&
                                access((state_.path() + "/" + p.bgp_socket).c_str(), F_OK) == 0;
        const bool tun_ready = p.tun_address && !p.tun_routes.empty();
        // A readiness line: awaited before the next process started, or here with the rest.
        const bool said_ready = !p.ready_file.empty() &&
                                (p.ready_before_next ||
                                 file_contains(state_.path() + "/" + p.ready_file, p.ready_text));
        const bool listens =
            p.ready_file.empty() && p.ready_routes.empty() && process_listens(s.pid);
        std::vector<TableRoute> missing;
        if (!p.ready_routes.empty()) missing = missing_routes(p, routes);
        const bool routed = !p.ready_routes.empty() && missing.empty();
        if (status == 0 || bird_ready || tun_ready || said_ready || listens || routed) {
          it = waiting.erase(it);
          continue;
        }
        if (!missing.empty()) {
          pending.push_back(p.name + " (no route to " + missing[0].dst.str() + " in table " +
                            std::to_string(missing[0].table) + " of " + p.ns + " yet)");
        } else if (!p.ready_file.empty()) {
          pending.push_back(p.name + " ('" + p.ready_text + "' not yet in " + p.ready_file + ")");
        } else {
          pending.push_back(p.name + " (not listening yet)");
        }
        ++it;
      }
      bool any_time_left = false;
      for (size_t i : waiting) any_time_left |= Clock::now() <= deadline_of(*started[i].plan);
      if (!any_time_left) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pending;
  }

  Status start_processes() {
    if (auto s = write_files(); !s) return s;
    if (plan_.processes.empty()) return {};
    auto t = Clock::now();
    std::vector<Started> started;
    std::vector<Paused> batch;
    for (const auto& p : plan_.processes) {
      // A process the next waits for (settle()) starts after all before it and alone.
      const bool alone = settles(p);
      if (alone) {
        if (auto s = let_go(batch); !s) return s;
      }
      auto child = fork_paused(p);
      if (!child) return child.error();
      const pid_t pid = child->child.pid();
      batch.push_back(std::move(*child));
      if (alone || batch.size() == kMaxPaused) {
        if (auto s = let_go(batch); !s) return s;
      }
      if (alone) {
        if (auto s = settle(p, pid); !s) return s;
      }
      if (!p.wait_exit) started.push_back({&p, pid});
    }
    if (auto s = let_go(batch); !s) return s;
    auto waiting = wait_ready(started);
    if (!waiting) return waiting.error();
    progress_("  " + std::to_string(started.size()) + " processes started (" +
              std::to_string(ms_since(t)) + " ms)");
    if (!waiting->empty())
      progress_("warning: " + std::to_string(waiting->size()) +
                " not ready when their time ran out (" + std::to_string(opt_.ready_timeout_ms) +
                " ms, tunnels " + std::to_string(opt_.tunnel_timeout_ms) + " ms): " +
                join(*waiting, ", ") + " ('vpcemu status NAME' shows whether they are later)");
    wait_for_bgp();
    return {};
  }

  // BGP: the routes a scenario relies on exist only once bird's sessions have exchanged them
  // (a second or so: bird's first connect waits one). Not converging is reported, not fatal:
  // `status` shows the sessions.
  void wait_for_bgp() {
    std::vector<std::string> sockets;
    for (const auto& p : plan_.processes)
      if (!p.bgp_socket.empty()) sockets.push_back(state_.path() + "/" + p.bgp_socket);
    if (sockets.empty()) return;
    auto t = Clock::now();
    auto deadline = t + std::chrono::milliseconds(opt_.tunnel_timeout_ms);
    std::string pending;
    int total = 0;
    for (size_t i = 0; i < sockets.size();) {
      int sessions = 0;
      if (bird_converged(sockets[i], &pending, &sessions)) {
        total += sessions;
        ++i;
        continue;
      }
      if (Clock::now() > deadline) {
        progress_("  BGP has not converged after " + std::to_string(ms_since(t)) +
                  " ms (still waiting: " + pending + "); see vpcemu status");
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (total > 0)
      progress_("  BGP converged: " + std::to_string(total) + " sessions (" +
                std::to_string(ms_since(t)) + " ms)");
  }

  const Plan& plan_;
  StateDir& state_;
  const ApplyOptions& opt_;
  const Progress& progress_;
  Fd mount_template_;       // the mounts processes start from: the host's without /run/netns
  const std::string self_;  // this binary, for "@self"
  std::string path_env_;    // PATH for processes: this binary's directory first
};

}  // namespace

Status apply_plan(const Plan& plan, StateDir& state, const ApplyOptions& opt,
                  const Progress& progress) {
  return Applier(plan, state, opt, progress).run();
}

std::vector<VethBatch> veth_batches(const std::vector<VethPlan>& veths, size_t max_peers) {
  std::vector<VethBatch> out;
  std::map<std::string, std::vector<size_t>> by_ns;  // first ends' namespace → veths
  std::vector<std::string> order;
  for (size_t i = 0; i < veths.size(); ++i) {
    auto [it, fresh] = by_ns.try_emplace(veths[i].a.ns);
    if (fresh) order.push_back(veths[i].a.ns);
    it->second.push_back(i);
  }
  for (const auto& ns : order) {
    std::set<std::string> peers;
    out.push_back({ns, {}});
    for (size_t i : by_ns[ns]) {
      if (!peers.count(veths[i].b.ns) && peers.size() == max_peers) {
        peers.clear();
        out.push_back({ns, {}});
      }
      peers.insert(veths[i].b.ns);
      out.back().veths.push_back(i);
    }
  }
  return out;
}

DestroyReport destroy(StateDir& state, const Progress& progress) {
  DestroyReport r;
  std::set<std::string> names;
  std::vector<std::pair<pid_t, uint64_t>> procs;
  for (const auto& e : state.read_journal()) {
    if (e.kind == JournalEntry::Kind::kNetns) names.insert(e.netns);
    if (e.kind == JournalEntry::Kind::kProcess) procs.emplace_back(e.pid, e.start);
  }
  // Namespaces are ours by name too: this covers a state directory that was lost.
  for (const auto& n : netns_list(state.scenario() + ".")) names.insert(n);

  // Journaled processes first (SIGTERM to all, then wait together), then anything else still
  // inside our namespaces, e.g. a `vpcemu exec` left running.
  for (const auto& [pid, start] : procs) {
    if (process_running(pid, start)) {
      kill(pid, SIGTERM);
      ++r.processes;
    }
  }
  auto deadline = Clock::now() + std::chrono::seconds(3);
  for (const auto& [pid, start] : procs) {
    while (process_running(pid, start) && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    terminate_process(pid, start, 0);
  }
  std::vector<std::string> existing;
  for (const auto& n : names)
    if (netns_exists(n)) existing.push_back(n);
  for (int round = 0; round < 2; ++round) {
    auto inside = pids_in_netns(existing);
    if (inside.empty()) break;
    for (const auto& [ns, pids] : inside) {
      for (pid_t pid : pids) {
        uint64_t start = process_start_time(pid);
        terminate_process(pid, start, round == 0 ? 1000 : 0);
        ++r.processes;
      }
    }
  }
  // Each unmount waits for an expedited RCU grace period, mostly asleep (at 10,000 namespaces
  // 1.6 ms each, 0.1 ms of it CPU): sixteen threads, whatever the CPUs, share grace periods
  // (10,000 namespaces: 9.8 s with one, 7.1 s with four, 2.7-5.6 s with sixteen).
  std::vector<std::string> errors(existing.size());
  (void)in_parallel(
      existing.size(),
      [&](size_t i) -> Status {
        if (auto s = netns_delete(existing[i]); !s) errors[i] = s.error().str();
        return {};
      },
      16);
  for (auto& e : errors) {
    if (e.empty()) {
      ++r.namespaces;
    } else {
      r.errors.push_back(std::move(e));
    }
  }
  if (r.errors.empty()) {
    if (auto s = state.remove(); !s) r.errors.push_back(s.error().str());
  }
  progress("  removed " + std::to_string(r.namespaces) + " namespaces and " +
           std::to_string(r.processes) + " processes");
  return r;
}

}  // namespace vpcemu
