// A VPC: its CIDR, subnets (AWS rules 1-2), route tables and their targets, NAT gateways and
// instances; then its groups, NACLs and endpoints.
#include "model/addressing.h"
#include "validate/checks.h"

namespace vpcemu::validation {

namespace {

// A route to a peering: the peering joins this VPC, and the destination lies in the peer VPC.
void check_peering_route(const Scenario& sc, const Vpc& vpc, const Route& r, Diagnostics& d) {
  const std::string& n = r.target.name;
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
    if (peer == sc.vpcs.end()) return;
    const bool v6 = r.destination->family() == Family::kIpv6;
    const std::optional<IpPrefix> block =
        v6 ? peer->second.ipv6_cidr
           : (peer->second.cidr ? std::optional<IpPrefix>(*peer->second.cidr) : std::nullopt);
    if (v6 && !block) {
      d.error(r.destination_span, "IPv6 route over peering '" + n + "', but vpc '" + peer_name +
                                      "' has no ipv6_cidr; a peering carries IPv6 only between "
                                      "two VPCs that both have one");
    } else if (block && !block->contains(*r.destination)) {
      d.warning(r.destination_span,
                "route to " + r.destination->str() + " over peering '" + n + "' leaves vpc '" +
                    peer_name + "' (" + block->str() +
                    "): a peering carries only traffic to the peer VPC itself (AWS rule 24)");
    }
  }
}

// A route to a transit gateway: the hub exists and this VPC is attached to it.
void check_transit_gateway_route(const Scenario& sc, const Vpc& vpc, const Route& r,
                                 Diagnostics& d) {
  const std::string& n = r.target.name;
  auto tit = sc.transit_gateways.find(n);
  if (tit == sc.transit_gateways.end()) {
    unknown_ref(d, r.target_span, "transit gateway", n, keys(sc.transit_gateways), "");
    return;
  }
  bool attached = false;
  for (const auto& [_, a] : tit->second.attachments) attached |= a.vpc == vpc.name;
  if (!attached)
    d.error(r.target_span,
            "route targets transit gateway '" + n + "' but vpc '" + vpc.name +
                "' has no attachment to it",
            {{tit->second.span, "the transit gateway is defined here"}});
}

void unknown_route_target(const Route& r, Diagnostics& d) {
  static const std::vector<std::string> kKinds = {
      "internet_gateway", "egress_only_internet_gateway", "blackhole",
      "instance/<name>",  "nat_gateway/<name>",           "peering/<name>",
      "vpn_gateway",      "transit_gateway/<name>",       "endpoint/<name>"};
  const std::string t = r.target.str();
  const std::string kind = t.substr(0, t.find('/'));
  if (kind == "transit_gateway" || kind == "endpoint") {
    d.error(r.target_span,
            "route target '" + t + "' names a " + kind + ", which this scenario does not define");
  } else {
    d.error(r.target_span, "unknown route target '" + t + "'; valid targets: " + names_of(kKinds));
  }
}

// The VPC's own block of the destination's family: its CIDR or its IPv6 CIDR.
std::optional<IpPrefix> own_block(const Vpc& vpc, const IpPrefix& dst) {
  if (dst.family() == Family::kIpv6) return vpc.ipv6_cidr;
  if (vpc.cidr) return IpPrefix(*vpc.cidr);
  return std::nullopt;
}

// An IPv6 route: the VPC has an IPv6 block, and the target is one that carries IPv6 here.
void check_ipv6_route(const Vpc& vpc, const RouteTable& rt, const Route& r, Diagnostics& d) {
  using K = RouteTarget::Kind;
  if (!vpc.ipv6_cidr) {
    d.error(r.destination_span,
            "route table '" + rt.name + "' has an IPv6 route (" + r.destination->str() +
                ") but vpc '" + vpc.name + "' has no ipv6_cidr; add 'ipv6_cidr: auto' to it",
            {{vpc.span, "vpc '" + vpc.name + "' is defined here"}});
    return;
  }
  const K k = r.target.kind;
  if (k == K::kNatGateway && !kNat64Prefix.contains(*r.destination)) {
    d.error(r.destination_span, "a NAT gateway translates IPv6 only to the NAT64 prefix " +
                                    kNat64Prefix.str() + " (NAT64); " + r.destination->str() +
                                    " is outside it");
  } else if (k == K::kNatGateway && vpc.cidr && vpc.cidr->overlaps(kNat64Internal)) {
    d.error(r.target_span, "vpcemu's NAT64 uses " + kNat64Internal.str() +
                               " inside the NAT gateway, which vpc '" + vpc.name + "' (" +
                               vpc.cidr->str() + ") overlaps; NAT64 needs a VPC clear of it");
  } else if (k != K::kInternetGateway && k != K::kEgressOnlyInternetGateway && k != K::kBlackhole &&
             k != K::kInstance && k != K::kPeering && k != K::kNatGateway &&
             k != K::kTransitGateway && k != K::kNone && k != K::kUnknown) {
    d.error(r.target_span,
            "vpcemu carries IPv6 through an internet gateway, an egress-only "
            "internet gateway, a peering, a transit gateway, an instance or a NAT gateway "
            "(NAT64), not yet through '" +
                r.target.str() + "'; route IPv4 there instead");
  }
  if (k == K::kInstance)
    if (auto in = vpc.instances.find(r.target.name); in != vpc.instances.end() && !in->second.ipv6)
      d.error(r.target_span,
              "IPv6 route to instance '" + r.target.name +
                  "', which has no IPv6 address; give it 'ipv6: true'",
              {{in->second.span, "instance '" + r.target.name + "' is defined here"}});
}

}  // namespace

