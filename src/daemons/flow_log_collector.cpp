// `vpcemu flow-logs`: NFLOG group 1 of the VPC router's namespace (libmnl, nfnetlink_log) into
// the aggregator of flow_logs.cpp; records appended to the VPC's file as windows end.
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>

#include "daemons/flow_logs.h"
#include "model/flow_logs.h"
#include "util/text.h"

namespace vpcemu {

namespace {

volatile sig_atomic_t g_stop = 0;
void on_stop(int) {
  g_stop = 1;
}

// One NFULNL_MSG_CONFIG request for `group`, acknowledged.
bool configure(mnl_socket* nl, uint16_t group, uint16_t attr, const void* data, size_t len) {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = mnl_nlmsg_put_header(buf);
  nlh->nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  nlh->nlmsg_seq = static_cast<uint32_t>(time(nullptr));
  auto* nfg = static_cast<nfgenmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(nfgenmsg)));
  nfg->nfgen_family = AF_UNSPEC;
  nfg->version = NFNETLINK_V0;
  nfg->res_id = htons(group);
  mnl_attr_put(nlh, attr, len, data);
  if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) return false;
  const ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
  return n > 0 &&
         mnl_cb_run(buf, n, nlh->nlmsg_seq, mnl_socket_get_portid(nl), nullptr, nullptr) >= 0;
}

struct Ctx {
  FlowLogAggregator* agg;
  std::function<void()> reload;           // the configuration again, if it changed
  std::map<uint32_t, std::string> names;  // ifindex → name
  std::string name(uint32_t index) {
    auto it = names.find(index);
    if (it != names.end()) return it->second;
    char n[IF_NAMESIZE] = {};
    std::string s = if_indextoname(index, n) ? n : "";
    names[index] = s;
    return s;
  }
};

int on_attr(const nlattr* a, void* data) {
  auto** tb = static_cast<const nlattr**>(data);
  const int type = mnl_attr_get_type(a);
  if (type <= NFULA_MAX) tb[type] = a;
  return MNL_CB_OK;
}

int on_packet(const nlmsghdr* nlh, void* data) {
  auto* c = static_cast<Ctx*>(data);
  const nlattr* tb[NFULA_MAX + 1] = {};
  mnl_attr_parse(nlh, sizeof(nfgenmsg), on_attr, tb);
  if (!tb[NFULA_PAYLOAD]) return MNL_CB_OK;
  FlowPacket p;
  if (!parse_ip_packet(static_cast<const uint8_t*>(mnl_attr_get_payload(tb[NFULA_PAYLOAD])),
                       mnl_attr_get_payload_len(tb[NFULA_PAYLOAD]), p))
    return MNL_CB_OK;
  if (tb[NFULA_PREFIX]) p.prefix = mnl_attr_get_str(tb[NFULA_PREFIX]);
  if (tb[NFULA_IFINDEX_INDEV]) p.in = c->name(ntohl(mnl_attr_get_u32(tb[NFULA_IFINDEX_INDEV])));
  if (tb[NFULA_IFINDEX_OUTDEV]) p.out = c->name(ntohl(mnl_attr_get_u32(tb[NFULA_IFINDEX_OUTDEV])));
  p.time = time(nullptr);
  // Only logged ENIs' packets pass the flow-logs chain: one of a port the configuration does
  // not name yet is a new ENI of a live change.
  if (p.prefix == "A" && !c->agg->logs(p.in) && !c->agg->logs(p.out)) c->reload();
  c->agg->add(p);
  return MNL_CB_OK;
}

int64_t mtime(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0
             ? static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec
             : 0;
}

}  // namespace

int run_flow_logs(const std::string& config_path, const std::string& out_path) {
  std::string err;
  FlowLogConfig cfg = parse_flow_log_config(read_file(config_path), &err);
  if (!err.empty()) {
    std::cerr << "flow-logs: " << config_path << ": " << err << "\n";
    return 1;
  }
  int64_t cfg_mtime = mtime(config_path);
  struct sigaction sa {};
  sa.sa_handler = on_stop;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  mnl_socket* nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
  if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    std::cerr << "flow-logs: netlink: " << strerror(errno) << "\n";
    return 1;
  }
  const uint16_t group = kFlowLogGroup;
  nfulnl_msg_config_cmd bind{NFULNL_CFG_CMD_BIND};
  nfulnl_msg_config_mode mode{htonl(kFlowLogSnaplen), NFULNL_COPY_PACKET, 0};
  const uint32_t qthresh = htonl(1), timeout = htonl(1);  // deliver each packet at once
  if (!configure(nl, group, NFULA_CFG_CMD, &bind, sizeof(bind)) ||
      !configure(nl, group, NFULA_CFG_MODE, &mode, sizeof(mode)) ||
      !configure(nl, group, NFULA_CFG_QTHRESH, &qthresh, sizeof(qthresh)) ||
      !configure(nl, group, NFULA_CFG_TIMEOUT, &timeout, sizeof(timeout))) {
    std::cerr << "flow-logs: cannot bind NFLOG group " << group << ": " << strerror(errno) << "\n";
    return 1;
  }
  // A burst must not be lost to a full socket buffer.
  int rcvbuf = 4 << 20;
  setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
  FlowLogAggregator agg(cfg, time(nullptr));
  Ctx ctx{&agg, {}, {}};
  std::ofstream out(out_path, std::ios::app);
  if (!out) {
    std::cerr << "flow-logs: cannot write " << out_path << "\n";
    return 1;
  }
  // As AWS's files in S3: the first line names the fields.
  if (out.tellp() == 0 && !cfg.enis.empty()) {
    std::string header;
    for (const auto& f : flow_log_format_fields(cfg.enis.front().format, nullptr))
      header += (header.empty() ? "" : " ") + f;
    out << header << "\n";
    out.flush();
  }
  auto write = [&](const std::vector<std::string>& records) {
    for (const auto& r : records) out << r << "\n";
    if (!records.empty()) out.flush();
  };
  std::cerr << "flow logs of " << cfg.enis.size() << " ENIs listening on NFLOG group " << group
            << std::endl;
  // A live change (ENIs added or removed) rewrites the configuration.
  ctx.reload = [&] {
    if (int64_t m = mtime(config_path); m != cfg_mtime) {
      cfg_mtime = m;
      std::string e;
      FlowLogConfig c = parse_flow_log_config(read_file(config_path), &e);
      if (e.empty()) {
        write(agg.reconfigure(std::move(c)));
        ctx.names.clear();
      }
    }
  };
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE * 4);
  int64_t last_check = 0;
  while (!g_stop) {
    pollfd pfd{mnl_socket_get_fd(nl), POLLIN, 0};
    const int r = poll(&pfd, 1, 250);
    if (r > 0 && (pfd.revents & POLLIN)) {
      const ssize_t n = mnl_socket_recvfrom(nl, buf.data(), buf.size());
      if (n > 0) mnl_cb_run(buf.data(), n, 0, 0, on_packet, &ctx);
    }
    const int64_t now = time(nullptr);
    if (now != last_check) {
      last_check = now;
      write(agg.flush(now));
      ctx.reload();
    }
  }
  write(agg.flush(time(nullptr), true));
  mnl_socket_close(nl);
  return 0;
}

}  // namespace vpcemu
