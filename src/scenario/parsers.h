// Each AWS construct's parser, one file each (scenario/<construct>.cpp) over the shared readers of
// reader.h; parse.cpp dispatches the scenario's top-level keys to them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/reader.h"

namespace vpcemu::parsing {

// vpc.cpp
void parse_vpcs(Reader& rd, Scenario& sc, const yaml::Node& v);
void parse_vpc(Reader& rd, Vpc& vpc, const yaml::Node& node);
std::optional<FlowLogs> parse_flow_logs(Reader& rd, const yaml::Node& v, SourceSpan ks);
void parse_subnet(Reader& rd, Subnet& s, const yaml::Node& node);
void parse_nat_gateway(Reader& rd, NatGateway& nat, const yaml::Node& node);
void parse_route_table(Reader& rd, RouteTable& rt, const yaml::Node& node);
void parse_instance(Reader& rd, Instance& in, const yaml::Node& node);
// A command line: a list of words, or one string split as a shell would split it (never run by
// one). Appends to `out`; an empty command is an error.
void parse_command(Reader& rd, std::vector<std::string>& out, const yaml::Node& v, SourceSpan ks);

// security_groups.cpp
std::vector<SgRule> group_rules(Reader& rd, const yaml::Node& v, SourceSpan ks, bool ingress,
                                const std::string& own_vpc);
void parse_group(Reader& rd, SecurityGroup& g, const yaml::Node& node, const std::string& own_vpc);

// network_acls.cpp
std::vector<NaclRule> acl_rules(Reader& rd, const yaml::Node& v, SourceSpan ks, bool ingress);
void parse_acl(Reader& rd, NetworkAcl& acl, const yaml::Node& node);

// vpc_endpoints.cpp
void parse_endpoint(Reader& rd, Endpoint& ep, const yaml::Node& node);

// internet.cpp
void parse_internet(Reader& rd, Scenario& sc, const yaml::Node& v);
void parse_services(Reader& rd, Scenario& sc, const yaml::Node& v);

// peering.cpp
void parse_peerings(Reader& rd, Scenario& sc, const yaml::Node& v);

// privatelink.cpp
void parse_endpoint_services(Reader& rd, Scenario& sc, const yaml::Node& v);
void parse_gateway_load_balancers(Reader& rd, Scenario& sc, const yaml::Node& v);

// onprem.cpp
void parse_onprem(Reader& rd, Scenario& sc, const yaml::Node& v);

// site_to_site_vpn.cpp
void parse_vpns(Reader& rd, Scenario& sc, const yaml::Node& v);

// direct_connect.cpp
std::optional<uint64_t> bandwidth(Reader& rd, const yaml::Node& x, SourceSpan fallback);
void parse_direct_connects(Reader& rd, Scenario& sc, const yaml::Node& v);

// transit_gateway.cpp
void parse_transit_gateways(Reader& rd, Scenario& sc, const yaml::Node& v);
void default_route_table(TransitGateway& tgw);
void parse_tgw_attachment(Reader& rd, TgwAttachment& a, const yaml::Node& node);
void parse_tgw_route_table(Reader& rd, TgwRouteTable& rt, const yaml::Node& node);
TgwRoute parse_tgw_route(Reader& rd, const yaml::Node& r, SourceSpan list_span);

// client_vpn.cpp
void parse_client_vpns(Reader& rd, Scenario& sc, const yaml::Node& v);

// expect.cpp
void parse_hosted_zones(Reader& rd, Scenario& sc, const yaml::Node& v);
void parse_expect(Reader& rd, Scenario& sc, const yaml::Node& node, SourceSpan ks);

}  // namespace vpcemu::parsing
