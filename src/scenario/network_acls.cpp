// Network ACLs: numbered, stateless allow and deny rules.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

std::vector<NaclRule> acl_rules(Reader& rd, const yaml::Node& v, SourceSpan ks, bool ingress) {
  return rd.rule_list<NaclRule>(
      v, ks, ingress, [&](const yaml::Node& r, const std::string& peer_key) {
        NaclRule rule;
        rule.span = rd.span(r, ks);
        bool has_action = false, has_proto = false;
        rd.each_key(
            r, "network ACL rule",
            {"rule", "protocol", "ports", "icmp_type", "icmp_code", peer_key, "action",
             "description"},
            [&](const std::string& k, SourceSpan rks, const yaml::Node& x) {
              if (rd.protocol_or_ports(k, x, rks, rule, has_proto)) return;
              if (k == "rule") {
                rule.number_span = rd.span(x, rks);
                if (auto n = rd.number(x, "rule", rks, INT32_MIN, INT32_MAX)) rule.number = *n;
              } else if (k == peer_key) {
                rule.cidr_span = rd.span(x, rks);
                auto s = rd.scalar(x, k, rks);
                if (s && (s->rfind("sg/", 0) == 0 || s->rfind("pl/", 0) == 0)) {
                  rd.d.error(rule.cidr_span, "network ACL rules match CIDR blocks only, not '" +
                                                 *s + "' (security groups can reference those)");
                } else if (s) {
                  rule.cidr = rd.prefix(x, k, rks);
                }
              } else if (k == "action") {
                has_action = true;
                auto s = rd.scalar(x, "action", rks);
                if (s && *s == "allow")
                  rule.allow = true;
                else if (s && *s == "deny")
                  rule.allow = false;
                else if (s)
                  rd.d.error(rd.span(x, rks), "action must be allow or deny, found '" + *s + "'");
              }
            });
        if (rd.mapping_or_empty(r)) {
          if (!r["rule"]) rd.d.error(rule.span, "network ACL rule has no 'rule' number");
          if (!has_proto) rd.d.error(rule.span, "network ACL rule has no 'protocol'");
          if (!r[peer_key]) rd.d.error(rule.span, "network ACL rule has no '" + peer_key + "'");
          if (!has_action)
            rd.d.error(rule.span, "network ACL rule has no 'action' (allow or deny)");
        }
        return rule;
      });
}

void parse_acl(Reader& rd, NetworkAcl& acl, const yaml::Node& node) {
  rd.each_key(node, "network ACL '" + acl.name + "'", {"ingress", "egress", "description"},
              [&](const std::string& k, SourceSpan ks, const yaml::Node& v) {
                if (k == "ingress")
                  acl.ingress = acl_rules(rd, v, ks, true);
                else if (k == "egress")
                  acl.egress = acl_rules(rd, v, ks, false);
              });
}

}  // namespace vpcemu::parsing
