// Security groups: ingress and egress rules (protocol, ports, a CIDR, group or prefix list).
#include "scenario/parsers.h"

namespace vpcemu::parsing {

std::vector<SgRule> group_rules(Reader& rd, const yaml::Node& v, SourceSpan ks, bool ingress,
                                const std::string& own_vpc) {
  return rd.rule_list<SgRule>(
      v, ks, ingress, [&](const yaml::Node& r, const std::string& peer_key) {
        SgRule rule;
        rule.span = rd.span(r, ks);
        bool has_proto = false, has_peer = false;
        rd.each_key(r, "security group rule",
                    {"protocol", "ports", "icmp_type", "icmp_code", peer_key, "description"},
                    [&](const std::string& k, SourceSpan rks, const yaml::Node& x) {
                      if (rd.protocol_or_ports(k, x, rks, rule, has_proto)) return;
                      if (k == peer_key) {
                        rule.peer_span = rd.span(x, rks);
                        has_peer = true;
                        if (auto p = rd.peer(x, k, rks, own_vpc))
                          rule.peer = *p;
                        else
                          has_peer = false, rule.peer.cidr.reset();
                      }
                    });
        if (rd.mapping_or_empty(r)) {
          if (!has_proto) rd.d.error(rule.span, "security group rule has no 'protocol'");
          if (!has_peer && !r[peer_key])
            rd.d.error(rule.span, "security group rule has no '" + peer_key + "'");
        }
        return rule;
      });
}

void parse_group(Reader& rd, SecurityGroup& g, const yaml::Node& node, const std::string& own_vpc) {
  rd.each_key(node, "security group '" + g.name + "'", {"ingress", "egress", "description"},
              [&](const std::string& k, SourceSpan ks, const yaml::Node& v) {
                if (k == "ingress")
                  g.ingress = group_rules(rd, v, ks, true, own_vpc);
                else if (k == "egress")
                  g.egress = group_rules(rd, v, ks, false, own_vpc);
              });
}

}  // namespace vpcemu::parsing
