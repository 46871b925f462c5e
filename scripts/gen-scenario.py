#!/usr/bin/env python3
"""Generate a scenario with N instances spread over M VPCs (for scale tests and benchmarks).

Each VPC gets 10.<i>.0.0/16, an internet gateway, a public subnet routed to it and as many
private /20 subnets as its instances need; the first --public instances get public addresses.
"""
import argparse
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("instances", type=int)
    ap.add_argument("vpcs", type=int)
    ap.add_argument("--name", default="scale")
    ap.add_argument("--public", type=int, default=0, help="instances with a public address (max 253)")
    ap.add_argument("--run", default="", help="command every instance runs")
    ap.add_argument("--hosts", type=int, default=1, help="internet hosts")
    a = ap.parse_args()
    if a.vpcs < 1 or a.vpcs > 250 or a.instances < 0:
        ap.error("need 1-250 VPCs and a non-negative instance count")
    out = [f"name: {a.name}", "vpcs:"]
    per_vpc = [a.instances // a.vpcs + (1 if v < a.instances % a.vpcs else 0) for v in range(a.vpcs)]
    n = 0
    expects = []
    for v in range(a.vpcs):
        count = per_vpc[v]
        subnets = max(1, (count + 4000) // 4091)
        out += [f"  vpc-{v}:", f"    cidr: 10.{v}.0.0/16", "    internet_gateway: true", "    subnets:",
                f"      public: {{ cidr: 10.{v}.240.0/20, route_table: public }}"]
        for s in range(subnets):
            out.append(f"      private-{s}: {{ cidr: 10.{v}.{s * 16}.0/20 }}")
        out += ["    route_tables:", "      public:", "        routes:",
                "          - { destination: 0.0.0.0/0, target: internet_gateway }", "    instances:"]
        for i in range(count):
            public = n < a.public
            subnet = "public" if public else f"private-{i // 4091}"
            line = f"      i-{n}: {{ subnet: {subnet}"
            if public:
                line += ", public_ip: true"
            if a.run:
                line += f', run: "{a.run}"'
            out.append(line + " }")
            if i == 1:
                expects.append(f"  - {{ from: i-{n - 1}, to: i-{n}, protocol: icmp, result: allow }}")
            n += 1
    if a.hosts:
        out += ["internet:", "  hosts:"]
        out += [f"    host-{h}: {{ ip: 198.51.100.{10 + h} }}" for h in range(a.hosts)]
    if expects:
        out += ["expect:"] + expects
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
