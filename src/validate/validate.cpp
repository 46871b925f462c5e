// Semantic validation: AWS rules 1-2 (CIDR sizes, containment, overlap, reserved addresses),
// name resolution and uniqueness, route targets, expect entries.
#include "validate/validate.h"

#include <algorithm>
#include <set>

#include "model/addressing.h"
#include "util/text.h"

namespace vpcemu {
namespace {

const Cidr kLinkLocal{Ipv4{0xA9FE0000}, 16};  // 169.254.0.0/16: vpcemu's transit links
const Cidr kLoopback{Ipv4{0x7F000000}, 8};
const Cidr kThisNet{Ipv4{0}, 8};
const Cidr kMulticastAndUp{Ipv4{0xE0000000}, 3};

bool unusable_public(Ipv4 ip) {
  return kLinkLocal.contains(ip) || kLoopback.contains(ip) || kThisNet.contains(ip) ||
         kMulticastAndUp.contains(ip);
}

std::string names_of(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

template <typename Map>
std::vector<std::string> keys(const Map& m) {
  std::vector<std::string> out;
  for (const auto& [k, _] : m) out.push_back(k);
  return out;
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
                          const std::string& via, const std::string& how = "") {
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

void check_ports(Diagnostics& d, Protocol proto, const std::optional<PortRange>& ports,
                 SourceSpan ports_span, SourceSpan rule_span, SourceSpan proto_span) {
  bool ported = proto == Protocol::kTcp || proto == Protocol::kUdp;
  if (ported && !ports && proto_span.known()) {
    d.error(rule_span, std::string(protocol_name(proto)) +
                           " rule needs 'ports' (a port like 443, a range like 1024-65535, or "
                           "0-65535 for all)");
  }
  if (!ported && ports_span.known()) {
    d.error(ports_span,
            std::string(protocol_name(proto)) +
                " has no ports; remove 'ports' "
                "from this rule (" +
                (proto == Protocol::kAll ? "all covers every port" : "icmp matches every type") +
                ")");
  }
}

std::vector<std::string> group_names(const Vpc& vpc) {
  auto names = keys(vpc.security_groups);
  if (!vpc.security_groups.count(kDefaultGroup)) names.insert(names.begin(), kDefaultGroup);
  return names;
}

void validate_groups(const Scenario& sc, const Vpc& vpc, Diagnostics& d) {
  const auto groups = group_names(vpc);
  std::vector<std::string> lists;  // AWS-managed prefix lists: the gateway services'
  for (const auto& [n, svc] : sc.services)
    if (svc.gateway) lists.push_back(n);
  auto check_rule = [&](const SgRule& r) {
    check_ports(d, r.protocol, r.ports, r.ports_span, r.span, r.protocol_span);
    if (r.peer.kind == Peer::Kind::kGroup) {
      if (r.peer.vpc != vpc.name && !sc.peering_between(vpc.name, r.peer.vpc)) {
        d.error(r.peer_span, "vpc '" + vpc.name + "' is not peered with vpc '" + r.peer.vpc +
                                 "'; a rule can reference a group of another VPC only across a "
                                 "peering (AWS rule 25)");
      } else if (r.peer.vpc != vpc.name && !sc.vpcs.count(r.peer.vpc)) {
        unknown_ref(d, r.peer_span, "vpc", r.peer.vpc, keys(sc.vpcs), "");
      } else if (r.peer.vpc != vpc.name) {
        const Vpc& other = sc.vpcs.at(r.peer.vpc);
        auto names = group_names(other);
        if (std::find(names.begin(), names.end(), r.peer.name) == names.end())
          unknown_ref(d, r.peer_span, "security group", r.peer.name, names,
                      " in vpc '" + other.name + "'");
      } else if (std::find(groups.begin(), groups.end(), r.peer.name) == groups.end()) {
        unknown_ref(d, r.peer_span, "security group", r.peer.name, groups,
                    " in vpc '" + vpc.name + "'");
      }
    } else if (r.peer.kind == Peer::Kind::kPrefixList) {
      if (std::find(lists.begin(), lists.end(), r.peer.name) == lists.end()) {
        unknown_ref(d, r.peer_span, "prefix list", r.peer.name, lists, "");
      }
    }
  };
  for (const auto& [_, g] : vpc.security_groups) {
    for (const auto& r : g.ingress) check_rule(r);
    if (g.egress)
      for (const auto& r : *g.egress) check_rule(r);
  }
  for (const auto& [_, in] : vpc.instances) {
    std::set<std::string> seen;
    for (size_t i = 0; i < in.security_groups.size(); ++i) {
      const auto& g = in.security_groups[i];
      if (std::find(groups.begin(), groups.end(), g) == groups.end()) {
        unknown_ref(d, in.security_group_spans[i], "security group", g, groups,
                    " in vpc '" + vpc.name + "'");
      } else if (!seen.insert(g).second) {
        d.error(in.security_group_spans[i], "security group '" + g + "' is listed twice");
      }
    }
    if (in.security_groups.size() > 5) {
      d.error(in.security_group_spans[5], "an ENI can have at most 5 security groups (AWS quota)");
    }
  }
}

void validate_acls(const Vpc& vpc, Diagnostics& d) {
  auto acls = keys(vpc.network_acls);
  if (!vpc.network_acls.count(kDefaultAcl)) acls.insert(acls.begin(), kDefaultAcl);
  for (const auto& [_, acl] : vpc.network_acls) {
    for (const auto* rules : {&acl.ingress, &acl.egress}) {
      std::map<int, const NaclRule*> numbers;
      for (const auto& r : *rules) {
        check_ports(d, r.protocol, r.ports, r.ports_span, r.span, r.protocol_span);
        if (!r.number_span.known()) continue;
        if (r.number < 1 || r.number > 32766) {
          d.error(r.number_span, "rule number " + std::to_string(r.number) +
                                     " is outside 1-32766 (AWS evaluates 1 first; * is the final "
                                     "implicit deny)");
          continue;
        }
        auto [it, fresh] = numbers.emplace(r.number, &r);
        if (!fresh) {
          d.error(r.number_span,
                  "rule number " + std::to_string(r.number) + " is used twice in the " +
                      (rules == &acl.ingress ? "ingress" : "egress") + " rules of network ACL '" +
                      acl.name + "'",
                  {{it->second->number_span, "first used here"}});
        }
      }
    }
  }
  for (const auto& [_, s] : vpc.subnets) {
    if (!s.network_acl.empty() &&
        std::find(acls.begin(), acls.end(), s.network_acl) == acls.end()) {
      unknown_ref(d, s.network_acl_span, "network ACL", s.network_acl, acls,
                  " in vpc '" + vpc.name + "'");
    }
  }
}

void validate_endpoints(const Scenario& sc, const Vpc& vpc, Diagnostics& d) {
  const std::string in_vpc = " in vpc '" + vpc.name + "'";
  const auto groups = group_names(vpc);
  for (const auto& [_, ep] : vpc.endpoints) {
    if (ep.type.empty() || ep.service.empty()) continue;
    std::string es;  // endpoint service name, for endpoint_service/<name>
    if (ep.service.rfind("endpoint_service/", 0) == 0) {
      es = ep.service.substr(17);
      if (!sc.endpoint_services.count(es)) {
        unknown_ref(d, ep.service_span, "endpoint service", es, keys(sc.endpoint_services), "");
        continue;
      }
    } else if (!sc.services.count(ep.service)) {
      unknown_ref(d, ep.service_span, "service", ep.service, keys(sc.services),
                  " (define it under services:)");
      continue;
    }
    if (ep.type == "gateway") {
      if (!es.empty() || !sc.services.at(ep.service).gateway) {
        d.error(ep.service_span,
                "gateway endpoints exist for S3 and DynamoDB only; use "
                "'type: interface' for '" +
                    ep.service + "'");
      }
      if (ep.route_tables.empty())
        d.error(ep.span,
                "gateway endpoint '" + ep.name + "' needs 'route_tables' to add its route to");
      for (size_t i = 0; i < ep.route_tables.size(); ++i)
        if (!vpc.route_tables.count(ep.route_tables[i]))
          unknown_ref(d, ep.route_table_spans[i], "route table", ep.route_tables[i],
                      keys(vpc.route_tables), in_vpc);
      if (!ep.subnets.empty() || !ep.security_groups.empty() || ep.private_dns_span.known())
        d.error(ep.span, "gateway endpoint '" + ep.name +
                             "' takes route_tables only; subnets, "
                             "security_groups and private_dns belong to interface endpoints");
    } else {
      if (ep.subnets.empty())
        d.error(ep.span, "interface endpoint '" + ep.name + "' needs 'subnets' for its ENIs");
      std::set<std::string> seen;
      for (size_t i = 0; i < ep.subnets.size(); ++i) {
        if (!vpc.subnets.count(ep.subnets[i]))
          unknown_ref(d, ep.subnet_spans[i], "subnet", ep.subnets[i], keys(vpc.subnets), in_vpc);
        else if (!seen.insert(ep.subnets[i]).second)
          d.error(ep.subnet_spans[i], "an interface endpoint has one ENI per subnet; '" +
                                          ep.subnets[i] + "' is listed twice");
      }
      for (size_t i = 0; i < ep.security_groups.size(); ++i)
        if (std::find(groups.begin(), groups.end(), ep.security_groups[i]) == groups.end())
          unknown_ref(d, ep.security_group_spans[i], "security group", ep.security_groups[i],
                      groups, in_vpc);
      if (!ep.route_tables.empty())
        d.error(ep.span, "interface endpoint '" + ep.name + "' takes subnets, not route_tables");
      if (ep.private_dns && !es.empty())
        d.error(ep.private_dns_span,
                "private_dns applies to AWS services, not to endpoint "
                "service '" +
                    es + "'");
    }
  }
}

void validate_vpc(const Scenario& sc, const Vpc& vpc, Diagnostics& d) {
  validate_endpoints(sc, vpc, d);
  validate_groups(sc, vpc, d);
  validate_acls(vpc, d);
  const std::string in_vpc = " in vpc '" + vpc.name + "'";
  if (vpc.cidr) check_cidr_size(d, *vpc.cidr, vpc.cidr_span, "VPC CIDR");

  // Subnets: size, containment, no overlap.
  std::vector<const Subnet*> subnets;
  for (const auto& [_, s] : vpc.subnets) {
    if (!s.cidr) continue;
    check_cidr_size(d, *s.cidr, s.cidr_span, "subnet CIDR");
    if (vpc.cidr && !vpc.cidr->contains(*s.cidr)) {
      d.error(s.cidr_span,
              "subnet '" + s.name + "' (" + s.cidr->str() + ") is not inside its VPC's CIDR " +
                  vpc.cidr->str(),
              {{vpc.cidr_span, "the VPC's CIDR is set here"}});
    }
    for (const Subnet* other : subnets) {
      if (other->cidr->overlaps(*s.cidr)) {
        d.error(s.cidr_span,
                "subnet '" + s.name + "' (" + s.cidr->str() + ") overlaps subnet '" + other->name +
                    "' (" + other->cidr->str() + ")",
                {{other->cidr_span, "'" + other->name + "' is defined here"}});
      }
    }
    subnets.push_back(&s);
    if (!s.route_table.empty() && !vpc.route_tables.count(s.route_table)) {
      unknown_ref(d, s.route_table_span, "route table", s.route_table, keys(vpc.route_tables),
                  in_vpc);
    }
  }
  if (!vpc.main_route_table.empty() && !vpc.route_tables.count(vpc.main_route_table)) {
    unknown_ref(d, vpc.main_route_table_span, "route table", vpc.main_route_table,
                keys(vpc.route_tables), in_vpc);
  }

  // Routes.
  const bool has_vgw = sc.has_vpn_gateway(vpc.name);
  for (const auto& [_, rt] : vpc.route_tables) {
    for (size_t i = 0; i < rt.propagations.size(); ++i) {
      if (rt.propagations[i] != "vpn_gateway") {
        d.error(rt.propagation_spans[i], "route table '" + rt.name + "' cannot propagate from '" +
                                             rt.propagations[i] +
                                             "'; route propagation comes from: vpn_gateway");
      } else if (!has_vgw) {
        d.error(rt.propagation_spans[i],
                "route table '" + rt.name +
                    "' propagates from the VPN gateway but no VPN connection or Direct Connect "
                    "attaches to vpc '" +
                    vpc.name + "'; add one under vpn_connections:");
      }
    }
    std::map<Cidr, const Route*> seen;
    for (const auto& r : rt.routes) {
      if (r.destination) {
        auto [it, fresh] = seen.emplace(*r.destination, &r);
        if (!fresh) {
          d.error(r.destination_span,
                  "route table '" + rt.name + "' has two routes to " + r.destination->str(),
                  {{it->second->destination_span, "the first one is here"}});
        }
        if (vpc.cidr && *r.destination == *vpc.cidr) {
          d.error(r.destination_span, "route to " + r.destination->str() +
                                          " conflicts with the local route of the VPC, which "
                                          "every route table has and which cannot be replaced");
        } else if (vpc.cidr && vpc.cidr->contains(*r.destination)) {
          d.warning(r.destination_span, "route to " + r.destination->str() +
                                            " lies inside the VPC's CIDR " + vpc.cidr->str() +
                                            "; the local route wins over it (AWS rule 16)");
        }
      }
      if (r.target.empty()) continue;
      const std::string& t = r.target;
      if (t == "internet_gateway") {
        if (!vpc.internet_gateway) {
          d.error(r.target_span,
                  "route targets the internet gateway but vpc '" + vpc.name +
                      "' has none; set 'internet_gateway: true' on the VPC",
                  {{vpc.span, "vpc '" + vpc.name + "' is defined here"}});
        }
      } else if (t == "blackhole") {
      } else if (t == "vpn_gateway") {
        if (!has_vgw) {
          d.error(r.target_span,
                  "route targets the VPN gateway but no VPN connection or Direct Connect "
                  "attaches to vpc '" +
                      vpc.name + "'; add one under vpn_connections:");
        }
      } else if (t.rfind("peering/", 0) == 0) {
        std::string n = t.substr(8);
        auto pit = sc.peerings.find(n);
        if (pit == sc.peerings.end()) {
          unknown_ref(d, r.target_span, "peering", n, keys(sc.peerings), "");
        } else if (pit->second.requester != vpc.name && pit->second.accepter != vpc.name) {
          d.error(r.target_span,
                  "peering '" + n + "' connects '" + pit->second.requester + "' and '" +
                      pit->second.accepter + "', not vpc '" + vpc.name + "'",
                  {{pit->second.span, "the peering is defined here"}});
        } else if (r.destination) {
          const std::string& peer_name =
              pit->second.requester == vpc.name ? pit->second.accepter : pit->second.requester;
          auto peer = sc.vpcs.find(peer_name);
          if (peer != sc.vpcs.end() && peer->second.cidr &&
              !peer->second.cidr->contains(*r.destination)) {
            d.warning(r.destination_span,
                      "route to " + r.destination->str() + " over peering '" + n +
                          "' leaves vpc '" + peer_name + "' (" + peer->second.cidr->str() +
                          "): a peering carries only traffic to the peer VPC itself (AWS rule 24)");
          }
        }
      } else if (t.rfind("nat_gateway/", 0) == 0) {
        std::string n = t.substr(12);
        if (!vpc.nat_gateways.count(n)) {
          unknown_ref(d, r.target_span, "NAT gateway", n, keys(vpc.nat_gateways), in_vpc);
        }
      } else if (t.rfind("instance/", 0) == 0) {
        std::string n = t.substr(9);
        if (!vpc.instances.count(n)) {
          unknown_ref(d, r.target_span, "instance", n, keys(vpc.instances), in_vpc);
        }
      } else if (t.rfind("transit_gateway/", 0) == 0 && !sc.transit_gateways.empty()) {
        std::string n = t.substr(16);
        auto tit = sc.transit_gateways.find(n);
        if (tit == sc.transit_gateways.end()) {
          unknown_ref(d, r.target_span, "transit gateway", n, keys(sc.transit_gateways), "");
        } else {
          bool attached = false;
          for (const auto& [_, a] : tit->second.attachments) attached |= a.vpc == vpc.name;
          if (!attached)
            d.error(r.target_span,
                    "route targets transit gateway '" + n + "' but vpc '" + vpc.name +
                        "' has no attachment to it",
                    {{tit->second.span, "the transit gateway is defined here"}});
        }
      } else {
        static const std::vector<std::string> kKinds = {
            "internet_gateway", "blackhole",   "instance/<name>",       "nat_gateway/<name>",
            "peering/<name>",   "vpn_gateway", "transit_gateway/<name>"};
        auto slash = t.find('/');
        std::string kind = t.substr(0, slash);
        if (kind == "transit_gateway" || kind == "endpoint") {
          d.error(r.target_span, "route target '" + t + "' names a " + kind +
                                     ", which this scenario does not define");
        } else {
          d.error(r.target_span,
                  "unknown route target '" + t + "'; valid targets: " + names_of(kKinds));
        }
      }
    }
  }

  // NAT gateways live in a public subnet: one whose route table sends 0.0.0.0/0 to the IGW.
  for (const auto& [_, nat] : vpc.nat_gateways) {
    auto sit = vpc.subnets.find(nat.subnet);
    if (sit == vpc.subnets.end()) {
      if (!nat.subnet.empty())
        unknown_ref(d, nat.subnet_span, "subnet", nat.subnet, keys(vpc.subnets), in_vpc);
      continue;
    }
    const std::string rt =
        sit->second.route_table.empty() ? vpc.main_route_table : sit->second.route_table;
    bool public_subnet = false;
    if (auto rit = vpc.route_tables.find(rt); rit != vpc.route_tables.end()) {
      for (const auto& r : rit->second.routes)
        public_subnet |=
            r.destination && r.destination->prefix == 0 && r.target == "internet_gateway";
    }
    if (!public_subnet) {
      d.error(nat.subnet_span,
              "NAT gateway '" + nat.name + "' is in subnet '" + nat.subnet +
                  "', which has no route 0.0.0.0/0 to the internet gateway; a NAT gateway "
                  "belongs in a public subnet",
              {{sit->second.span, "subnet '" + nat.subnet + "' uses route table '" +
                                      (rt.empty() ? "main (local route only)" : rt) + "'"}});
    }
    if (nat.private_ip && sit->second.cidr &&
        (!sit->second.cidr->contains(*nat.private_ip) ||
         is_aws_reserved(*sit->second.cidr, *nat.private_ip))) {
      d.error(nat.private_ip_span, "private_ip " + nat.private_ip->str() +
                                       " is not a usable address of subnet '" + nat.subnet + "' (" +
                                       sit->second.cidr->str() + ")");
    }
  }

  // Instances.
  for (const auto& [_, in] : vpc.instances) {
    auto sit = vpc.subnets.find(in.subnet);
    if (!in.subnet.empty() && sit == vpc.subnets.end()) {
      unknown_ref(d, in.subnet_span, "subnet", in.subnet, keys(vpc.subnets), in_vpc);
    }
    if (in.private_ip && sit != vpc.subnets.end() && sit->second.cidr) {
      const Cidr& c = *sit->second.cidr;
      if (!c.contains(*in.private_ip)) {
        d.error(in.private_ip_span,
                "private_ip " + in.private_ip->str() + " is outside subnet '" + in.subnet + "' (" +
                    c.str() + ")",
                {{sit->second.cidr_span, "the subnet's CIDR is set here"}});
      } else if (is_aws_reserved(c, *in.private_ip)) {
        uint32_t off = in.private_ip->value - c.network().value;
        const char* why = off == 0   ? "the network address"
                          : off == 1 ? "the VPC router (base+1)"
                          : off == 2 ? "the DNS server (base+2)"
                          : off == 3 ? "reserved by AWS for future use (base+3)"
                                     : "the broadcast address";
        d.error(in.private_ip_span, "private_ip " + in.private_ip->str() + " is reserved in " +
                                        c.str() + ": it is " + why + "; use one from " +
                                        c.at(4).str() + " to " + Ipv4{c.last().value - 1}.str());
      }
    }
    if (in.public_ip || in.elastic_ip) {
      if (!vpc.internet_gateway) {
        d.error(in.public_span, "instance '" + in.name + "' has a public address but vpc '" +
                                    vpc.name +
                                    "' has no internet gateway to map it; set "
                                    "'internet_gateway: true' on the VPC");
      }
    }
  }
  (void)sc;
}

}  // namespace

void validate(const Scenario& sc, Diagnostics& d) {
  // One name space for everything `vpcemu exec` can enter.
  std::map<std::string, SourceSpan> endpoints;
  auto claim = [&](const std::string& name, SourceSpan span, const std::string& what) {
    auto [it, fresh] = endpoints.emplace(name, span);
    if (!fresh) {
      d.error(
          span, what + " name '" + name + "' is already used",
          {{it->second, it->second.known()
                            ? "first used here; instances, hosts and services share one name space"
                            : "a built-in AWS service has that name"}});
    }
  };
  // Services are reachable by name too (`vpcemu exec s3`, `to: s3`).
  for (const auto& [name, svc] : sc.services) claim(name, svc.span, "service");
  for (const auto& [_, vpc] : sc.vpcs) {
    validate_vpc(sc, vpc, d);
    for (const auto& [_, in] : vpc.instances) claim(in.name, in.span, "instance");
  }

  // Public addresses: elastic IPs and hosts must be usable and unique.
  std::map<uint32_t, std::pair<std::string, SourceSpan>> publics;
  auto claim_public = [&](Ipv4 ip, const std::string& owner, SourceSpan span) {
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
  };
  for (const auto& [name, h] : sc.hosts) {
    claim(name, h.span, "internet host");
    if (h.ip) claim_public(*h.ip, "internet host '" + name + "'", h.ip_span);
  }
  // On-premises networks: a public router address, a private LAN, hosts inside it.
  for (const auto& [oname, o] : sc.onprem) {
    if (o.public_ip)
      claim_public(*o.public_ip, "the router of on-premises network '" + oname + "'",
                   o.public_ip_span);
    for (const auto& [hname, h] : o.hosts) {
      claim(hname, h.span, "on-premises host");
      if (h.ip && o.cidr && !o.cidr->contains(*h.ip)) {
        d.error(h.ip_span,
                "on-premises host '" + hname + "' (" + h.ip->str() +
                    ") is outside its network's CIDR " + o.cidr->str(),
                {{o.cidr_span, "the CIDR of '" + oname + "'"}});
      } else if (h.ip && o.cidr && (*h.ip == o.cidr->network() || *h.ip == o.cidr->last())) {
        d.error(h.ip_span,
                h.ip->str() + " is the network or broadcast address of " + o.cidr->str());
      } else if (h.ip && o.cidr && *h.ip == o.cidr->at(1)) {
        d.error(h.ip_span,
                h.ip->str() + " is the office router's own LAN address in " + o.cidr->str());
      }
    }
  }
  for (const auto& [_, vpc] : sc.vpcs) {
    for (const auto& [_, in] : vpc.instances) {
      if (in.elastic_ip) claim_public(*in.elastic_ip, "instance '" + in.name + "'", in.public_span);
    }
    for (const auto& [_, nat] : vpc.nat_gateways) {
      if (nat.elastic_ip)
        claim_public(*nat.elastic_ip, "NAT gateway '" + nat.name + "'", nat.elastic_ip_span);
    }
  }

  // Peerings: two different existing VPCs whose CIDRs do not overlap, one peering per pair.
  std::map<std::pair<std::string, std::string>, const Peering*> pairs;
  for (const auto& [_, p] : sc.peerings) {
    auto a = sc.vpcs.find(p.requester), b = sc.vpcs.find(p.accepter);
    if (!p.requester.empty() && a == sc.vpcs.end())
      unknown_ref(d, p.requester_span, "vpc", p.requester, keys(sc.vpcs), "");
    if (!p.accepter.empty() && b == sc.vpcs.end())
      unknown_ref(d, p.accepter_span, "vpc", p.accepter, keys(sc.vpcs), "");
    if (a == sc.vpcs.end() || b == sc.vpcs.end()) continue;
    if (a == b) {
      d.error(p.accepter_span, "peering '" + p.name + "' connects vpc '" + p.requester +
                                   "' with itself; a peering joins two different VPCs");
      continue;
    }
    if (a->second.cidr && b->second.cidr && a->second.cidr->overlaps(*b->second.cidr)) {
      d.error(p.span,
              "peering '" + p.name + "': the CIDRs of '" + p.requester + "' (" +
                  a->second.cidr->str() + ") and '" + p.accepter + "' (" + b->second.cidr->str() +
                  ") overlap; AWS refuses to peer overlapping VPCs (rule 22)",
              {{a->second.cidr_span, "'" + p.requester + "' CIDR"},
               {b->second.cidr_span, "'" + p.accepter + "' CIDR"}});
    }
    auto key = std::minmax(p.requester, p.accepter);
    auto [it, fresh] = pairs.emplace(key, &p);
    if (!fresh) {
      d.error(p.span,
              "vpc '" + p.requester + "' and vpc '" + p.accepter + "' are already peered by '" +
                  it->second->name + "'",
              {{it->second->span, "the first peering"}});
    }
  }

  // Site-to-site VPNs: an existing VPC and on-premises network whose addresses do not overlap.
  for (const auto& [_, c] : sc.vpn_connections) {
    auto vit = sc.vpcs.find(c.vpc);
    auto oit = sc.onprem.find(c.customer_gateway);
    if (!c.vpc.empty() && vit == sc.vpcs.end())
      unknown_ref(d, c.vpc_span, "vpc", c.vpc, keys(sc.vpcs), " for the VPN gateway");
    if (!c.customer_gateway.empty() && oit == sc.onprem.end())
      unknown_ref(d, c.customer_gateway_span, "on-premises network", c.customer_gateway,
                  keys(sc.onprem), " for the customer gateway");
    if (!c.tgw.empty()) {
      auto tit = sc.transit_gateways.find(c.tgw);
      if (tit == sc.transit_gateways.end()) {
        unknown_ref(d, c.tgw_span, "transit gateway", c.tgw, keys(sc.transit_gateways), "");
      } else {
        bool attached = false;
        for (const auto& [_, a] : tit->second.attachments) attached |= a.vpn == c.name;
        if (!attached)
          d.error(c.tgw_span, "VPN connection '" + c.name + "' ends at transit gateway '" + c.tgw +
                                  "' but none of its attachments names it; add one such as '" +
                                  c.name + ": { vpn: " + c.name + " }'");
        if (oit != sc.onprem.end())
          for (const auto& [_, a] : tit->second.attachments)
            if (auto v = sc.vpcs.find(a.vpc); v != sc.vpcs.end())
              check_onprem_overlap(d, c.span, oit->second, v->second, "the VPN",
                                   ", attached to '" + c.tgw + "'");
      }
    }
    if (c.routing == "bgp") {
      if (!c.static_routes.empty())
        d.error(c.static_route_spans[0],
                "VPN connection '" + c.name +
                    "' uses BGP: the on-premises router announces its prefixes, so "
                    "static_routes belong only to routing: static");
      if (oit != sc.onprem.end())
        check_bgp_asn(d, c.span, oit->second, "the customer gateway", "the VPN");
    } else if (c.routing != "static") {
      d.error(c.routing_span, "routing must be static or bgp, found '" + c.routing + "'");
    } else if (c.static_routes.empty()) {
      d.error(c.span, "VPN connection '" + c.name +
                          "' with static routing needs 'static_routes' "
                          "(the on-premises prefixes)");
    }
    if (vit == sc.vpcs.end()) continue;
    const auto& vc = vit->second.cidr;
    for (size_t i = 0; i < c.static_routes.size(); ++i) {
      if (vc && vc->overlaps(c.static_routes[i]))
        d.error(c.static_route_spans[i], "static route " + c.static_routes[i].str() +
                                             " overlaps the VPC's own CIDR " + vc->str());
    }
    if (oit != sc.onprem.end())
      check_onprem_overlap(d, c.span, oit->second, vit->second, "the VPN");
  }

  // Transit gateways: VPC attachments with subnets of their VPC, one per VPC; every
  // attachment associated with exactly one route table (AWS rule 32); routes to an attachment
  // of this hub or blackholes.
  for (const auto& [tname, tgw] : sc.transit_gateways) {
    std::map<std::string, const TgwAttachment*> by_vpc;
    for (const auto& [aname, a] : tgw.attachments) {
      if (!a.peering.empty()) {
        auto pit = sc.transit_gateways.find(a.peering);
        if (a.peering == tname) {
          d.error(a.peering_span, "transit gateway '" + tname + "' cannot peer with itself");
        } else if (pit == sc.transit_gateways.end()) {
          unknown_ref(d, a.peering_span, "transit gateway", a.peering, keys(sc.transit_gateways),
                      "");
        } else {
          int back = 0;
          for (const auto& [_, b] : pit->second.attachments) back += b.peering == tname;
          if (back == 0)
            d.error(a.peering_span,
                    "transit gateway '" + a.peering + "' has no peering attachment back to '" +
                        tname + "'; a peering needs one on each side",
                    {{pit->second.span, "add '<name>: { peering: " + tname + " }' there"}});
          int here = 0;
          for (const auto& [_, b] : tgw.attachments) here += b.peering == a.peering;
          if (here > 1 || back > 1)
            d.error(a.peering_span, "transit gateways '" + tname + "' and '" + a.peering +
                                        "' are peered twice; one peering per pair");
        }
        continue;
      }
      if (!a.vpn.empty()) {
        auto cit = sc.vpn_connections.find(a.vpn);
        if (cit == sc.vpn_connections.end())
          unknown_ref(d, a.vpn_span, "VPN connection", a.vpn, keys(sc.vpn_connections), "");
        else if (cit->second.tgw != tname)
          d.error(a.vpn_span,
                  "VPN connection '" + a.vpn + "' does not end at transit gateway '" + tname +
                      "'; give it 'transit_gateway: " + tname + "'",
                  {{cit->second.span, "the connection is defined here"}});
        continue;
      }
      auto vit = sc.vpcs.find(a.vpc);
      if (a.vpc.empty()) continue;  // the parser reported it
      if (vit == sc.vpcs.end()) {
        unknown_ref(d, a.vpc_span, "vpc", a.vpc, keys(sc.vpcs), "");
        continue;
      }
      if (auto [it, fresh] = by_vpc.emplace(a.vpc, &a); !fresh)
        d.error(a.vpc_span,
                "vpc '" + a.vpc + "' is attached to transit gateway '" + tname +
                    "' twice; one attachment per VPC",
                {{it->second->span, "the first attachment"}});
      if (a.subnets.empty())
        d.error(a.span, "attachment '" + aname + "' needs 'subnets' (where its ENIs are)");
      for (size_t i = 0; i < a.subnets.size(); ++i)
        if (!vit->second.subnets.count(a.subnets[i]))
          unknown_ref(d, a.subnet_spans[i], "subnet", a.subnets[i], keys(vit->second.subnets),
                      " in vpc '" + a.vpc + "'");
    }
    std::map<std::string, const TgwRouteTable*> associated;
    for (const auto& [rname, rt] : tgw.route_tables) {
      auto check = [&](const std::vector<std::string>& list, const std::vector<SourceSpan>& spans) {
        for (size_t i = 0; i < list.size(); ++i)
          if (!tgw.attachments.count(list[i]))
            unknown_ref(d, spans[i], "attachment", list[i], keys(tgw.attachments),
                        " of transit gateway '" + tname + "'");
      };
      check(rt.associations, rt.association_spans);
      check(rt.propagations, rt.propagation_spans);
      for (size_t i = 0; i < rt.propagations.size(); ++i) {
        auto ait = tgw.attachments.find(rt.propagations[i]);
        if (ait != tgw.attachments.end() && !ait->second.peering.empty())
          d.error(rt.propagation_spans[i],
                  "peering attachment '" + rt.propagations[i] +
                      "' cannot propagate (AWS allows only static routes over a transit gateway "
                      "peering); add routes: [ { destination: ..., attachment: " +
                      rt.propagations[i] + " } ]");
      }
      for (size_t i = 0; i < rt.associations.size(); ++i) {
        auto [it, fresh] = associated.emplace(rt.associations[i], &rt);
        if (!fresh)
          d.error(rt.association_spans[i],
                  "attachment '" + rt.associations[i] +
                      "' is already associated with route table '" + it->second->name +
                      "'; an attachment has exactly one",
                  {{it->second->span, "that route table"}});
      }
      std::map<Cidr, const TgwRoute*> seen;
      for (const auto& r : rt.routes) {
        if (!r.attachment.empty() && !tgw.attachments.count(r.attachment))
          unknown_ref(d, r.attachment_span, "attachment", r.attachment, keys(tgw.attachments),
                      " of transit gateway '" + tname + "'");

        if (!r.destination) continue;
        if (auto [it, fresh] = seen.emplace(*r.destination, &r); !fresh)
          d.error(r.destination_span,
                  "route table '" + rname + "' has two routes to " + r.destination->str(),
                  {{it->second->destination_span, "the first one is here"}});
      }
    }
    for (const auto& [aname, a] : tgw.attachments)
      if (!associated.count(aname) && (!a.vpc.empty() || !a.vpn.empty() || !a.peering.empty()))
        d.warning(a.span, "attachment '" + aname + "' is associated with no route table of '" +
                              tname + "': the hub drops everything it sends");
  }

  // Direct Connect: an existing VPC and on-premises network, distinct ASNs, no overlap; one
  // connection per pair (a second would be a second BGP session between the same routers).
  std::set<std::pair<std::string, std::string>> dx_pairs;
  for (const auto& [_, x] : sc.direct_connects) {
    auto vit = sc.vpcs.find(x.vpc);
    auto oit = sc.onprem.find(x.onprem);
    if (!x.vpc.empty() && vit == sc.vpcs.end())
      unknown_ref(d, x.vpc_span, "vpc", x.vpc, keys(sc.vpcs), " for the Direct Connect gateway");
    if (!x.onprem.empty() && oit == sc.onprem.end())
      unknown_ref(d, x.onprem_span, "on-premises network", x.onprem, keys(sc.onprem), "");
    if (vit == sc.vpcs.end() || oit == sc.onprem.end()) continue;
    if (!dx_pairs.insert({x.vpc, x.onprem}).second)
      d.error(x.span, "a second Direct Connect between '" + x.onprem + "' and vpc '" + x.vpc +
                          "'; one per pair (AWS would need a second virtual interface)");
    check_bgp_asn(d, x.span, oit->second, "the on-premises router", "Direct Connect");
    check_onprem_overlap(d, x.span, oit->second, vit->second, "Direct Connect");
  }

  // Client VPN endpoints.
  for (const auto& [_, e] : sc.client_vpn_endpoints) {
    for (const auto& [cname, cspan] : e.clients) claim(cname, cspan, "client VPN client");
    if (e.transport != "openvpn" && e.transport != "wireguard") {
      d.error(e.transport_span,
              "unknown transport '" + e.transport + "'; use openvpn or wireguard");
    }
    auto vit = sc.vpcs.find(e.vpc);
    if (vit == sc.vpcs.end()) {
      if (!e.vpc.empty()) unknown_ref(d, e.vpc_span, "vpc", e.vpc, keys(sc.vpcs), "");
      continue;
    }
    for (size_t i = 0; i < e.subnets.size(); ++i)
      if (!vit->second.subnets.count(e.subnets[i]))
        unknown_ref(d, e.subnet_spans[i], "subnet", e.subnets[i], keys(vit->second.subnets),
                    " in vpc '" + e.vpc + "'");
    if (e.client_cidr) {
      if (e.transport == "wireguard" && e.clients.size() + 2 >= e.client_cidr->size()) {
        d.error(e.client_cidr_span,
                "client_cidr " + e.client_cidr->str() + " has no address for every client");
      }
      if (e.client_cidr->prefix < 12 || e.client_cidr->prefix > 22) {
        d.error(e.client_cidr_span, "client_cidr " + e.client_cidr->str() + " is a /" +
                                        std::to_string(e.client_cidr->prefix) +
                                        "; AWS allows /12 to /22");
      }
      if (vit->second.cidr && vit->second.cidr->overlaps(*e.client_cidr)) {
        d.error(e.client_cidr_span,
                "client_cidr " + e.client_cidr->str() + " overlaps vpc '" + e.vpc + "' (" +
                    vit->second.cidr->str() + ")",
                {{vit->second.cidr_span, "the VPC's CIDR"}});
      }
    }
    if (e.authorization.empty()) {
      d.warning(e.span, "client VPN endpoint '" + e.name +
                            "' has no authorization rules: "
                            "clients connect but reach nothing (rules only allow)");
    }
  }

  // Endpoint services: a load balancer in the provider VPC's subnets, targets its instances.
  for (const auto& [_, es] : sc.endpoint_services) {
    auto vit = sc.vpcs.find(es.vpc);
    if (vit == sc.vpcs.end()) {
      if (!es.vpc.empty()) unknown_ref(d, es.vpc_span, "vpc", es.vpc, keys(sc.vpcs), "");
      continue;
    }
    const Vpc& pv = vit->second;
    for (size_t i = 0; i < es.subnets.size(); ++i)
      if (!pv.subnets.count(es.subnets[i]))
        unknown_ref(d, es.subnet_spans[i], "subnet", es.subnets[i], keys(pv.subnets),
                    " in vpc '" + pv.name + "'");
    for (size_t i = 0; i < es.targets.size(); ++i)
      if (!pv.instances.count(es.targets[i]))
        unknown_ref(d, es.target_spans[i], "target instance", es.targets[i], keys(pv.instances),
                    " in vpc '" + pv.name + "' (targets are the provider's instances)");
  }

  // Addresses that must be assigned automatically: reports exhausted subnets and pools.
  Diagnostics alloc;
  assign_addresses(sc, alloc);
  d.append(alloc);

  // expect entries.
  std::vector<std::string> names;
  for (const auto& [n, _] : endpoints) names.push_back(n);
  for (const auto& e : sc.expects) {
    if (!e.from.empty() && !endpoints.count(e.from)) {
      unknown_ref(d, e.from_span, "source", e.from, names, " (an instance or internet host)");
    }
    // `to` may also name an interface endpoint of the source instance's VPC.
    bool vpc_endpoint = false;
    if (const Instance* in = sc.find_instance(e.from)) {
      auto vit = sc.vpcs.find(in->vpc);
      if (vit != sc.vpcs.end()) {
        auto ep = vit->second.endpoints.find(e.to);
        vpc_endpoint = ep != vit->second.endpoints.end() && ep->second.type == "interface";
      }
    }
    if (!e.to.empty() && !endpoints.count(e.to) && !Ipv4::parse(e.to) && !vpc_endpoint) {
      unknown_ref(d, e.to_span, "destination", e.to, names,
                  " (an instance, an internet host, a service, an interface endpoint of the "
                  "source's VPC, or an IPv4 address)");
    }
    bool ported = e.protocol == Protocol::kTcp || e.protocol == Protocol::kUdp;
    if (ported && !e.port && e.protocol_span.known()) {
      d.error(e.span,
              std::string("expect entry for ") + protocol_name(e.protocol) + " needs a 'port'");
    }
    if (!ported && e.port) {
      d.error(e.port_span, "icmp has no ports; remove 'port' from this expect entry");
    }
  }
}

}  // namespace vpcemu