void validate_vpc(const Scenario& sc, const Vpc& vpc, Diagnostics& d) {
  validate_endpoints(sc, vpc, d);
  validate_groups(sc, vpc, d);
  validate_acls(vpc, d);
  if (vpc.cidr) check_cidr_size(d, *vpc.cidr, vpc.cidr_span, "VPC CIDR");
  if (vpc.ipv6_auto && !vpc.ipv6_cidr) {
    d.error(vpc.ipv6_cidr_span, "the IPv6 pool " + kIpv6Pool.str() + " has no /56 left for vpc '" +
                                    vpc.name +
                                    "' (256 VPCs at most); give it an ipv6_cidr of its own");
  } else if (vpc.egress_only_internet_gateway && !vpc.ipv6_cidr) {
    d.error(vpc.egress_only_span, "an egress-only internet gateway carries IPv6 only, and vpc '" +
                                      vpc.name + "' has no ipv6_cidr; add 'ipv6_cidr: auto'");
  }
  validate_subnets(vpc, d);
  // A subnet lies in one availability zone of the scenario's region: the region's name and
  // one letter.
  for (const auto& [_, s] : vpc.subnets) {
    const std::string& z = s.availability_zone;
    if (z.empty()) continue;
    if (z.size() != sc.region.size() + 1 || z.rfind(sc.region, 0) != 0 || z.back() < 'a' ||
        z.back() > 'z') {
      d.error(s.availability_zone_span,
              "availability zone '" + z + "' is not one of region " + sc.region +
                  "'s; write the region and a letter: " + sc.region + "a, " + sc.region + "b, ...",
              {{sc.region_span, sc.region_span.known() ? "the region is set here"
                                                       : "the region is us-east-1 unless the "
                                                         "scenario's 'region' says otherwise"}});
    }
  }
  validate_route_tables(sc, vpc, d);
  validate_nat_gateways(vpc, d);
  validate_instances(vpc, d);
  // A VPC's flow logs go to one file, so to one format.
  const FlowLogs* first = vpc.flow_logs && vpc.flow_logs->on ? &*vpc.flow_logs : nullptr;
  auto same_format = [&](const std::optional<FlowLogs>& f) {
    if (!f || !f->on) return;
    if (!first) {
      first = &*f;
    } else if (f->format != first->format) {
      d.error(f->span,
              "the flow logs of vpc '" + vpc.name +
                  "' go to one file, in one format; this one differs from the first",
              {{first->span, "the VPC's first flow log format"}});
    }
  };
  for (const auto& [_, sub] : vpc.subnets) same_format(sub.flow_logs);
  for (const auto& [_, in] : vpc.instances) same_format(in.flow_logs);
}

