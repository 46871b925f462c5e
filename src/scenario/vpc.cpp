// A VPC's keys: its CIDR, subnets, route tables, instances and NAT gateways (groups, NACLs and
// endpoints have files of their own).
#include "model/flow_logs.h"
#include "scenario/parsers.h"
#include "util/text.h"

namespace vpcemu::parsing {

// Each VPC of `vpcs:`.
// Each VPC of `vpcs:`.
void parse_vpcs(Reader& rd, Scenario& sc, const yaml::Node& v) {
  rd.each_resource(v, "vpcs", sc.vpcs,
                   [&](Vpc& vpc, const yaml::Node& x) { parse_vpc(rd, vpc, x); });
}

namespace {
std::string known_flow_log_fields() {
  std::string s;
  for (const auto& f : flow_log_fields()) s += (s.empty() ? "" : ", ") + std::string(f.name);
  return s;
}
}  // namespace

// `flow_logs: true|false`, or `{ aggregation_interval: 60|600, format: "${...} ..." }` (on).
std::optional<FlowLogs> parse_flow_logs(Reader& rd, const yaml::Node& v, SourceSpan ks) {
  FlowLogs f;
  f.span = rd.span(v, ks);
  if (v.IsMap()) {
    f.on = true;
    rd.each_key(v, "flow_logs", {"aggregation_interval", "format"},
                [&](const std::string& k, SourceSpan fks, const yaml::Node& x) {
                  if (k == "aggregation_interval") {
                    if (auto n = rd.number(x, k, fks, 60, 600)) {
                      if (*n != 60 && *n != 600)
                        rd.d.error(rd.span(x, fks),
                                   "aggregation_interval is 60 or 600 (seconds, as AWS's "
                                   "maximum aggregation interval), found " +
                                       std::to_string(*n));
                      else
                        f.aggregation_interval = *n;
                    }
                  } else {
                    SourceSpan fs;
                    rd.into(x, k, fks, f.format, fs);
                    std::vector<std::string> unknown;
                    const auto fields = flow_log_format_fields(f.format, &unknown);
                    if (!unknown.empty())
                      rd.d.error(fs, "flow log format: unknown field ${" + unknown[0] +
                                         "}; vpcemu writes " + known_flow_log_fields());
                    else if (fields.empty())
                      rd.d.error(fs,
                                 "flow log format names no field: write them as "
                                 "\"${version} ${srcaddr} ...\"");
                  }
                });
    return f;
  }
  if (auto b = rd.boolean(v, "flow_logs", ks)) {
    f.on = *b;
    return f;
  }
  return std::nullopt;
}

void parse_vpc(Reader& rd, Vpc& vpc, const yaml::Node& node) {
  const std::string what = "vpc '" + vpc.name + "'";
  rd.each_key(
      node, what,
      {"cidr", "ipv6_cidr", "internet_gateway", "egress_only_internet_gateway", "subnets",
       "route_tables", "main_route_table", "instances", "security_groups", "network_acls",
       "nat_gateways", "endpoints", "enable_dns_support", "enable_dns_hostnames",
       "dns_instance_names", "flow_logs"},
      [&](const std::string& k, SourceSpan ks, const yaml::Node& v) {
        if (k == "cidr") {
          rd.into(v, "cidr", ks, vpc.cidr, vpc.cidr_span);
        } else if (k == "ipv6_cidr") {
          // A /56 as written, or `auto`: one from the scenario's pool (addressing assigns it).
          vpc.ipv6_cidr_span = rd.span(v, ks);
          if (v.IsScalar() && v.Scalar() == "auto") {
            vpc.ipv6_auto = true;
          } else if (auto c = rd.prefix(v, "ipv6_cidr", ks, Family::kIpv6)) {
            if (c->prefix != 56)
              rd.d.error(vpc.ipv6_cidr_span,
                         "a VPC's ipv6_cidr is a /56 (AWS allocates /56 "
                         "blocks), found /" +
                             std::to_string(c->prefix));
            else
              vpc.ipv6_cidr = c;
          }
        } else if (k == "internet_gateway") {
          if (auto b = rd.boolean(v, "internet_gateway", ks)) vpc.internet_gateway = *b;
        } else if (k == "enable_dns_support") {
          vpc.enable_dns_support_span = rd.span(v, ks);
          if (auto b = rd.boolean(v, k, ks)) vpc.enable_dns_support = *b;
        } else if (k == "enable_dns_hostnames") {
          vpc.enable_dns_hostnames_span = rd.span(v, ks);
          if (auto b = rd.boolean(v, k, ks)) vpc.enable_dns_hostnames = *b;
        } else if (k == "flow_logs") {
          vpc.flow_logs = parse_flow_logs(rd, v, ks);
        } else if (k == "dns_instance_names") {
          if (auto b = rd.boolean(v, k, ks)) vpc.dns_instance_names = *b;
        } else if (k == "egress_only_internet_gateway") {
          vpc.egress_only_span = rd.span(v, ks);
          if (auto b = rd.boolean(v, k, ks)) vpc.egress_only_internet_gateway = *b;
        } else if (k == "main_route_table") {
          rd.into(v, "main_route_table", ks, vpc.main_route_table, vpc.main_route_table_span);
        } else if (k == "subnets") {
          rd.each_resource(v, "subnets", vpc.subnets,
                           [&](Subnet& s, const yaml::Node& x) { parse_subnet(rd, s, x); });
        } else if (k == "route_tables") {
          rd.each_resource(
              v, "route_tables", vpc.route_tables,
              [&](RouteTable& rt, const yaml::Node& x) { parse_route_table(rd, rt, x); });
        } else if (k == "security_groups") {
          rd.each_resource(
              v, "security_groups", vpc.security_groups,
              [&](SecurityGroup& g, const yaml::Node& x) { parse_group(rd, g, x, vpc.name); });
        } else if (k == "endpoints") {
          rd.each_resource(v, "endpoints", vpc.endpoints,
                           [&](Endpoint& ep, const yaml::Node& x) { parse_endpoint(rd, ep, x); });
        } else if (k == "nat_gateways") {
          rd.each_resource(
              v, "nat_gateways", vpc.nat_gateways,
              [&](NatGateway& nat, const yaml::Node& x) { parse_nat_gateway(rd, nat, x); });
        } else if (k == "network_acls") {
          rd.each_resource(v, "network_acls", vpc.network_acls,
                           [&](NetworkAcl& acl, const yaml::Node& x) { parse_acl(rd, acl, x); });
        } else if (k == "instances") {
          rd.each_resource(v, "instances", vpc.instances, [&](Instance& in, const yaml::Node& x) {
            in.vpc = vpc.name;
            parse_instance(rd, in, x);
          });
        }
      });
  if (rd.mapping_or_empty(node) && !node["cidr"]) rd.d.error(vpc.span, what + " has no 'cidr'");
}

void parse_subnet(Reader& rd, Subnet& s, const yaml::Node& node) {
  rd.each_key(node, "subnet '" + s.name + "'",
              {"cidr", "ipv6_cidr", "ipv6_native", "dns64", "route_table", "network_acl",
               "availability_zone", "flow_logs"},
              [&](const std::string& k, SourceSpan ks, const yaml::Node& x) {
                if (k == "cidr") {
                  rd.into(x, "cidr", ks, s.cidr, s.cidr_span);
                } else if (k == "dns64") {
                  s.dns64_span = rd.span(x, ks);
                  if (auto b = rd.boolean(x, k, ks)) s.dns64 = *b;
                } else if (k == "ipv6_native") {
                  s.ipv6_native_span = rd.span(x, ks);
                  if (auto b = rd.boolean(x, k, ks)) s.ipv6_native = *b;
                } else if (k == "ipv6_cidr") {
                  s.ipv6_cidr_span = rd.span(x, ks);
                  if (x.IsScalar() && x.Scalar() == "auto")
                    s.ipv6_auto = true;
                  else
                    s.ipv6_cidr = rd.prefix(x, "ipv6_cidr", ks, Family::kIpv6);
                } else if (k == "route_table") {
                  rd.into(x, "route_table", ks, s.route_table, s.route_table_span);
                } else if (k == "flow_logs") {
                  s.flow_logs = parse_flow_logs(rd, x, ks);
                } else if (k == "availability_zone") {
                  rd.into(x, k, ks, s.availability_zone, s.availability_zone_span);
                } else {
                  rd.into(x, "network_acl", ks, s.network_acl, s.network_acl_span);
                }
              });
  if (rd.mapping_or_empty(node) && !node["cidr"] && !s.ipv6_native)
    rd.d.error(s.span, "subnet '" + s.name +
                           "' has no 'cidr' (an IPv6-only subnet says "
                           "'ipv6_native: true' and has an ipv6_cidr)");
}

void parse_nat_gateway(Reader& rd, NatGateway& nat, const yaml::Node& node) {
  rd.each_key(node, "NAT gateway '" + nat.name + "'", {"subnet", "private_ip", "elastic_ip"},
              [&](const std::string& k, SourceSpan ks, const yaml::Node& x) {
                if (k == "subnet") {
                  rd.into(x, "subnet", ks, nat.subnet, nat.subnet_span);
                } else if (k == "private_ip") {
                  rd.into(x, "private_ip", ks, nat.private_ip, nat.private_ip_span);
                } else {
                  rd.into(x, "elastic_ip", ks, nat.elastic_ip, nat.elastic_ip_span);
                }
              });
  if (rd.mapping_or_empty(node) && !node["subnet"])
    rd.d.error(nat.span, "NAT gateway '" + nat.name + "' has no 'subnet' (a public subnet)");
}

void parse_route_table(Reader& rd, RouteTable& rt, const yaml::Node& node) {
  rd.each_key(node, "route table '" + rt.name + "'",
              {"routes", "propagations", "edge_associations"},
              [&](const std::string& key, SourceSpan ks, const yaml::Node& v) {
                if (key == "propagations") {
                  rd.names(v, ks, "propagations", rt.propagations, rt.propagation_spans);
                  return;
                }
                if (key == "edge_associations") {
                  rd.names(v, ks, key, rt.edge_associations, rt.edge_association_spans);
                  return;
                }
                rd.each_item(v, ks, "routes must be a list", [&](const yaml::Node& r) {
                  Route route;
                  route.span = rd.span(r, ks);
                  rd.each_key(r, "route", {"destination", "target"},
                              [&](const std::string& k, SourceSpan rks, const yaml::Node& rv) {
                                if (k == "destination") {
                                  rd.into(rv, "destination", rks, route.destination,
                                          route.destination_span);
                                } else {
                                  route.target_span = rd.span(rv, rks);
                                  if (auto s = rd.scalar(rv, "target", rks))
                                    route.target = RouteTarget::parse(*s);
                                }
                              });
                  if (rd.mapping_or_empty(r)) {
                    if (!r["destination"]) rd.d.error(route.span, "route has no 'destination'");
                    if (!r["target"]) rd.d.error(route.span, "route has no 'target'");
                  }
                  rt.routes.push_back(std::move(route));
                });
              });
}

// EC2's metadata options: { tokens: optional|required, hop_limit: 1-64 }.
void parse_metadata(Reader& rd, Instance::Metadata& m, const yaml::Node& v, SourceSpan ks) {
  m.span = rd.span(v, ks);
  rd.each_key(v, "metadata", {"tokens", "hop_limit"},
              [&](const std::string& k, SourceSpan mks, const yaml::Node& x) {
                if (k == "hop_limit") {
                  if (auto n = rd.number(x, k, mks, 1, 64)) m.hop_limit = *n;
                } else if (auto s = rd.scalar(x, k, mks)) {
                  if (*s == "required" || *s == "optional")
                    m.tokens_required = *s == "required";
                  else
                    rd.d.error(rd.span(x, mks),
                               "tokens must be required (IMDSv2 only) or optional (IMDSv1 too), "
                               "found '" +
                                   *s + "'");
                }
              });
}

// An ENI's connection tracking timeouts, within AWS's ranges.
void parse_connection_tracking(Reader& rd, Instance::ConnectionTracking& c, const yaml::Node& v) {
  rd.each_key(v, "connection_tracking",
              {"tcp_established_timeout", "udp_stream_timeout", "udp_timeout"},
              [&](const std::string& k, SourceSpan ks, const yaml::Node& x) {
                if (k == "tcp_established_timeout")
                  c.tcp_established = rd.number(x, k, ks, 60, 432000);
                else if (k == "udp_stream_timeout")
                  c.udp_stream = rd.number(x, k, ks, 60, 180);
                else
                  c.udp = rd.number(x, k, ks, 30, 60);
              });
}

void parse_instance(Reader& rd, Instance& in, const yaml::Node& node) {
  rd.each_key(
      node, "instance '" + in.name + "'",
      {"subnet", "private_ip", "ipv6", "ipv6_address", "public_ip", "elastic_ip", "run",
       "security_groups", "metadata", "connection_tracking", "source_dest_check", "flow_logs"},
      [&](const std::string& k, SourceSpan ks, const yaml::Node& v) {
        if (k == "subnet") {
          rd.into(v, "subnet", ks, in.subnet, in.subnet_span);
        } else if (k == "private_ip") {
          rd.into(v, "private_ip", ks, in.private_ip, in.private_ip_span);
        } else if (k == "ipv6") {
          in.ipv6_span = rd.span(v, ks);
          if (auto b = rd.boolean(v, "ipv6", ks)) in.ipv6 = *b;
        } else if (k == "ipv6_address") {
          in.ipv6_span = rd.span(v, ks);
          in.ipv6_address = rd.ipv6_address(v, "ipv6_address", ks);
          in.ipv6 = true;
        } else if (k == "public_ip") {
          in.public_span = rd.span(v, ks);
          if (auto b = rd.boolean(v, "public_ip", ks)) in.public_ip = *b;
        } else if (k == "elastic_ip") {
          in.public_span = rd.span(v, ks);
          in.elastic_ip = rd.address(v, "elastic_ip", ks);
        } else if (k == "run") {
          in.run_span = rd.span(v, ks);
          parse_command(rd, in.run, v, ks);
        } else if (k == "flow_logs") {
          in.flow_logs = parse_flow_logs(rd, v, ks);
        } else if (k == "source_dest_check") {
          in.source_dest_check_span = rd.span(v, ks);
          if (auto b = rd.boolean(v, k, ks)) in.source_dest_check = *b;
        } else if (k == "metadata") {
          parse_metadata(rd, in.metadata, v, ks);
        } else if (k == "connection_tracking") {
          parse_connection_tracking(rd, in.connection_tracking, v);
        } else if (k == "security_groups") {
          if (!v.IsSequence()) {
            rd.d.error(rd.span(v, ks), "security_groups must be a list of group names, found " +
                                           std::string(rd.kind(v)));
            return;
          }
          for (const auto& g : v) {
            if (auto name = rd.scalar(g, "security group", ks)) {
              in.security_groups.push_back(*name);
              in.security_group_spans.push_back(rd.span(g, ks));
            }
          }
          if (in.security_groups.empty()) {
            rd.d.error(rd.span(v, ks),
                       "an instance needs at least one security group; leave "
                       "the key out for the VPC's default group");
          }
        }
      });
  if (rd.mapping_or_empty(node) && !node["subnet"]) {
    rd.d.error(in.span, "instance '" + in.name + "' has no 'subnet'");
  }
}

void parse_command(Reader& rd, std::vector<std::string>& out, const yaml::Node& v, SourceSpan ks) {
  if (v.IsSequence()) {
    for (const auto& w : v) {
      if (auto s = rd.scalar(w, "run argument", ks)) out.push_back(*s);
    }
  } else if (auto s = rd.scalar(v, "run", ks)) {
    auto words = split_command(*s);
    if (!words) {
      rd.d.error(rd.span(v, ks), "run: unterminated quote in '" + *s + "'");
      return;
    }
    out = std::move(*words);
  }
  if (out.empty()) rd.d.error(rd.span(v, ks), "run: empty command");
}

}  // namespace vpcemu::parsing
