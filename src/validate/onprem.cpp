// On-premises networks: a public router address, a private LAN, hosts inside it.
#include "validate/checks.h"

namespace vpcemu::validation {

void validate_onprem(Validation& v) {
  const Scenario& sc = v.sc;
  Diagnostics& d = v.d;
  // On-premises networks: a public router address, a private LAN, hosts inside it.
  for (const auto& [oname, o] : sc.onprem) {
    if (o.public_ip)
      v.claim_public(*o.public_ip, "the router of on-premises network '" + oname + "'",
                     o.public_ip_span);
    for (const auto& [hname, h] : o.hosts) {
      v.claim(hname, h.span, "on-premises host");
      if (h.ip && o.cidr && !o.cidr->contains(*h.ip)) {
        d.error(h.ip_span,
                "on-premises host '" + hname + "' (" + h.ip->str() +
                    ") is outside its network's CIDR " + o.cidr->str(),
                {{o.cidr_span, "the CIDR of '" + oname + "'"}});
      } else if (h.ip && o.cidr && (*h.ip == o.cidr->network() || *h.ip == o.cidr->last())) {
        d.error(h.ip_span,
                h.ip->str() + " is the network or broadcast address of " + o.cidr->str());
      } else if (h.ip && o.cidr && *h.ip == o.cidr->at(1)) {
        d.error(h.ip_span,
                h.ip->str() + " is the office router's own LAN address in " + o.cidr->str());
      }
    }
  }
}

}  // namespace vpcemu::validation
