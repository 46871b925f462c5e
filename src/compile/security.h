// Security groups and network ACLs of one VPC → nft objects in the VPC router's table
// (design.md §2). Pure.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compile/nft_text.h"
#include "model/scenario.h"

namespace vpcemu {

struct EniPort {
  std::string port;      // router-side interface name
  std::string instance;  // owner
  std::string subnet;
  std::optional<Ipv4> ip;           // none in an IPv6-only subnet
  std::vector<std::string> groups;  // effective groups; empty for a NAT gateway (none apply)
  std::optional<IpAddr> ip6;        // its IPv6 address, if it has one
  bool is_instance = false;         // an instance's ENI (not a gateway's or an endpoint's)
};

// The effective groups of an instance: its own, or the VPC's default group.
std::vector<std::string> effective_groups(const Instance& in);

// Appends the forward-path objects: per group its rule sets and chains, per ENI a chain that
// unions its groups, per NACL its ordered rules compiled to interval sets, per subnet the
// boundary chains, and the forward base chain that ties them together.
// Private addresses of every group's members, by (vpc, group), across the scenario: rules may
// reference groups of peered VPCs.
using GroupMembers = std::map<std::pair<std::string, std::string>, std::vector<std::string>>;

// `plain_ports`: the router's links whose connections AWS does not track by themselves (the
// internet gateway, peerings); flows between them and instances may go untracked.
// `log_rejects`: every drop by a group or NACL first goes to NFLOG group 1, its prefix the
// stage ("R:sg-out", "R:sg-in", "R:nacl-out", "R:nacl-in"), for flow logs' REJECT records.
void security_objects(const Vpc& vpc, const std::vector<EniPort>& enis, const GroupMembers& members,
                      const std::map<std::string, Service>& services,
                      const std::vector<std::string>& plain_ports, NftTable& table,
                      bool log_rejects = false);

// A drop that flow logs see first: "log prefix ... group 1 snaplen 128 drop".
std::string logged_drop(const std::string& stage);

// One NACL direction compiled to the elements ("proto . addresses . ports") it allows for one
// address family: the first matching rule by number decides, and whatever no rule allows is
// denied. Rules of the other family take no part.
std::vector<std::string> compile_acl_rules(const std::vector<NaclRule>& rules,
                                           Family family = Family::kIpv4);

}  // namespace vpcemu
