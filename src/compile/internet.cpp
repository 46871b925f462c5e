// The emulated internet: its router namespace, the hosts on it, and the emulated AWS public
// services (an HTTP responder each, reached through links that remember where a request came in).
#include "compile/constructs.h"
#include "compile/state_paths.h"

namespace vpcemu::compiling {

namespace {

// Public DNS on the emulated internet (dnsmasq in its router on kPublicResolver): the services'
// names and the public DNS names of instances in VPCs with enable_dns_hostnames, answered with
// public addresses (inside their VPC the same names give the private address), NXDOMAIN for
// anything else. Internet and office hosts use it.
void public_dns(CompileContext& cx) {
  std::string hosts;
  for (const auto& [_, svc] : cx.sc.services) hosts += hosts_line(svc.address(), svc.dns_names);
  for (const auto& [_, vpc] : cx.sc.vpcs) {
    if (!vpc.enable_dns_hostnames) continue;
    for (const auto& [iname, _] : vpc.instances)
      if (auto p = cx.addr.public_ip.find(iname); p != cx.addr.public_ip.end())
        hosts += hosts_line(p->second, {public_dns_name(p->second, cx.sc.region)});
  }
  const std::string dir = state_paths::public_dns_dir();
  cx.plan.files.push_back({dir + "/hosts", hosts});
  cx.plan.files.push_back(
      {state_paths::internet_resolv_conf(), "nameserver " + kPublicResolver.str() + "\n"});
  cx.plan.addrs.push_back({cx.inet_ns, "lo", Cidr{kPublicResolver, 32}});
  cx.plan.processes.push_back(dnsmasq(cx.inet_ns, "dns-internet", kPublicResolver.str(), dir));
}

}  // namespace

void internet(CompileContext& cx) {
  cx.inet_ns = ns_name(cx.sc.name, "net", "internet");
  cx.add_ns(cx.inet_ns, "internet", "the emulated internet", true);
  public_dns(cx);
}

void host(CompileContext& cx, const InternetHost& h) {
  std::string ns = endpoint_ns_name(cx.sc.name, h.name);
  cx.add_ns(ns, "host", "internet host " + h.name, false);
  const std::string port = cx.internet_stub(ns, h.name, *h.ip, "internet host " + h.name);
  if (h.ipv6) cx.ipv6_stub(cx.inet_ns, port, ns, "eth0", *h.ipv6, "internet host " + h.name);
  cx.plan.endpoints.push_back({h.name,
                               "host",
                               ns,
                               "",
                               "",
                               *h.ip,
                               std::nullopt,
                               {},
                               state_paths::internet_resolv_conf(),
                               h.ipv6});
}

// The internet routes a VPC's /56 to its internet gateway. A connection that left through the
// VPC's egress-only gateway must have its replies come back the same way (that gateway tracks
// it; without them it would drop the connection's next packet): the reply paths of the
// internet router's ports to egress-only gateways.
void egress_only_returns(CompileContext& cx) {
  NftTable t;
  cx.reply_paths(cx.inet_ns, t);
  if (!t.objects.empty()) cx.plan.nft.push_back({cx.inet_ns, std::move(t)});
}

// An emulated AWS service: answers HTTP on 80 and 443 with the source address it saw.
void service(CompileContext& cx, const Service& svc) {
  std::string ns = ns_name(cx.sc.name, "svc", svc.name);
  cx.add_ns(ns, "service", "emulated AWS service " + svc.name, true);
  cx.internet_stub(ns, svc.name, svc.address(), "AWS service " + svc.name);
  cx.plan.processes.push_back(
      {ns,
       "service-" + svc.name,
       {"@self", "service-responder", "--name", svc.name, "--port", "80", "--port", "443"},
       "/",
       "",
       {},
       true});
  cx.plan.endpoints.push_back(
      {svc.name, "service", ns, "", "", svc.address(), std::nullopt, {}, ""});
  NftTable t;
  cx.reply_paths(ns, t);
  if (!t.objects.empty()) cx.plan.nft.push_back({ns, std::move(t)});
}

}  // namespace vpcemu::compiling
