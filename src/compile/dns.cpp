// AmazonProvidedDNS: dnsmasq in the VPC router on base + 2 (and, in a VPC with IPv6, on
// fd00:ec2::253 as on Nitro instances), answering for instances (A and AAAA) and endpoints'
// private DNS.
#include <algorithm>

#include "compile/constructs.h"
#include "compile/state_paths.h"

namespace vpcemu::compiling {

// AmazonProvidedDNS: dnsmasq in the VPC router on the VPC's base + 2.
void dns(CompileContext& cx, const Vpc& vpc, const std::string& rns) {
  const Ipv4 ip = vpc.cidr->at(2);
  cx.plan.addrs.push_back({rns, "lo", Cidr{ip, 32}});
  std::string hosts;
  for (const auto& [iname, in] : vpc.instances) {
    auto a = cx.addr.private_ip.find(iname);
    auto a6 = cx.addr.ipv6.find(iname);
    if (a == cx.addr.private_ip.end()) {
      // IPv6 only: a resource name, as AWS gives IPv6-only instances (no IPv4 to spell).
      hosts += a6->second.str() + " " + iname + ".ec2.internal " + iname + "\n";
      continue;
    }
    std::string dashed = a->second.str();
    std::replace(dashed.begin(), dashed.end(), '.', '-');
    const std::string names = " ip-" + dashed + ".ec2.internal ip-" + dashed + " " + iname + "\n";
    hosts += a->second.str() + names;
    if (a6 != cx.addr.ipv6.end()) hosts += a6->second.str() + names;  // AAAA beside A
  }
  for (const auto& [name, svc] : cx.sc.services) {
    if (auto it = cx.private_dns.find({vpc.name, name}); it != cx.private_dns.end()) {
      for (const auto& a : it->second) {
        hosts += a.str();
        for (const auto& n : svc.dns_names) hosts += " " + n;
        hosts += "\n";
      }
      continue;
    }
    hosts += svc.address().str();
    for (const auto& n : svc.dns_names) hosts += " " + n;
    hosts += "\n";
  }
  // dnsmasq watches the directory (inotify): a live change rewrites the file, no restart.
  const std::string file = state_paths::dns_dir(vpc.name) + "/hosts";
  cx.plan.files.push_back({file, hosts});
  cx.plan.processes.push_back(
      {rns,
       "dns-" + vpc.name,
       {"dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
        "--no-poll", "--bind-interfaces",
        "--listen-address=" + ip.str() + (vpc.ipv6_cidr ? "," + kResolverIpv6.str() : ""),
        "--hostsdir=" + std::string(state_paths::kStatePrefix) + state_paths::dns_dir(vpc.name),
        "--pid-file=", "--log-facility=-", "--user=root"},
       "/",
       "",
       {},
       true});
  cx.plan.files.push_back(
      {state_paths::resolv_conf(vpc.name), "nameserver " + ip.str() + "\nsearch ec2.internal\n"});
  if (vpc.ipv6_cidr) {
    cx.plan.addrs.push_back({rns, "lo", IpPrefix(kResolverIpv6, 128)});
    cx.plan.files.push_back({state_paths::resolv_conf_ipv6(vpc.name),
                             "nameserver " + kResolverIpv6.str() + "\nsearch ec2.internal\n"});
  }
}

}  // namespace vpcemu::compiling
