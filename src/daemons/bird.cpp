// bird2 configuration rendering.
#include "daemons/bird.h"

#include <cctype>
#include <map>

namespace vpcemu {

std::string bird_name(const std::string& s) {
  std::string out = "p_";
  for (char ch : s) out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return out;
}

std::string bird_learn_name(uint32_t table) {
  return "learn_" + std::to_string(table);
}

std::string bird_conf(const BirdConfig& c) {
  std::string s;
  s += "# rendered by vpcemu\n";
  s += "router id " + c.router_id.str() + ";\n";
  s += "log stderr all;\n";
  // Interfaces come and go with the tunnels' TUN devices: bird follows netlink events.
  s += "protocol device {\n  scan time 5;\n}\n";
  if (!c.announce.empty()) {
    s += "protocol static originated {\n  ipv4;\n";
    for (const auto& a : c.announce) s += "  route " + a.str() + " unreachable;\n";
    s += "}\n";
  }
  // A bird table may feed one kernel table only: each kernel table gets a bird table of its
  // own, filled by a pipe with what BGP learned (originated prefixes are announcements, not
  // paths).
  for (const auto& k : c.kernel) {
    const std::string id = std::to_string(k.table);
    s += "ipv4 table t_" + id + ";\n";
    std::string from;
    for (const auto& p : k.protocols)
      from += (from.empty() ? "" : " || ") + ("proto = \"" + p + "\"");
    const std::string sources =
        k.with_learned ? "(source = RTS_BGP || source = RTS_INHERIT)" : "source = RTS_BGP";
    const std::string cond = sources + (from.empty() ? "" : " && (" + from + ")");
    // With a metric, each route carries its own (krt_metric; the kernel protocol's `metric 0`
    // lets it through): what the pipe brings gets the table's, static routes their own.
    if (k.from_master && k.metric)
      s += "protocol pipe pipe_" + id + " {\n  table master4;\n  peer table t_" + id +
           ";\n  import none;\n  export filter {\n    if " + cond +
           " then {\n      krt_metric = " + std::to_string(k.metric) +
           ";\n      accept;\n    }\n    reject;\n  };\n}\n";
    else if (k.from_master)
      s += "protocol pipe pipe_" + id + " {\n  table master4;\n  peer table t_" + id +
           ";\n  import none;\n  export where " + cond + ";\n}\n";
    s += "protocol kernel kernel_" + id + " {\n";
    s += "  kernel table " + id + ";\n";
    if (k.metric) s += "  metric 0;\n";
    s += "  ipv4 {\n    table t_" + id + ";\n    import none;\n    export all;\n  };\n}\n";
  }
  std::map<std::pair<uint32_t, int>, std::string> statics;  // (table, preference) → routes
  for (const auto& r : c.statics)
    statics[{r.table, r.preference}] += "  route " + r.dst.str() + " via " + r.via.str() + ";\n";
  for (const auto& [key, routes] : statics) {
    const std::string id = std::to_string(key.first), pref = std::to_string(key.second);
    s += "protocol static static_" + id + "_" + pref + " {\n  ipv4 {\n    table t_" + id +
         ";\n    preference " + pref + ";\n    import filter { krt_metric = 1; accept; };\n  };\n" +
         routes + "}\n";
  }
  for (const auto& l : c.learn) {
    const std::string id = std::to_string(l.table);
    s += "ipv4 table l_" + id + ";\n";
    s += "protocol kernel " + bird_learn_name(l.table) + " {\n  kernel table " + id +
         ";\n  learn;\n  scan time 10;\n  ipv4 {\n    table l_" + id +
         ";\n    import all;\n    export none;\n    preference " + std::to_string(l.preference) +
         ";\n  };\n}\n";
    s += "protocol pipe pipe_l_" + id + " {\n  table master4;\n  peer table l_" + id +
         ";\n  import all;\n  export none;\n}\n";
  }
  for (const auto& b : c.sessions) {
    const bool internal = b.neighbor_asn == c.asn;
    s += "protocol bgp " + b.name + " {\n";
    s += "  local " + b.local.str() + " as " + std::to_string(c.asn) + ";\n";
    s += "  neighbor " + b.neighbor.str() + " as " + std::to_string(b.neighbor_asn) + ";\n";
    // iBGP defaults to multihop with recursive next hops; ours is one veth away.
    if (internal) s += "  direct;\n";
    // bird's floor: a session's first connect waits a second (its connect delay).
    s += "  hold time 3;\n  keepalive time 1;\n  connect retry time 1;\n"
         "  connect delay time 1;\n  error wait time 1, 4;\n";
    s += "  ipv4 {\n";
    s += std::string("    import ") + (b.import ? "all" : "none") + ";\n";
    if (b.preference) s += "    preference " + std::to_string(b.preference) + ";\n";
    switch (b.exports) {
      case BgpSession::Export::kNone:
        s += "    export none;\n";
        break;
      case BgpSession::Export::kOriginated:
        s += "    export where source = RTS_STATIC;\n";
        break;
      case BgpSession::Export::kLearned:
        s += "    export where source = RTS_BGP;\n";
        break;
    }
    if (internal) s += "    next hop self;\n    gateway direct;\n";
    s += "  };\n}\n";
  }
  return s;
}

}  // namespace vpcemu