// Subnets: size, containment, no overlap; the route tables they name.
void validate_subnets(const Vpc& vpc, Diagnostics& d) {
  const std::string in_vpc = " in vpc '" + vpc.name + "'";
  std::vector<const Subnet*> subnets;
  for (const auto& [_, s] : vpc.subnets) {
    if (s.ipv6_native) {
      if (s.cidr_span.known())
        d.error(s.cidr_span, "subnet '" + s.name +
                                 "' is IPv6-only (ipv6_native: true) and has no IPv4 CIDR; "
                                 "remove 'cidr' or 'ipv6_native'");
      else if (!s.ipv6_cidr && !s.ipv6_auto)
        d.error(s.ipv6_native_span, "an IPv6-only subnet needs an ipv6_cidr (a /64, or auto)");
      subnets.push_back(&s);
      validate_subnet_ipv6(vpc, s, subnets, d);
      if (!s.route_table.empty() && !vpc.route_tables.count(s.route_table))
        unknown_ref(d, s.route_table_span, "route table", s.route_table, keys(vpc.route_tables),
                    in_vpc);
      continue;
    }
    if (!s.cidr) continue;
    check_cidr_size(d, *s.cidr, s.cidr_span, "subnet CIDR");
    if (vpc.cidr && !vpc.cidr->contains(*s.cidr)) {
      d.error(s.cidr_span,
              "subnet '" + s.name + "' (" + s.cidr->str() + ") is not inside its VPC's CIDR " +
                  vpc.cidr->str(),
              {{vpc.cidr_span, "the VPC's CIDR is set here"}});
    }
    for (const Subnet* other : subnets) {
      if (other->cidr && other->cidr->overlaps(*s.cidr)) {
        d.error(s.cidr_span,
                "subnet '" + s.name + "' (" + s.cidr->str() + ") overlaps subnet '" + other->name +
                    "' (" + other->cidr->str() + ")",
                {{other->cidr_span, "'" + other->name + "' is defined here"}});
      }
    }
    subnets.push_back(&s);
    validate_subnet_ipv6(vpc, s, subnets, d);
    if (!s.route_table.empty() && !vpc.route_tables.count(s.route_table)) {
      unknown_ref(d, s.route_table_span, "route table", s.route_table, keys(vpc.route_tables),
                  in_vpc);
    }
  }
  if (!vpc.main_route_table.empty() && !vpc.route_tables.count(vpc.main_route_table)) {
    unknown_ref(d, vpc.main_route_table_span, "route table", vpc.main_route_table,
                keys(vpc.route_tables), in_vpc);
  }
}

