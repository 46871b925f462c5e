// AmazonProvidedDNS: dnsmasq in the VPC router on base + 2, answering for instances and endpoints'
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
    Ipv4 a = cx.addr.private_ip.at(iname);
    std::string dashed = a.str();
    std::replace(dashed.begin(), dashed.end(), '.', '-');
    hosts += a.str() + " ip-" + dashed + ".ec2.internal ip-" + dashed + " " + iname + "\n";
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
        "--no-poll", "--bind-interfaces", "--listen-address=" + ip.str(),
        "--hostsdir=" + std::string(state_paths::kStatePrefix) + state_paths::dns_dir(vpc.name),
        "--pid-file=", "--log-facility=-", "--user=root"},
       "/",
       "",
       {},
       true});
  cx.plan.files.push_back(
      {state_paths::resolv_conf(vpc.name), "nameserver " + ip.str() + "\nsearch ec2.internal\n"});
}

}  // namespace vpcemu::compiling
