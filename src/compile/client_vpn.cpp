// Client VPN: the endpoint's ENI and public address, OpenVPN (mutual TLS) or WireGuard,
// authorization rules and source NAT; each client a namespace on the internet running the real
// client.
#include "compile/constructs.h"
#include "compile/state_paths.h"

namespace vpcemu::compiling {

namespace {

// Both ends of an OpenVPN client VPN: a TUN over UDP, the scenario's CA, AES-GCM, and no
// data-channel offload (the ovpn-dco module is not in this kernel).
const std::vector<std::string> kOpenvpnCommon = {
    "--dev", "tun0",   "--dev-type",     "tun",         "--proto",      "udp",
    "--ca",  "ca.crt", "--data-ciphers", "AES-256-GCM", "--disable-dco"};

}  // namespace

// OpenVPN: a CA, the server's certificate (serverAuth) and one per client (clientAuth),
// made for the scenario; the server hands out the client CIDR and pushes authorized routes.
void openvpn_endpoint(CompileContext& cx, const ClientVpnEndpoint& e, const std::string& ens,
                      Ipv4 pub) {
  const std::string& name = e.name;
  const std::string dir = state_paths::kStatePrefix + state_paths::cvpn_dir(name);
  cx.plan.files.push_back({state_paths::cvpn_dir(name) + "/ext.cnf",
                           "[server]\nbasicConstraints = CA:FALSE\n"
                           "keyUsage = critical,digitalSignature,keyAgreement\n"
                           "extendedKeyUsage = serverAuth\n"
                           "[client]\nbasicConstraints = CA:FALSE\n"
                           "keyUsage = critical,digitalSignature,keyAgreement\n"
                           "extendedKeyUsage = clientAuth\n"});
  auto openssl = [&](const std::string& step, std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    ProcessPlan p{ens, "cvpn-" + name + "-" + step, args, dir, "", {}, true};
    p.wait_exit = true;
    cx.plan.processes.push_back(p);
  };
  const std::vector<std::string> ec = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                       "-nodes"};
  auto with = [](std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  openssl("ca",
          with({"req", "-x509"}, with(ec, {"-keyout", "ca.key", "-out", "ca.crt", "-days", "30",
                                           "-subj", "/CN=vpcemu " + cx.sc.name + " " + name + " CA",
                                           "-addext", "basicConstraints=critical,CA:TRUE",
                                           "-addext", "keyUsage=critical,keyCertSign,cRLSign"})));
  std::vector<std::pair<std::string, std::string>> certs = {{"server", "server"}};
  for (const auto& [client, _] : e.clients) certs.push_back({client, "client"});
  for (const auto& [who, kind] : certs) {
    openssl(who + "-key", with({"req"}, with(ec, {"-keyout", who + ".key", "-out", who + ".csr",
                                                  "-subj", "/CN=" + who})));
    openssl(who + "-cert", {"x509", "-req", "-in", who + ".csr", "-CA", "ca.crt", "-CAkey",
                            "ca.key", "-CAcreateserial", "-out", who + ".crt", "-days", "30",
                            "-extfile", "ext.cnf", "-extensions", kind});
  }
  const Cidr pool = *e.client_cidr;
  std::vector<std::string> server = {"openvpn",
                                     "--local",
                                     pub.str(),
                                     "--port",
                                     "1194",
                                     "--server",
                                     pool.network().str(),
                                     Ipv4{pool.mask()}.str(),
                                     "--topology",
                                     "subnet",
                                     "--cert",
                                     "server.crt",
                                     "--key",
                                     "server.key",
                                     "--dh",
                                     "none",
                                     "--verify-client-cert",
                                     "require",
                                     "--keepalive",
                                     "1",
                                     "5",
                                     "--status",
                                     state_paths::kOpenvpnStatusFile,
                                     "1",
                                     "--status-version",
                                     "2"};
  server.insert(server.end(), kOpenvpnCommon.begin(), kOpenvpnCommon.end());
  for (const auto& a : e.authorization) {
    server.push_back("--push");
    server.push_back("route " + a.network().str() + " " + Ipv4{a.mask()}.str());
  }
  ProcessPlan sp{ens, "cvpn-" + name + "-server", server, dir, "", {}, true};
  // Clients start once the server listens: a first packet into nothing costs a 2 s retry.
  sp.ready_file = state_paths::process_log(sp.name);
  sp.ready_text = "Initialization Sequence Completed";
  cx.plan.processes.push_back(sp);
}

void openvpn_clients(CompileContext& cx, const ClientVpnEndpoint& e, Ipv4 pub) {
  const std::string dir = state_paths::kStatePrefix + state_paths::cvpn_dir(e.name);
  for (const auto& [client, _] : e.clients) {
    std::string cns = endpoint_ns_name(cx.sc.name, client);
    std::vector<std::string> argv = {
        "openvpn",           "--client", "--remote",           pub.str(), "1194",
        "--nobind",          "--cert",   client + ".crt",      "--key",   client + ".key",
        "--remote-cert-tls", "server",   "--verify-x509-name", "server",  "name"};
    argv.insert(argv.end(), kOpenvpnCommon.begin(), kOpenvpnCommon.end());
    ProcessPlan p{cns, "cvpn-client-" + client, argv, dir, "", {}, true};
    p.ready_file = state_paths::process_log(p.name);
    p.ready_text = "Initialization Sequence Completed";
    p.ready_before_next = false;  // clients connect at once; `up` awaits them as tunnels
    cx.plan.processes.push_back(p);
  }
}

// WireGuard (wireguard-go, userspace): X25519 keys made for the scenario; the server is the
// client CIDR's first address, clients the next ones in name order.
void x25519_key(CompileContext& cx, const ClientVpnEndpoint& e, const std::string& ns,
                const std::string& who) {
  const std::string dir = state_paths::kStatePrefix + state_paths::cvpn_dir(e.name);
  ProcessPlan k{ns,
                "cvpn-" + e.name + "-" + who + "-key",
                {"openssl", "genpkey", "-algorithm", "x25519", "-out", who + ".key.pem"},
                dir,
                "",
                {},
                true};
  k.wait_exit = true;
  ProcessPlan p{ns,
                "cvpn-" + e.name + "-" + who + "-pub",
                {"openssl", "pkey", "-in", who + ".key.pem", "-pubout", "-out", who + ".pub.pem"},
                dir,
                "",
                {},
                true};
  p.wait_exit = true;
  cx.plan.processes.push_back(k);
  cx.plan.processes.push_back(p);
}

void wireguard_endpoint(CompileContext& cx, const ClientVpnEndpoint& e, const std::string& ens,
                        Ipv4) {
  const std::string key = state_paths::cvpn_dir(e.name) + "/";
  x25519_key(cx, e, ens, "server");
  for (const auto& [client, _] : e.clients) x25519_key(cx, e, ens, client);
  std::string uapi = "set=1\nprivate_key=@key:" + key + "server.key.pem\nlisten_port=51820\n";
  for (const auto& [client, _] : e.clients) {
    uapi += "public_key=@pub:" + key + client +
            ".pub.pem\nallowed_ip=" + client_vpn_address(e, client).str() + "/32\n";
  }
  ProcessPlan p{ens,
                "cvpn-" + e.name + "-server",
                {"wireguard-go", "-f", "wg0"},
                state_paths::kStatePrefix + state_paths::cvpn_dir(e.name),
                "",
                {},
                true};
  p.wireguard =
      WireguardSetup{"wg0", uapi + "\n", Cidr{e.client_cidr->at(1), e.client_cidr->prefix}, {}};
  cx.plan.processes.push_back(p);
}

void wireguard_clients(CompileContext& cx, const ClientVpnEndpoint& e, Ipv4 pub) {
  const std::string key = state_paths::cvpn_dir(e.name) + "/";
  for (const auto& [client, _] : e.clients) {
    std::string cns = endpoint_ns_name(cx.sc.name, client);
    std::string uapi =
        "set=1\nprivate_key=@key:" + key + client + ".key.pem\npublic_key=@pub:" + key +
        "server.pub.pem\nendpoint=" + pub.str() + ":51820\npersistent_keepalive_interval=1\n";
    for (const auto& a : e.authorization) uapi += "allowed_ip=" + a.str() + "\n";
    uapi += "allowed_ip=" + e.client_cidr->at(1).str() + "/32\n";
    ProcessPlan p{cns,
                  "cvpn-client-" + client,
                  {"wireguard-go", "-f", "wg0"},
                  state_paths::kStatePrefix + state_paths::cvpn_dir(e.name),
                  "",
                  {},
                  true};
    p.wireguard =
        WireguardSetup{"wg0", uapi + "\n",
                       Cidr{client_vpn_address(e, client), e.client_cidr->prefix}, e.authorization};
    cx.plan.processes.push_back(p);
    cx.plan.gateways.push_back(
        {"wireguard-client", e.vpc, client, cns, client_vpn_address(e, client), std::nullopt});
  }
}

// Client VPN endpoint: an ENI in the first associated subnet, a public address where clients
// connect (OpenVPN, mutual TLS with certificates made for the scenario), their traffic
// source-NATed to the ENI and allowed only to authorized destinations (AWS rule 30).
void client_vpn(CompileContext& cx, const Vpc& vpc, const std::string& rns,
                std::vector<EndpointEni>& out) {
  using Kind = NftObject::Kind;
  for (const auto& [name, e] : cx.sc.client_vpn_endpoints) {
    if (e.vpc != vpc.name || e.subnets.empty()) continue;
    const std::string sub = e.subnets[0];
    const Cidr scidr = *vpc.subnets.at(sub).cidr;
    const Ipv4 ip = cx.addr.eni_private.at(eni_key("cvpn", vpc.name, name, sub));
    const Ipv4 pub = cx.addr.tunnel_public.at("cvpn/" + name);
    std::string ens = ns_name(cx.sc.name, "cvpn", name);
    cx.add_ns(ens, "client-vpn-endpoint", "client VPN endpoint " + name, true);
    std::string port = cx.unique_ifname(rns, "c-", name);
    cx.eni_namespace(rns, ens, port, scidr, ip, "ENI of client VPN endpoint " + name, kMtuInternet,
                     *vpc.cidr);
    cx.internet_stub(ens, "cvpn-" + name, pub, "client VPN endpoint " + name, "inet");
    out.push_back({port, sub, ip});
    cx.plan.gateways.push_back({"client-vpn-endpoint", vpc.name, name, ens, ip, pub});

    const std::string tun = e.transport == ClientVpnTransport::kWireguard ? "wg0" : "tun0";
    if (e.transport == ClientVpnTransport::kWireguard) {
      wireguard_endpoint(cx, e, ens, pub);
    } else {
      openvpn_endpoint(cx, e, ens, pub);
    }
    std::string auth;
    for (const auto& a : e.authorization) auth += (auth.empty() ? "" : ", ") + a.str();
    NftTable t;
    t.objects.push_back({Kind::kChain,
                         "postrouting",
                         "type nat hook postrouting priority srcnat; policy accept;",
                         {"iifname \"" + tun + "\" oifname \"eth0\" snat ip to " + ip.str()}});
    std::vector<std::string> fwd = {"ct state established,related accept"};
    if (!auth.empty()) {
      fwd.push_back("iifname \"" + tun + "\" oifname \"eth0\" ip daddr { " + auth + " } accept");
    }
    fwd.push_back("counter comment \"no authorization rule allows it\"");
    t.objects.push_back(
        {Kind::kChain, "forward", "type filter hook forward priority filter; policy drop;", fwd});
    cx.plan.nft.push_back({ens, std::move(t)});

    for (const auto& [client, _] : e.clients) {
      std::string cns = endpoint_ns_name(cx.sc.name, client);
      cx.add_ns(cns, "vpn-client", "client VPN client " + client, false);
      cx.internet_stub(cns, client, cx.addr.tunnel_public.at("client/" + client),
                       "client VPN client " + client);
      cx.plan.endpoints.push_back({client,
                                   "vpn-client",
                                   cns,
                                   vpc.name,
                                   name,
                                   cx.addr.tunnel_public.at("client/" + client),
                                   std::nullopt,
                                   {},
                                   ""});
    }
    if (e.transport == ClientVpnTransport::kWireguard)
      wireguard_clients(cx, e, pub);
    else
      openvpn_clients(cx, e, pub);
  }
}

}  // namespace vpcemu::compiling