// A subnet's IPv6 /64: the VPC has a /56 and the /64 lies in it, clear of the other subnets'.
void validate_subnet_ipv6(const Vpc& vpc, const Subnet& s, const std::vector<const Subnet*>& seen,
                          Diagnostics& d) {
  if (s.dns64 && !vpc.ipv6_cidr)
    d.error(s.dns64_span, "dns64 synthesizes IPv6 addresses, and vpc '" + vpc.name +
                              "' has no ipv6_cidr; add 'ipv6_cidr: auto'");
  if (!s.ipv6_cidr && !s.ipv6_auto) return;
  if (!vpc.ipv6_cidr) {
    d.error(s.ipv6_cidr_span, "subnet '" + s.name + "' has an ipv6_cidr but vpc '" + vpc.name +
                                  "' has none; give the VPC 'ipv6_cidr: auto' or a /56");
    return;
  }
  if (!s.ipv6_cidr) {
    d.error(s.ipv6_cidr_span, "vpc '" + vpc.name + "' (" + vpc.ipv6_cidr->str() +
                                  ") has no /64 left for subnet '" + s.name + "'");
    return;
  }
  if (s.ipv6_cidr->prefix != 64) {
    d.error(s.ipv6_cidr_span,
            "a subnet's ipv6_cidr is a /64 (AWS's only IPv6 subnet size), found "
            "/" +
                std::to_string(s.ipv6_cidr->prefix));
  } else if (!vpc.ipv6_cidr->contains(*s.ipv6_cidr)) {
    d.error(s.ipv6_cidr_span,
            "subnet '" + s.name + "' (" + s.ipv6_cidr->str() +
                ") is not inside its VPC's IPv6 CIDR " + vpc.ipv6_cidr->str() + "; use one of " +
                (vpc.ipv6_auto ? std::string("'auto' (the VPC's /56 is chosen by vpcemu)")
                               : IpPrefix(vpc.ipv6_cidr->network(), 64).str() +
                                     " ... (the /56 holds 256 /64s) or 'auto'"),
            {{vpc.ipv6_cidr_span, "the VPC's IPv6 CIDR is set here"}});
  }
  for (const Subnet* other : seen) {
    if (other != &s && other->ipv6_cidr && other->ipv6_cidr->overlaps(*s.ipv6_cidr)) {
      d.error(s.ipv6_cidr_span,
              "subnet '" + s.name + "' (" + s.ipv6_cidr->str() + ") overlaps subnet '" +
                  other->name + "' (" + other->ipv6_cidr->str() + ")",
              {{other->ipv6_cidr_span, "'" + other->name + "' is defined here"}});
    }
  }
}

// A route into the VPC's own block (AWS rule 16): since 2021 a route to a whole subnet's CIDR
// may target a middlebox (an instance's ENI, a NAT gateway, a gateway load balancer endpoint)
// and then wins over the local route; a gateway route table may also replace the local route's
// target for the whole block. Nothing else may be more specific than the local route.
void check_inside_vpc(const Vpc& vpc, const RouteTable& rt, const Route& r, Diagnostics& d) {
  auto own = own_block(vpc, *r.destination);
  if (!own || !own->contains(*r.destination)) return;
  using K = RouteTarget::Kind;
  const bool edge = !rt.edge_associations.empty();
  const bool middlebox = r.target.kind == K::kInstance || r.target.kind == K::kEndpoint ||
                         (!edge && r.target.kind == K::kNatGateway);
  const std::string dst = r.destination->str();
  if (*r.destination == *own) {
    if (!edge || !middlebox)
      d.error(r.destination_span,
              "route to " + dst +
                  " conflicts with the local route of the VPC, which every route table has and "
                  "which cannot be replaced (a gateway route table, one with edge_associations, "
                  "may send the whole block to a middlebox)");
    return;
  }
  if (!middlebox) {
    d.error(r.destination_span,
            "route to " + dst + " lies inside the VPC's CIDR " + own->str() +
                "; only a middlebox (instance/<name>, nat_gateway/<name> or a gateway load "
                "balancer endpoint/<name>) may be the target of a route more specific than the "
                "local route (AWS rule 16)");
    return;
  }
  for (const auto& [_, sub] : vpc.subnets) {
    if (sub.cidr && IpPrefix(*sub.cidr) == *r.destination) return;
    if (sub.ipv6_cidr && *sub.ipv6_cidr == *r.destination) return;
  }
  std::vector<std::string> cidrs;
  for (const auto& [n, sub] : vpc.subnets) {
    if (r.destination->family() == Family::kIpv4 && sub.cidr)
      cidrs.push_back(n + " " + sub.cidr->str());
    else if (r.destination->family() == Family::kIpv6 && sub.ipv6_cidr)
      cidrs.push_back(n + " " + sub.ipv6_cidr->str());
  }
  d.error(r.destination_span,
          "route to " + dst +
              " is more specific than the local route but is no subnet's whole CIDR; AWS "
              "allows such a route only for a subnet's exact CIDR (" +
              (cidrs.empty() ? std::string("this VPC has no subnets") : names_of(cidrs)) + ")");
}

