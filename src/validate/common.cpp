// The shared helpers of validation.
#include "validate/common.h"

#include "util/text.h"

namespace vpcemu::validation {

namespace {

const Cidr kLinkLocal{Ipv4{0xA9FE0000}, 16};  // 169.254.0.0/16: vpcemu's transit links
const Cidr kLoopback{Ipv4{0x7F000000}, 8};
const Cidr kThisNet{Ipv4{0}, 8};
const Cidr kMulticastAndUp{Ipv4{0xE0000000}, 3};

bool unusable_public(Ipv4 ip) {
  return kLinkLocal.contains(ip) || kLoopback.contains(ip) || kThisNet.contains(ip) ||
         kMulticastAndUp.contains(ip);
}

}  // namespace

std::string names_of(const std::vector<std::string>& v) {
  return join(v, ", ");
}

void unknown_ref(Diagnostics& d, SourceSpan span, const std::string& kind, const std::string& name,
                 const std::vector<std::string>& known, const std::string& where) {
  std::string msg = "unknown " + kind + " '" + name + "'" + where;
  if (auto near = nearest(name, known)) {
    msg += "; did you mean '" + *near + "'?";
  } else if (!known.empty()) {
    msg += "; known: " + names_of(known);
  } else {
    msg += "; none is defined";
  }
  d.error(span, msg);
}

// An on-premises network reached over `via` must not overlap a VPC it reaches.
void check_onprem_overlap(Diagnostics& d, SourceSpan at, const Onprem& o, const Vpc& v,
                          const std::string& via, const std::string& how) {
  if (!v.cidr || !o.cidr || !v.cidr->overlaps(*o.cidr)) return;
  d.error(at,
          "on-premises network '" + o.name + "' (" + o.cidr->str() + ") overlaps vpc '" + v.name +
              "' (" + v.cidr->str() + ")" + how + ": routing over " + via + " would be ambiguous",
          {{o.cidr_span, "on-premises CIDR"}, {v.cidr_span, "VPC CIDR"}});
}

// BGP between an on-premises router (`who`) and a virtual private gateway needs two ASNs.
void check_bgp_asn(Diagnostics& d, SourceSpan fallback, const Onprem& o, const std::string& who,
                   const std::string& over) {
  if (o.asn != kAmazonSideAsn) return;
  d.error(o.asn_span.known() ? o.asn_span : fallback,
          who + "'s ASN " + std::to_string(kAmazonSideAsn) +
              " is the virtual private gateway's own (Amazon side) ASN; BGP over " + over +
              " needs two different ASNs, e.g. 65000");
}

void check_cidr_size(Diagnostics& d, const Cidr& c, SourceSpan span, const std::string& what) {
  if (c.prefix < 16 || c.prefix > 28) {
    d.error(span, what + " " + c.str() + " is a /" + std::to_string(c.prefix) +
                      "; AWS allows /16 (65,536 addresses) to /28 (16 addresses)");
  }
}

void check_match(Diagnostics& d, const TrafficMatch& m, SourceSpan rule_span) {
  const Protocol proto = m.protocol;
  const bool ported = proto == Protocol::kTcp || proto == Protocol::kUdp;
  const bool icmp = proto == Protocol::kIcmp || proto == Protocol::kIcmpv6;
  if (ported && !m.ports && m.protocol_span.known()) {
    d.error(rule_span, std::string(protocol_name(proto)) +
                           " rule needs 'ports' (a port like 443, a range like 1024-65535, or "
                           "0-65535 for all)");
  }
  if (!ported && m.ports_span.known()) {
    const std::string what =
        proto == Protocol::kNumber ? "this protocol" : std::string(protocol_name(proto));
    d.error(m.ports_span,
            what + " has no ports; remove 'ports' from this rule (" +
                (proto == Protocol::kAll      ? "all covers every port"
                 : proto == Protocol::kNumber ? "AWS takes ports for tcp and udp only"
                                              : what + " matches by icmp_type and icmp_code") +
                ")");
  }
  for (const auto& [span, key] :
       {std::pair{m.icmp_type_span, "icmp_type"}, std::pair{m.icmp_code_span, "icmp_code"}}) {
    if (span.known() && !icmp && m.protocol_span.known())
      d.error(span, std::string(key) + " is for icmp and icmpv6 rules; this rule's protocol is " +
                        (proto == Protocol::kNumber ? std::to_string(m.protocol_number)
                                                    : std::string(protocol_name(proto))));
  }
  // AWS: a type of -1 (all types) takes only a code of -1.
  if (icmp && m.icmp_code_span.known() && m.icmp_code != -1 && m.icmp_type == -1) {
    d.error(m.icmp_code_span, "icmp_code " + std::to_string(m.icmp_code) +
                                  " needs an icmp_type (a code belongs to one type; -1 is any)");
  }
}

void ipv4_subnets_only(Diagnostics& d, const Vpc& vpc, const std::vector<std::string>& names,
                       const std::vector<SourceSpan>& spans, const std::string& what) {
  for (size_t i = 0; i < names.size(); ++i)
    if (auto s = vpc.subnets.find(names[i]); s != vpc.subnets.end() && s->second.ipv6_native)
      d.error(
          spans[i],
          "subnet '" + names[i] + "' is IPv6-only; " + what + " needs a subnet with an IPv4 CIDR",
          {{s->second.span, "subnet '" + names[i] + "' is defined here"}});
}

void ipv4_targets_only(Diagnostics& d, const Vpc& vpc, const std::vector<std::string>& names,
                       const std::vector<SourceSpan>& spans, const std::string& how) {
  for (size_t i = 0; i < names.size(); ++i)
    if (auto t = vpc.instances.find(names[i]); t != vpc.instances.end())
      if (auto s = vpc.subnets.find(t->second.subnet);
          s != vpc.subnets.end() && s->second.ipv6_native)
        d.error(spans[i], "target '" + names[i] + "' is IPv6-only; " + how + " over IPv4");
}

void check_icmp_family(Diagnostics& d, Protocol proto, const std::optional<IpPrefix>& cidr,
                       SourceSpan proto_span) {
  if (!cidr) return;
  const bool v6 = cidr->family() == Family::kIpv6;
  if (proto == Protocol::kIcmp && v6) {
    d.error(proto_span, "icmp is IPv4's; a rule for " + cidr->str() +
                            " matches ICMPv6: write 'protocol: icmpv6' (58)");
  } else if (proto == Protocol::kIcmpv6 && !v6) {
    d.error(proto_span, "icmpv6 is IPv6's; a rule for " + cidr->str() +
                            " matches ICMP: write 'protocol: icmp' (1)");
  }
}

std::vector<std::string> group_names(const Vpc& vpc) {
  auto names = keys(vpc.security_groups);
  if (!vpc.security_groups.count(kDefaultGroup)) names.insert(names.begin(), kDefaultGroup);
  return names;
}

void Validation::claim(const std::string& name, SourceSpan span, const std::string& what) {
  auto [it, fresh] = endpoints.emplace(name, span);
  if (!fresh) {
    d.error(
        span, what + " name '" + name + "' is already used",
        {{it->second, it->second.known()
                          ? "first used here; instances, hosts and services share one name space"
                          : "a built-in AWS service has that name"}});
  }
}

void Validation::claim_public(Ipv4 ip, const std::string& owner, SourceSpan span) {
  if (unusable_public(ip)) {
    d.error(span, ip.str() +
                      " cannot be a public address (loopback, link-local, "
                      "multicast and 0.0.0.0/8 are not routable)");
    return;
  }
  for (const auto& [_, vpc] : sc.vpcs) {
    if (vpc.cidr && vpc.cidr->contains(ip)) {
      d.error(span, ip.str() + " of " + owner + " lies inside vpc '" + vpc.name + "' (" +
                        vpc.cidr->str() + "); public addresses must be outside every VPC");
      return;
    }
  }
  auto [it, fresh] = publics.emplace(ip.value, std::make_pair(owner, span));
  if (!fresh) {
    d.error(span, ip.str() + " of " + owner + " is already used by " + it->second.first,
            {{it->second.second, "used here"}});
  }
}

}  // namespace vpcemu::validation
