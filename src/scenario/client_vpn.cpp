// Client VPN endpoints: VPC, subnets, client CIDR, transport, authorization rules, clients.
#include "scenario/parsers.h"

namespace vpcemu::parsing {

void parse_client_vpns(Reader& rd, Scenario& sc, const yaml::Node& v) {
  rd.each_resource(
      v, "client_vpn_endpoints", sc.client_vpn_endpoints,
      [&](ClientVpnEndpoint& e, const yaml::Node& ev) {
        const std::string& n = e.name;
        const SourceSpan nks = e.span;
        rd.each_key(
            ev, "client VPN endpoint '" + n + "'",
            {"vpc", "subnets", "client_cidr", "transport", "authorization", "clients"},
            [&](const std::string& k, SourceSpan ks, const yaml::Node& x) {
              if (k == "vpc") {
                rd.into(x, "vpc", ks, e.vpc, e.vpc_span);
              } else if (k == "subnets") {
                rd.names(x, ks, "subnets", e.subnets, e.subnet_spans);
              } else if (k == "client_cidr") {
                rd.into(x, "client_cidr", ks, e.client_cidr, e.client_cidr_span);
              } else if (k == "transport") {
                e.transport_span = rd.span(x, ks);
                if (auto t = rd.scalar(x, "transport", ks)) {
                  if (*t == "openvpn")
                    e.transport = ClientVpnTransport::kOpenvpn;
                  else if (*t == "wireguard")
                    e.transport = ClientVpnTransport::kWireguard;
                  else
                    rd.d.error(e.transport_span,
                               "unknown transport '" + *t + "'; use openvpn or wireguard");
                }
              } else if (k == "authorization") {
                if (!x.IsSequence()) {
                  rd.d.error(rd.span(x, ks),
                             "authorization must be a list of { destination: CIDR }");
                  return;
                }
                for (const auto& r : x) {
                  rd.each_key(r, "authorization rule", {"destination", "description"},
                              [&](const std::string& rk, SourceSpan rks, const yaml::Node& rv) {
                                if (rk != "destination") return;
                                if (auto c = rd.cidr(rv, "destination", rks)) {
                                  e.authorization.push_back(*c);
                                  e.authorization_spans.push_back(rd.span(rv, rks));
                                }
                              });
                }
              } else if (k == "clients") {
                rd.each_named(
                    x, "clients", [&](const std::string& cn, SourceSpan cks, const yaml::Node& cv) {
                      rd.each_key(cv, "client '" + cn + "'", {"description"},
                                  [](const std::string&, SourceSpan, const yaml::Node&) {});
                      e.clients.emplace(cn, cks);
                    });
              }
            });
        if (rd.mapping_or_empty(ev)) {
          for (const char* key : {"vpc", "subnets", "client_cidr"})
            if (!ev[key]) rd.d.error(nks, "client VPN endpoint '" + n + "' has no '" + key + "'");
        }
      });
}

}  // namespace vpcemu::parsing