// A gateway route table (edge_associations): the gateways exist, each has one table, no
// propagation, and its routes stay inside the VPC to a middlebox ENI or a gateway load
// balancer endpoint (AWS: gateway route tables).
void check_edge_table(const Scenario& sc, const Vpc& vpc, const RouteTable& rt,
                      std::map<std::string, SourceSpan>& taken, Diagnostics& d) {
  for (size_t i = 0; i < rt.edge_associations.size(); ++i) {
    const std::string& g = rt.edge_associations[i];
    const SourceSpan& sp = rt.edge_association_spans[i];
    if (g != "internet_gateway" && g != "vpn_gateway") {
      d.error(sp, "route table '" + rt.name + "' cannot be associated with '" + g +
                      "'; a gateway route table is associated with: internet_gateway, "
                      "vpn_gateway");
      continue;
    }
    if (g == "internet_gateway" && !vpc.internet_gateway)
      d.error(sp, "route table '" + rt.name +
                      "' is associated with the internet gateway but vpc '" + vpc.name +
                      "' has none; set 'internet_gateway: true' on the VPC");
    if (g == "vpn_gateway" && !sc.has_vpn_gateway(vpc.name))
      d.error(sp, "route table '" + rt.name +
                      "' is associated with the VPN gateway but no VPN connection or Direct "
                      "Connect attaches to vpc '" +
                      vpc.name + "'");
    auto [it, fresh] = taken.emplace(g, sp);
    if (!fresh)
      d.error(sp, "the " + g + " of vpc '" + vpc.name + "' already has a gateway route table",
              {{it->second, "the first association is here"}});
  }
  if (rt.edge_associations.empty()) return;
  if (!rt.propagations.empty())
    d.error(rt.propagation_spans[0], "gateway route table '" + rt.name +
                                         "' cannot propagate routes (AWS: route propagation "
                                         "is not supported for gateway route tables)");
  using K = RouteTarget::Kind;
  for (const auto& r : rt.routes) {
    if (r.target.kind != K::kInstance && r.target.kind != K::kEndpoint &&
        r.target.kind != K::kNone && r.target.kind != K::kUnknown)
      d.error(r.target_span, "gateway route table '" + rt.name +
                                 "' routes only to instance/<name> "
                                 "(a middlebox's ENI) or a gateway load balancer endpoint/<name>, "
                                 "not to '" +
                                 r.target.str() + "'");
    if (r.destination) {
      auto own = own_block(vpc, *r.destination);
      if (!own || !own->contains(*r.destination))
        d.error(r.destination_span, "gateway route table '" + rt.name + "' may route only " +
                                        "destinations inside the VPC; " + r.destination->str() +
                                        " is outside it");
    }
  }
}

