// Instance metadata: the metadata service in the VPC router on 169.254.169.254 (and
// fd00:ec2::254 in a VPC with IPv6), and each instance's metadata as EC2 gives it.
#include <nlohmann/json.hpp>

#include "compile/constructs.h"
#include "compile/security.h"
#include "compile/state_paths.h"
#include "daemons/metadata_service.h"

namespace vpcemu::compiling {

namespace {

// The account every resource of a scenario belongs to (AWS documentation's example account).
constexpr const char* kAccount = "111122223333";

std::string lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : "\n") + x;
  return out;
}

MetadataRecord record(CompileContext& cx, const Vpc& vpc, const Instance& in) {
  const Scenario& sc = cx.sc;
  const Subnet& sub = vpc.subnets.at(in.subnet);
  const std::string seed = sc.name + "/" + vpc.name;
  const std::string zone = sc.zone_of(sub);
  const std::string id = aws_id("i", sc.name + "/" + in.name);
  const std::string mac = cx.end(endpoint_ns_name(sc.name, in.name), "eth0").mac;
  const std::vector<std::string> groups = effective_groups(in);
  std::vector<std::string> group_ids;
  for (const auto& g : groups) group_ids.push_back(aws_id("sg", seed + "/" + g));
  MetadataRecord r;
  r.tokens_required = in.metadata.tokens_required;
  r.hop_limit = in.metadata.hop_limit;
  auto& m = r.leaves;
  const std::string nic = "meta-data/network/interfaces/macs/" + mac + "/";
  m["meta-data/instance-id"] = id;
  m["meta-data/mac"] = mac;
  m["meta-data/placement/region"] = sc.region;
  m["meta-data/placement/availability-zone"] = zone;
  m["meta-data/security-groups"] = lines(groups);
  m["meta-data/iam/"] = "";  // no instance profile
  m[nic + "device-number"] = "0";
  m[nic + "interface-id"] = aws_id("eni", sc.name + "/" + in.name);
  m[nic + "mac"] = mac;
  m[nic + "owner-id"] = kAccount;
  m[nic + "security-group-ids"] = lines(group_ids);
  m[nic + "security-groups"] = lines(groups);
  m[nic + "subnet-id"] = aws_id("subnet", seed + "/" + sub.name);
  m[nic + "vpc-id"] = aws_id("vpc", seed);
  nlohmann::json doc = {{"accountId", kAccount},    {"architecture", "x86_64"},
                        {"availabilityZone", zone}, {"instanceId", id},
                        {"region", sc.region},      {"version", "2017-09-30"},
                        {"privateIp", nullptr}};
  if (auto ip = cx.addr.private_ip.find(in.name); ip != cx.addr.private_ip.end()) {
    const std::string name = private_dns_name(ip->second, sc.region);
    r.addresses.push_back(ip->second.str());
    m["meta-data/local-ipv4"] = ip->second.str();
    m["meta-data/hostname"] = name;
    m["meta-data/local-hostname"] = name;
    m[nic + "local-ipv4s"] = ip->second.str();
    m[nic + "local-hostname"] = name;
    m[nic + "subnet-ipv4-cidr-block"] = sub.cidr->str();
    m[nic + "vpc-ipv4-cidr-block"] = vpc.cidr->str();
    m[nic + "vpc-ipv4-cidr-blocks"] = vpc.cidr->str();
    doc["privateIp"] = ip->second.str();
  }
  if (auto p = cx.addr.public_ip.find(in.name); p != cx.addr.public_ip.end()) {
    const std::string name = public_dns_name(p->second, sc.region);
    m["meta-data/public-ipv4"] = p->second.str();
    m["meta-data/public-hostname"] = name;
    m[nic + "public-ipv4s"] = p->second.str();
    m[nic + "public-hostname"] = name;
  }
  if (auto v6 = cx.addr.ipv6.find(in.name); v6 != cx.addr.ipv6.end()) {
    r.addresses.push_back(v6->second.str());
    m["meta-data/ipv6"] = v6->second.str();
    m[nic + "ipv6s"] = v6->second.str();
    m[nic + "subnet-ipv6-cidr-blocks"] = sub.ipv6_cidr->str();
    m[nic + "vpc-ipv6-cidr-blocks"] = vpc.ipv6_cidr->str();
  }
  m["dynamic/instance-identity/document"] = doc.dump(2);
  return r;
}

}  // namespace

void metadata(CompileContext& cx, const Vpc& vpc, const std::string& rns) {
  if (vpc.instances.empty()) return;
  std::vector<MetadataRecord> records;
  for (const auto& [_, in] : vpc.instances) records.push_back(record(cx, vpc, in));
  const std::string file = state_paths::metadata_file(vpc.name);
  cx.plan.files.push_back({file, metadata_records_json(records)});
  ProcessPlan p{rns,
                "metadata-" + vpc.name,
                {"@self", "metadata-service", "--data", state_paths::kStatePrefix + file,
                 "--listen", kMetadataIpv4.str()},
                "/",
                "",
                {},
                true};
  cx.plan.addrs.push_back({rns, "lo", Cidr{kMetadataIpv4, 32}});
  if (vpc.ipv6_cidr) {
    cx.plan.addrs.push_back({rns, "lo", IpPrefix(kMetadataIpv6, 128)});
    p.argv.insert(p.argv.end(), {"--listen", kMetadataIpv6.str()});
  }
  p.ready_file = state_paths::process_log(p.name);
  p.ready_text = "listening";
  p.ready_before_next = false;  // nothing depends on it: awaited with the rest
  cx.plan.processes.push_back(p);
}

}  // namespace vpcemu::compiling
