// AmazonProvidedDNS: dnsmasq in the VPC router on base + 2 and 169.254.169.253 (and, in a VPC
// with IPv6, on fd00:ec2::253 as on Nitro instances), answering as Route 53 Resolver does in a
// VPC: instances' private (and public) DNS names, endpoints' private DNS, private hosted zones.
#include <algorithm>

#include "compile/constructs.h"
#include "compile/state_paths.h"

namespace vpcemu::compiling {

// The names AmazonProvidedDNS answers in a VPC, as hosts-file lines: each instance's private
// DNS name (ip-10-0-1-10.ec2.internal; an IPv6-only instance its resource name,
// i-0….ec2.internal) with its A and AAAA records, with enable_dns_hostnames its public DNS name
// answered with the private address (split horizon), the services' names (or an interface
// endpoint's addresses where private DNS is on), and the A/AAAA records of the private hosted
// zones associated with the VPC. No bare instance names unless `dns_instance_names` opts in.
std::string vpc_hosts(CompileContext& cx, const Vpc& vpc) {
  const std::string& region = cx.sc.region;
  std::string hosts;
  auto line = [&](const IpAddr& a, const std::vector<std::string>& names) {
    hosts += hosts_line(a, names);
  };
  for (const auto& [iname, in] : vpc.instances) {
    auto a = cx.addr.private_ip.find(iname);
    auto a6 = cx.addr.ipv6.find(iname);
    std::vector<std::string> names;
    if (a != cx.addr.private_ip.end())
      names.push_back(private_dns_name(a->second, region));
    else
      names.push_back(aws_id("i", cx.sc.name + "/" + iname) + "." + private_dns_suffix(region));
    if (auto p = cx.addr.public_ip.find(iname);
        p != cx.addr.public_ip.end() && vpc.enable_dns_hostnames)
      names.push_back(public_dns_name(p->second, region));
    if (vpc.dns_instance_names) names.push_back(iname);
    if (a != cx.addr.private_ip.end()) line(a->second, names);
    if (a6 != cx.addr.ipv6.end()) line(a6->second, names);  // AAAA beside A
  }
  for (const auto& [name, svc] : cx.sc.services) {
    if (auto it = cx.private_dns.find({vpc.name, name}); it != cx.private_dns.end()) {
      for (const auto& a : it->second) line(a, svc.dns_names);
      continue;
    }
    line(svc.address(), svc.dns_names);
  }
  for (const auto& [_, z] : cx.sc.private_hosted_zones) {
    if (!z.associated(vpc.name)) continue;
    for (const auto& r : z.records)
      if (r.type == "A" || r.type == "AAAA")
        for (const auto& v : r.values) line(*IpAddr::parse(v), {z.fqdn(r.name)});
  }
  return hosts;
}

// AmazonProvidedDNS: dnsmasq in the VPC router on the VPC's base + 2 and 169.254.169.253
// (fd00:ec2::253 too with IPv6); nothing answers where enable_dns_support is off.
void dns(CompileContext& cx, const Vpc& vpc, const std::string& rns) {
  const Ipv4 ip = vpc.cidr->at(2);
  const std::string search = "search " + private_dns_suffix(cx.sc.region) + "\n";
  cx.plan.files.push_back(
      {state_paths::resolv_conf(vpc.name), "nameserver " + ip.str() + "\n" + search});
  if (vpc.ipv6_cidr)
    cx.plan.files.push_back({state_paths::resolv_conf_ipv6(vpc.name),
                             "nameserver " + kResolverIpv6.str() + "\n" + search});
  if (!vpc.enable_dns_support) return;
  cx.plan.addrs.push_back({rns, "lo", Cidr{ip, 32}});
  cx.plan.addrs.push_back({rns, "lo", Cidr{kResolverIpv4, 32}});
  cx.plan.files.push_back({state_paths::dns_dir(vpc.name) + "/hosts", vpc_hosts(cx, vpc)});
  ProcessPlan p = dnsmasq(
      rns, "dns-" + vpc.name,
      ip.str() + "," + kResolverIpv4.str() + (vpc.ipv6_cidr ? "," + kResolverIpv6.str() : ""),
      state_paths::dns_dir(vpc.name));
  // A private hosted zone's names are NXDOMAIN in the VPCs it is not associated with, as any
  // name nothing here knows. The zones' CNAMEs are dnsmasq arguments.
  for (const auto& [zname, z] : cx.sc.private_hosted_zones) {
    if (!z.associated(vpc.name)) continue;
    for (const auto& r : z.records)
      if (r.type == "CNAME") p.argv.push_back("--cname=" + z.fqdn(r.name) + "," + r.values[0]);
  }
  cx.plan.processes.push_back(p);
  if (vpc.ipv6_cidr) {
    cx.plan.addrs.push_back({rns, "lo", IpPrefix(kResolverIpv6, 128)});
    if (uses_dns64(vpc)) dns64(cx, vpc, rns, ip);
  }
}

std::string hosts_line(const IpAddr& a, const std::vector<std::string>& names) {
  std::string line = a.str();
  for (const auto& n : names) line += " " + n;
  return line + "\n";
}

// dnsmasq watches the directory (inotify): a live change rewrites the file, no restart. A name
// nothing here knows is NXDOMAIN (--local=/#/): the emulated world has no other resolver. It
// stays root (--user=root) and keeps its group (an empty --group: no setgroups/setgid, which a
// rootless sandbox without subordinate ids refuses).
ProcessPlan dnsmasq(const std::string& ns, const std::string& name, const std::string& listen,
                    const std::string& dir) {
  return {ns,
          name,
          {"dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
           "--no-poll", "--bind-interfaces", "--listen-address=" + listen,
           "--hostsdir=" + std::string(state_paths::kStatePrefix) + dir,
           "--pid-file=", "--log-facility=-", "--user=root", "--group=", "--local=/#/"},
          "/",
          "",
          {},
          true};
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
