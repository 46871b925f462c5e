// Each construct's validation, one file each (validate/<construct>.cpp); validate.cpp calls
// them in order. Every function appends what it finds; none stops at the first problem.
#pragma once
#include "validate/common.h"

namespace vpcemu::validation {

// security_groups.cpp
void validate_groups(const Scenario& sc, const Vpc& vpc, Diagnostics& d);

// network_acls.cpp
void validate_acls(const Vpc& vpc, Diagnostics& d);

// vpc_endpoints.cpp
void validate_endpoints(const Scenario& sc, const Vpc& vpc, Diagnostics& d);

// vpc.cpp
void validate_vpc(const Scenario& sc, const Vpc& vpc, Diagnostics& d);
void validate_subnets(const Vpc& vpc, Diagnostics& d);
void validate_host_ipv6(const Scenario& sc, const std::string& name, const IpAddr& ip,
                        SourceSpan at, Diagnostics& d);
// A rule's ICMP is of its CIDR's family: icmp with IPv4, icmpv6 with IPv6.
void check_icmp_family(Diagnostics& d, Protocol proto, const std::optional<IpPrefix>& cidr,
                       SourceSpan proto_span);
void validate_subnet_ipv6(const Vpc& vpc, const Subnet& s, const std::vector<const Subnet*>& seen,
                          Diagnostics& d);
void validate_instance_ipv6(const Instance& in, const Subnet& sub, Diagnostics& d);
void validate_route_tables(const Scenario& sc, const Vpc& vpc, Diagnostics& d);
void validate_nat_gateways(const Vpc& vpc, Diagnostics& d);
void validate_instances(const Vpc& vpc, Diagnostics& d);

// internet.cpp
void validate_internet_hosts(Validation& v);
void validate_elastic_ips(Validation& v);

// onprem.cpp
void validate_onprem(Validation& v);

// peering.cpp
void validate_peerings(Validation& v);

// site_to_site_vpn.cpp
void validate_vpn_connections(Validation& v);

// transit_gateway.cpp
void validate_transit_gateways(Validation& v);
void validate_tgw_attachments(const Scenario& sc, const TransitGateway& tgw, Diagnostics& d);
std::map<std::string, const TgwRouteTable*> validate_tgw_route_tables(const TransitGateway& tgw,
                                                                      Diagnostics& d);

// direct_connect.cpp
void validate_direct_connects(Validation& v);

// client_vpn.cpp
void validate_client_vpn_endpoints(Validation& v);

// lint.cpp: the classic traps, as warnings
void lint_traps(Validation& v);

// privatelink.cpp
void validate_endpoint_services(Validation& v);
void validate_gateway_load_balancers(Validation& v);

// expect.cpp
void validate_expects(Validation& v);

// dns.cpp
void validate_hosted_zones(Validation& v);

}  // namespace vpcemu::validation
