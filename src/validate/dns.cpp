// Private hosted zones: DNS names, associated VPCs that resolve, records of the types vpcemu
// answers (A, AAAA, CNAME) with values of their type, no name twice with a CNAME.
#include <map>

#include "validate/checks.h"

namespace vpcemu::validation {

namespace {

// Lower-case labels of letters, digits and '-', dot-separated; at most 253 characters.
bool dns_name(const std::string& n) {
  if (n.empty() || n.size() > 253 || n.front() == '.' || n.back() == '.') return false;
  size_t label = 0;
  for (char c : n) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
    if (++label > 63) return false;
  }
  return true;
}

}  // namespace

void validate_hosted_zones(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  for (const auto& [zname, z] : sc.private_hosted_zones) {
    if (!dns_name(zname)) {
      d.error(z.span, "'" + zname +
                          "' is not a DNS name for a zone; write lower-case labels "
                          "separated by dots, like corp.internal");
      continue;
    }
    for (size_t i = 0; i < z.vpcs.size(); ++i)
      if (!sc.vpcs.count(z.vpcs[i]))
        unknown_ref(d, z.vpc_spans[i], "vpc", z.vpcs[i], keys(sc.vpcs), "");
    std::map<std::string, const DnsRecord*> seen;  // name → its first record
    for (const auto& r : z.records) {
      if (r.name.empty() || r.type.empty()) continue;
      const std::string full = z.fqdn(r.name);
      if (!dns_name(full)) {
        d.error(r.name_span, "record name '" + r.name + "' is not a DNS name");
        continue;
      }
      if (r.type != "A" && r.type != "AAAA" && r.type != "CNAME") {
        d.error(r.type_span,
                "record type '" + r.type + "' is not one vpcemu answers; use A, AAAA or CNAME");
        continue;
      }
      if (auto it = seen.find(full);
          it != seen.end() &&
          (r.type == "CNAME" || it->second->type == "CNAME" || it->second->type == r.type)) {
        d.error(r.name_span,
                full + " already has " + (it->second->type == "CNAME" ? "a " : "an ") +
                    it->second->type + " record" +
                    (r.type == "CNAME" || it->second->type == "CNAME"
                         ? "; a CNAME is the only record of its name"
                         : "; give one record all the values"),
                {{it->second->name_span, "the first is here"}});
        continue;
      }
      seen.emplace(full, &r);
      if (r.type == "CNAME") {
        if (r.values.size() != 1 || !dns_name(r.values[0]))
          d.error(r.values_span, "a CNAME record has exactly one value, a DNS name");
        continue;
      }
      const Family want = r.type == "A" ? Family::kIpv4 : Family::kIpv6;
      for (const auto& val : r.values) {
        auto a = IpAddr::parse(val);
        if (!a || a->family != want)
          d.error(r.values_span, "'" + val + "' is not an " +
                                     (want == Family::kIpv4 ? "IPv4" : "IPv6") +
                                     " address, as an " + r.type + " record needs");
      }
    }
  }
}

}  // namespace vpcemu::validation
