#!/usr/bin/env python3
"""A scenario whose group 'big' has N rules and whose NACL 'big' has N rules (scale tests).

Group rule i admits tcp port 10000+i from 10.<i/250>.<i%250>.0/24; one more rule admits the
client (198.51.100.20) on port 5201 (iperf3). NACL rule i (number i+1) covers tcp port
20000+i from 198.51.100.0/24 and allows odd i, denies even i; rule 32000 then allows all.
"""
import argparse

ap = argparse.ArgumentParser(description=__doc__)
ap.add_argument("rules", type=int)
ap.add_argument("--name", default="rules")
ap.add_argument("--sg-rules", type=int, help="group rules (default: RULES)")
ap.add_argument("--nacl-rules", type=int, help="NACL rules (default: RULES)")
ap.add_argument("--ipv6", action="store_true",
                help="dual stack: a /56, a /64 per subnet, IPv6 on both instances, and the same "
                     "rules for the VPC's IPv6 block, so traffic between them can use either family")
a = ap.parse_args()
sg = a.rules if a.sg_rules is None else a.sg_rules
nacl = a.rules if a.nacl_rules is None else a.nacl_rules

v6 = a.ipv6
out = [f"name: {a.name}", "vpcs:", "  v:", "    cidr: 10.0.0.0/16", "    internet_gateway: true"]
if v6:
    out.append("    ipv6_cidr: 2600:1f18:4a3c:6e00::/56")
out += ["    subnets:",
        "      front: { cidr: 10.0.1.0/24, route_table: rt"
        + (", ipv6_cidr: 2600:1f18:4a3c:6e01::/64" if v6 else "") + " }",
        "      back: { cidr: 10.0.2.0/24, route_table: rt, network_acl: big"
        + (", ipv6_cidr: 2600:1f18:4a3c:6e02::/64" if v6 else "") + " }",
       "    route_tables:", "      rt: { routes: [ { destination: 0.0.0.0/0, target: internet_gateway } ] }",
       "    network_acls:", "      big:", "        ingress:"]
for i in range(nacl):
    action = "allow" if i % 2 else "deny"
    out.append(f"          - {{ rule: {i + 1}, protocol: tcp, ports: {20000 + i}, source: 198.51.100.0/24, action: {action} }}")
out += ["          - { rule: 32000, protocol: all, source: 0.0.0.0/0, action: allow }"]
if v6:
    out.append('          - { rule: 32001, protocol: all, source: "::/0", action: allow }')
out += ["        egress:", "          - { rule: 100, protocol: all, destination: 0.0.0.0/0, action: allow }"]
if v6:
    out.append('          - { rule: 101, protocol: all, destination: "::/0", action: allow }')
out += [
        "    security_groups:", "      big:", "        ingress:"]
for i in range(sg):
    out.append(f"          - {{ protocol: tcp, ports: {10000 + i}, source: 10.{i // 250 + 100}.{i % 250}.0/24 }}")
out += ["          - { protocol: tcp, ports: 5201, source: 0.0.0.0/0 }",
        "          - { protocol: all, source: 10.0.0.0/16 }"]
if v6:
    out.append('          - { protocol: all, source: "2600:1f18:4a3c:6e00::/56" }')
out += [
        "          - { protocol: tcp, ports: 20000-21999, source: 198.51.100.0/24 }",
        "    instances:",
        "      a: { subnet: front, security_groups: [big]" + (", ipv6: true" if v6 else "") + " }",
        "      b: { subnet: back, public_ip: true, security_groups: [big]" + (", ipv6: true" if v6 else "") + " }",
        "internet:", "  hosts:", "    client: { ip: 198.51.100.20 }"]
print("\n".join(out))