// Route tables: propagations, duplicate routes, routes inside the VPC, and each target.
void validate_route_tables(const Scenario& sc, const Vpc& vpc, Diagnostics& d) {
  const std::string in_vpc = " in vpc '" + vpc.name + "'";
  const bool has_vgw = sc.has_vpn_gateway(vpc.name);
  std::map<std::string, SourceSpan> edges;  // gateway → its table's association
  for (const auto& [_, rt] : vpc.route_tables) {
    check_edge_table(sc, vpc, rt, edges, d);
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
    std::map<IpPrefix, const Route*> seen;
    for (const auto& r : rt.routes) {
      if (r.destination) {
        auto [it, fresh] = seen.emplace(*r.destination, &r);
        if (!fresh) {
          d.error(r.destination_span,
                  "route table '" + rt.name + "' has two routes to " + r.destination->str(),
                  {{it->second->destination_span, "the first one is here"}});
        }
        check_inside_vpc(vpc, rt, r, d);
        if (r.destination->family() == Family::kIpv6) check_ipv6_route(vpc, rt, r, d);
      }
      const std::string& n = r.target.name;
      switch (r.target.kind) {
        case RouteTarget::Kind::kNone:
        case RouteTarget::Kind::kBlackhole:
          break;
        case RouteTarget::Kind::kInternetGateway:
          if (!vpc.internet_gateway) {
            d.error(r.target_span,
                    "route targets the internet gateway but vpc '" + vpc.name +
                        "' has none; set 'internet_gateway: true' on the VPC",
                    {{vpc.span, "vpc '" + vpc.name + "' is defined here"}});
          }
          break;
        case RouteTarget::Kind::kEgressOnlyInternetGateway:
          if (!vpc.egress_only_internet_gateway) {
            d.error(r.target_span,
                    "route targets the egress-only internet gateway but vpc '" + vpc.name +
                        "' has none; set 'egress_only_internet_gateway: true' on the VPC",
                    {{vpc.span, "vpc '" + vpc.name + "' is defined here"}});
          } else if (r.destination && r.destination->family() != Family::kIpv6) {
            d.error(r.destination_span, "an egress-only internet gateway carries IPv6 only; " +
                                            r.destination->str() +
                                            " is IPv4 (a NAT gateway is its IPv4 counterpart)");
          }
          break;
        case RouteTarget::Kind::kVpnGateway:
          if (!has_vgw) {
            d.error(r.target_span,
                    "route targets the VPN gateway but no VPN connection or Direct Connect "
                    "attaches to vpc '" +
                        vpc.name + "'; add one under vpn_connections:");
          }
          break;
        case RouteTarget::Kind::kPeering:
          check_peering_route(sc, vpc, r, d);
          break;
        case RouteTarget::Kind::kNatGateway:
          if (!vpc.nat_gateways.count(n))
            unknown_ref(d, r.target_span, "NAT gateway", n, keys(vpc.nat_gateways), in_vpc);
          break;
        case RouteTarget::Kind::kInstance:
          if (!vpc.instances.count(n)) {
            unknown_ref(d, r.target_span, "instance", n, keys(vpc.instances), in_vpc);
          } else if (vpc.instances.at(n).source_dest_check) {
            d.warning(r.target_span,
                      "instance '" + n +
                          "' keeps its source/destination check, so it drops what this route "
                          "sends it that is not addressed to it; set 'source_dest_check: false' "
                          "on it (a NAT instance, a firewall)",
                      {{vpc.instances.at(n).span, "instance '" + n + "' is defined here"}});
          }
          if (vpc.instances.count(n) && r.destination && r.destination->family() == Family::kIpv4) {
            const Instance& in = vpc.instances.at(n);
            if (auto s = vpc.subnets.find(in.subnet);
                s != vpc.subnets.end() && s->second.ipv6_native)
              d.error(r.target_span, "IPv4 route to instance '" + n +
                                         "', which is IPv6-only and has no IPv4 address");
          }
          break;
        case RouteTarget::Kind::kEndpoint:
          if (!vpc.endpoints.count(n)) {
            unknown_ref(d, r.target_span, "endpoint", n, keys(vpc.endpoints), in_vpc);
          } else if (vpc.endpoints.at(n).type != EndpointType::kGatewayLoadBalancer) {
            d.error(r.target_span,
                    "endpoint '" + n +
                        "' is not a gateway load balancer endpoint; only those are route "
                        "targets (a gateway endpoint adds its own routes through its "
                        "route_tables:, an interface endpoint is reached by its address)",
                    {{vpc.endpoints.at(n).span, "endpoint '" + n + "' is defined here"}});
          }
          break;
        case RouteTarget::Kind::kTransitGateway:
          if (!sc.transit_gateways.empty()) {
            check_transit_gateway_route(sc, vpc, r, d);
            break;
          }
          [[fallthrough]];  // no hub at all: said as for an unknown target
        case RouteTarget::Kind::kUnknown:
          unknown_route_target(r, d);
          break;
      }
    }
  }
}

