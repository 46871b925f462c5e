// strongSwan configuration rendering.
#include "daemons/strongswan.h"

namespace vpcemu {

namespace {
std::string ts_list(const std::vector<Cidr>& ts) {
  std::string s;
  for (const auto& c : ts) s += (s.empty() ? "" : ",") + c.str();
  return s;
}
}  // namespace

std::string strongswan_conf(const IpsecTunnel& t) {
  const std::string vici = "unix://" + t.dir + "/charon.vici";
  const std::string table = std::to_string(t.table);
  return "charon-systemd {\n"
         "  load_modular = no\n"
         // gmp/curve25519 for key exchange, kdf for 5.9's PRF+; no gcm/openssl plugins here.
         "  load = random nonce af-alg gcrypt aes sha1 sha2 hmac gmp kdf curve25519 pem pkcs1 x509 "
         "kernel-libipsec kernel-netlink socket-default vici updown\n"
         "  port = " +
         std::to_string(t.local_port) +
         "\n"
         "  port_nat_t = " +
         std::to_string(t.local_nat_port) +
         "\n"
         "  routing_table = " +
         table +
         "\n"
         "  routing_table_prio = " +
         std::to_string(t.table_priority ? t.table_priority : t.table) +
         "\n"
         // A dead peer is noticed in about two seconds, so the other tunnel takes over.
         "  retransmit_tries = 3\n"
         "  retransmit_timeout = 0.5\n"
         "  retransmit_base = 1.2\n"
         "  plugins {\n"
         "    vici {\n      socket = " +
         vici +
         "\n    }\n"
         "  }\n"
         "  start-scripts {\n"
         "    load = /usr/sbin/swanctl --load-all --file " +
         t.dir + "/swanctl.conf --uri " + vici +
         "\n"
         "  }\n"
         "  filelog {\n"
         "    main {\n"
         "      path = " +
         t.dir +
         "/charon.log\n"
         "      default = 1\n"
         "      flush_line = yes\n"
         // Epoch seconds: `vpcemu status` reads when a tunnel came up from here.
         "      time_format = %s\n"
         "    }\n"
         "  }\n"
         "}\n"
         "swanctl {\n  socket = " +
         vici + "\n}\n";
}

std::string swanctl_conf(const IpsecTunnel& t) {
  std::string s = "connections {\n  " + t.name + " {\n    version = 2\n";
  s += "    local_addrs = " + t.local.str() + "\n    remote_addrs = " + t.remote.str() + "\n";
  // The port is part of the IKE config a responder matches: name ours when it is not 500,
  // and the peer's only where we initiate.
  if (t.local_port != 500) s += "    local_port = " + std::to_string(t.local_port) + "\n";
  if (t.initiator && t.remote_port != 500)
    s += "    remote_port = " + std::to_string(t.remote_port) + "\n";
  s += "    encap = yes\n"  // kernel-libipsec: ESP in UDP, always
       "    proposals = aes128-sha256-curve25519\n"
       "    dpd_delay = 1s\n"
       // The initiator may come up before the responder has loaded its config: keep trying.
       "    keyingtries = 0\n";
  s += "    local {\n      auth = psk\n      id = " + t.local.str() + "\n    }\n";
  s += "    remote {\n      auth = psk\n      id = " + t.remote.str() + "\n    }\n";
  s += "    children {\n      " + t.name + " {\n";
  s += "        local_ts = " + ts_list(t.local_ts) + "\n";
  s += "        remote_ts = " + ts_list(t.remote_ts) + "\n";
  s += "        esp_proposals = aes128-sha256\n";
  s += std::string("        start_action = ") + (t.initiator ? "start" : "none") + "\n";
  s += std::string("        dpd_action = ") + (t.initiator ? "restart" : "clear") + "\n";
  s += "      }\n    }\n  }\n}\n";
  s += "secrets {\n  ike-" + t.name + " {\n    id-1 = " + t.local.str() +
       "\n    id-2 = " + t.remote.str() + "\n    secret = \"" + t.psk + "\"\n  }\n}\n";
  return s;
}

}  // namespace vpcemu
