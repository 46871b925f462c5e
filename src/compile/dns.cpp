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
    if (uses_dns64(vpc)) dns64(cx, vpc, rns, ip);
  }
}

bool uses_dns64(const Vpc& vpc) {
  for (const auto& [_, s] : vpc.subnets)
    if (s.dns64) return true;
  return false;
}

// DNS64: unbound in the router on kDns64Ipv6, in front of dnsmasq, synthesizing AAAA records
// in 64:ff9b::/96 for names that have only A records. Queries of a dns64 subnet's ENIs to
// fd00:ec2::253 are sent there (router_rules); everyone else keeps the plain answers.
void dns64(CompileContext& cx, const Vpc& vpc, const std::string& rns, Ipv4 resolver) {
  const std::string dir = state_paths::dns64_dir(vpc.name);
  const std::string at = std::string(state_paths::kStatePrefix) + dir;
  cx.plan.addrs.push_back({rns, "lo", IpPrefix(kDns64Ipv6, 128)});
  cx.plan.files.push_back({dir + "/unbound.conf",
                           "server:\n"
                           "  interface: " +
                               kDns64Ipv6.str() +
                               "\n"
                               "  port: 53\n"
                               "  do-daemonize: no\n"
                               "  username: \"\"\n"
                               "  chroot: \"\"\n"
                               "  directory: \"" +
                               at +
                               "\"\n"
                               "  pidfile: \"\"\n"
                               "  use-syslog: no\n"
                               "  logfile: \"\"\n"
                               "  access-control: ::/0 allow\n"
                               "  module-config: \"dns64 iterator\"\n"
                               "  dns64-prefix: " +
                               kNat64Prefix.str() +
                               "\n"
                               "  do-not-query-localhost: no\n"
                               "  qname-minimisation: no\n"
                               "  cache-max-ttl: 0\n"
                               "forward-zone:\n"
                               "  name: \".\"\n"
                               "  forward-addr: " +
                               resolver.str() + "\n"});
  cx.plan.processes.push_back(
      {rns, "dns64-" + vpc.name, {"unbound", "-d", "-c", at + "/unbound.conf"}, "/", "", {}, true});
}

}  // namespace vpcemu::compiling