// NAT gateways live in a public subnet: one whose route table sends 0.0.0.0/0 to the IGW.
void validate_nat_gateways(const Vpc& vpc, Diagnostics& d) {
  const std::string in_vpc = " in vpc '" + vpc.name + "'";
  for (const auto& [_, nat] : vpc.nat_gateways) {
    const Subnet* sub = resolve(d, vpc.subnets, nat.subnet, nat.subnet_span, "subnet", in_vpc);
    if (!sub) continue;
    if (sub->ipv6_native) {
      ipv4_subnets_only(d, vpc, {nat.subnet}, {nat.subnet_span}, "a NAT gateway");
      continue;
    }
    const std::string& rt = vpc.route_table_of(*sub);
    bool public_subnet = false;
    if (auto rit = vpc.route_tables.find(rt); rit != vpc.route_tables.end()) {
      for (const auto& r : rit->second.routes)
        public_subnet |= r.destination && r.destination->prefix == 0 &&
                         r.target.kind == RouteTarget::Kind::kInternetGateway;
    }
    if (!public_subnet) {
      d.error(nat.subnet_span,
              "NAT gateway '" + nat.name + "' is in subnet '" + nat.subnet +
                  "', which has no route 0.0.0.0/0 to the internet gateway; a NAT gateway "
                  "belongs in a public subnet",
              {{sub->span, "subnet '" + nat.subnet + "' uses route table '" +
                               (rt.empty() ? "main (local route only)" : rt) + "'"}});
    }
    if (nat.private_ip && sub->cidr &&
        (!sub->cidr->contains(*nat.private_ip) || is_aws_reserved(*sub->cidr, *nat.private_ip))) {
      d.error(nat.private_ip_span, "private_ip " + nat.private_ip->str() +
                                       " is not a usable address of subnet '" + nat.subnet + "' (" +
                                       sub->cidr->str() + ")");
    }
  }
}

// An instance's IPv6 address: its subnet has a /64, and an address asked for is usable in it.
void validate_instance_ipv6(const Instance& in, const Subnet& sub, Diagnostics& d) {
  if (!sub.ipv6_cidr) {
    d.error(in.ipv6_span,
            "instance '" + in.name + "' asks for an IPv6 address but subnet '" + sub.name +
                "' has no ipv6_cidr",
            {{sub.span, "subnet '" + sub.name + "' is defined here"}});
    return;
  }
  if (!in.ipv6_address) return;
  if (!sub.ipv6_cidr->contains(*in.ipv6_address)) {
    d.error(in.ipv6_span,
            "ipv6_address " + in.ipv6_address->str() + " is outside subnet '" + sub.name + "' (" +
                sub.ipv6_cidr->str() + ")",
            {{sub.ipv6_cidr_span, "the subnet's IPv6 CIDR is set here"}});
  } else if (is_aws_reserved(*sub.ipv6_cidr, *in.ipv6_address)) {
    d.error(in.ipv6_span, "ipv6_address " + in.ipv6_address->str() + " is reserved in " +
                              sub.ipv6_cidr->str() +
                              ": AWS keeps the first four addresses and the last of every "
                              "subnet; use one from " +
                              sub.ipv6_cidr->at(4).str());
  }
}

// Instances: their subnet, a usable private address, and an internet gateway for a public one.
void validate_instances(const Vpc& vpc, Diagnostics& d) {
  const std::string in_vpc = " in vpc '" + vpc.name + "'";
  for (const auto& [_, in] : vpc.instances) {
    const Subnet* sub = resolve(d, vpc.subnets, in.subnet, in.subnet_span, "subnet", in_vpc);
    if (sub && sub->ipv6_native && (in.private_ip || in.public_ip || in.elastic_ip)) {
      d.error(in.private_ip ? in.private_ip_span : in.public_span,
              "instance '" + in.name + "' is in IPv6-only subnet '" + in.subnet +
                  "', where an ENI has no IPv4 address, private or public");
    }
    if (in.private_ip && sub && sub->cidr) {
      const Cidr& c = *sub->cidr;
      if (!c.contains(*in.private_ip)) {
        d.error(in.private_ip_span,
                "private_ip " + in.private_ip->str() + " is outside subnet '" + in.subnet + "' (" +
                    c.str() + ")",
                {{sub->cidr_span, "the subnet's CIDR is set here"}});
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
    if (in.ipv6 && sub) validate_instance_ipv6(in, *sub, d);
    if (in.public_ip || in.elastic_ip) {
      if (!vpc.internet_gateway) {
        d.error(in.public_span, "instance '" + in.name + "' has a public address but vpc '" +
                                    vpc.name +
                                    "' has no internet gateway to map it; set "
                                    "'internet_gateway: true' on the VPC");
      }
    }
  }
}

}  // namespace vpcemu::validation
