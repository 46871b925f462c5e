// Instance metadata: the metadata service in the VPC router on 169.254.169.254 (and
// fd00:ec2::254 in a VPC with IPv6), and each instance's metadata as EC2 gives it.
#include "compile/constructs.h"
#include "compile/security.h"
#include "compile/state_paths.h"
#include "daemons/metadata_service.h"

namespace vpcemu::compiling {

namespace {

// The account every resource of a scenario belongs to (AWS documentation's example account).
constexpr const char* kAccount = "111122223333";

MetadataFacts facts(CompileContext& cx, const Vpc& vpc, const Instance& in) {
  const Scenario& sc = cx.sc;
  const Subnet& sub = vpc.subnets.at(in.subnet);
  const std::string seed = sc.name + "/" + vpc.name;
  MetadataFacts f;
  f.instance_id = aws_id("i", sc.name + "/" + in.name);
  f.mac = cx.end(endpoint_ns_name(sc.name, in.name), "eth0").mac;
  f.region = sc.region;
  f.zone = sc.zone_of(sub);
  f.account = kAccount;
  f.eni_id = aws_id("eni", sc.name + "/" + in.name);
  f.subnet_id = aws_id("subnet", seed + "/" + sub.name);
  f.vpc_id = aws_id("vpc", seed);
  f.groups = effective_groups(in);
  for (const auto& g : f.groups) f.group_ids.push_back(aws_id("sg", seed + "/" + g));
  f.tokens_required = in.metadata.tokens_required;
  f.hop_limit = in.metadata.hop_limit;
  if (auto ip = cx.addr.private_ip.find(in.name); ip != cx.addr.private_ip.end()) {
    f.private_ip = ip->second.str();
    f.private_dns = private_dns_name(ip->second, sc.region);
    f.subnet_cidr = sub.cidr->str();
    f.vpc_cidr = vpc.cidr->str();
  }
  if (auto p = cx.addr.public_ip.find(in.name); p != cx.addr.public_ip.end()) {
    f.public_ip = p->second.str();
    f.public_dns = public_dns_name(p->second, sc.region);
  }
  if (auto v6 = cx.addr.ipv6.find(in.name); v6 != cx.addr.ipv6.end()) {
    f.ipv6 = v6->second.str();
    f.subnet_ipv6_cidr = sub.ipv6_cidr->str();
    f.vpc_ipv6_cidr = vpc.ipv6_cidr->str();
  }
  return f;
}

}  // namespace

void metadata(CompileContext& cx, const Vpc& vpc, const std::string& rns) {
  if (vpc.instances.empty()) return;
  std::vector<MetadataFacts> instances;
  instances.reserve(vpc.instances.size());
  for (const auto& [_, in] : vpc.instances) instances.push_back(facts(cx, vpc, in));
  const std::string file = state_paths::metadata_file(vpc.name);
  cx.plan.files.push_back({file, metadata_facts_json(instances)});
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
