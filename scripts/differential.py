#!/usr/bin/env python3
"""Differential test of `vpcemu trace` (static, the AWS model) against real packets.

    differential.py [--seed S] [--scenarios N] [--probes P] [--vpcemu PATH] [--out DIR]
                    [--no-shrink]

Generates N random scenarios from seed S (VPCs, subnets, route tables with internet and NAT
gateways, peerings, a transit gateway, blackholes and gateway endpoints; security groups with
group references; network ACLs with ordered allow and deny rules; instances with and without
public addresses; an internet host), each with P random probes as `expect:` entries. Each
scenario is brought up; `vpcemu check --explain --format json` sends real packets and beside
each verdict gives trace's: every probe where the two differ is a disagreement. For each, a
reproducer is written to DIR (the scenario with that probe only, shrunk while the disagreement
stays: resources the probe does not need removed one by one) with trace's explanation.

Prints one line per scenario and a summary with probes per second; exit 0 when trace and the
packets agree everywhere, 1 on a disagreement, 2 when a generated scenario is invalid (the
generator's bug). Needs root (it runs `vpcemu up`)."""
import argparse
import copy
import json
import os
import random
import subprocess
import sys
import time

PORTS = [22, 80, 443, 5432]
# Port ranges whose edges do not split an ephemeral range (Linux 32768-60999, a NAT gateway's
# 1024-65535): a rule that split one would make the real verdict depend on the port picked.
RANGES = [(0, 65535), (1024, 65535)]


def gen(rng, name, nprobes):
    """A random scenario as a dict (rendered by to_yaml)."""
    nv = rng.randint(1, 3)
    vpcs = {}
    all_instances = []  # (vpc, name)
    v6_ends = []  # instances with an IPv6 address
    any_v6 = False
    for i in range(nv):
        v = f"v{i}"
        base = f"10.{10 * i + 1}"
        igw = rng.random() < 0.75
        v6 = i == 0 and rng.random() < 0.5  # dual stack: an IPv6 block, its gateways
        eigw = v6 and rng.random() < 0.5
        vpc = {"cidr": f"{base}.0.0/16", "internet_gateway": igw, "subnets": {},
               "route_tables": {}, "security_groups": {}, "network_acls": {},
               "nat_gateways": {}, "instances": {}, "endpoints": {}}
        if v6:
            vpc["ipv6_cidr"] = "auto"
            vpc["egress_only_internet_gateway"] = eigw
            any_v6 = True
        ns = rng.randint(2, 3)
        subnets = [f"s{j}" for j in range(ns)]
        # s0 is public when there is a gateway: its table sends 0.0.0.0/0 there.
        if igw:
            vpc["route_tables"]["pub"] = {"routes": [{"destination": "0.0.0.0/0",
                                                      "target": "internet_gateway"}]}
            if v6 and rng.random() < 0.9:
                vpc["route_tables"]["pub"]["routes"].append(
                    {"destination": "::/0", "target": "internet_gateway"})
        nat = igw and rng.random() < 0.5
        if nat:
            vpc["nat_gateways"]["nat"] = {"subnet": "s0"}
        priv_routes = []
        if nat and rng.random() < 0.8:
            priv_routes.append({"destination": "0.0.0.0/0", "target": "nat_gateway/nat"})
        if v6 and (eigw or igw) and rng.random() < 0.8:
            priv_routes.append({"destination": "::/0", "target":
                                "egress_only_internet_gateway" if eigw else "internet_gateway"})
        vpc["route_tables"]["priv"] = {"routes": priv_routes}
        for j, s in enumerate(subnets):
            sub = {"cidr": f"{base}.{j + 1}.0/24"}
            if v6:
                sub["ipv6_cidr"] = "auto"
            if j == 0 and igw:
                sub["route_table"] = "pub"
            elif rng.random() < 0.8:
                sub["route_table"] = "priv"
            vpc["subnets"][s] = sub
        # Network ACLs: custom ones with ordered rules on some subnets.
        for k in range(rng.choice([0, 0, 1, 2])):
            acl = {"ingress": nacl_rules(rng, "source", base, v6),
                   "egress": nacl_rules(rng, "destination", base, v6)}
            vpc["network_acls"][f"acl{k}"] = acl
            s = rng.choice(subnets)
            vpc["subnets"][s]["network_acl"] = f"acl{k}"
        # Security groups: g0..g2, ingress rules with CIDRs and group references.
        groups = [f"g{k}" for k in range(rng.randint(1, 3))]
        for g in groups:
            sg = {"ingress": [sg_rule(rng, "source", base, groups, v6)
                              for _ in range(rng.randint(0, 3))]}
            if rng.random() < 0.4:
                sg["ingress"].append({"protocol": "all", "source": "0.0.0.0/0"})
            if rng.random() < 0.3:
                sg["egress"] = [sg_rule(rng, "destination", base, groups, v6)
                                for _ in range(rng.randint(0, 2))]
            vpc["security_groups"][g] = sg
        for j, s in enumerate(subnets):
            for k in range(rng.randint(1, 2)):
                n = f"{v}-{s}-{k}"
                inst = {"subnet": s}
                if rng.random() < 0.8:
                    inst["security_groups"] = rng.sample(groups, rng.randint(1, len(groups)))
                if igw and j == 0 and rng.random() < 0.7:
                    inst["public_ip"] = True
                if v6:
                    inst["ipv6"] = True
                    v6_ends.append(n)
                vpc["instances"][n] = inst
                all_instances.append((v, n))
        if rng.random() < 0.3:
            vpc["endpoints"]["s3"] = {"type": "gateway", "service": "s3",
                                      "route_tables": ["priv"]}
        vpcs[v] = vpc
    client = {"ip": "198.51.100.20"}
    if v6_ends:
        client["ipv6"] = "2001:db8:100::20"
    sc = {"name": name, "vpcs": vpcs, "internet": {"hosts": {"client": client}}}
    names = list(vpcs)
    # Peerings, each side routing the other's block or not.
    peerings = {}
    if nv >= 2 and rng.random() < 0.6:
        a, b = rng.sample(names, 2)
        peerings["p0"] = {"requester": a, "accepter": b}
        for x, y in ((a, b), (b, a)):
            if rng.random() < 0.8:
                table = rng.choice(list(vpcs[x]["route_tables"]))
                vpcs[x]["route_tables"][table]["routes"].append(
                    {"destination": vpcs[y]["cidr"], "target": "peering/p0"})
        sc["peerings"] = peerings
        # Rules may name the peer's groups.
        for x, y in ((a, b), (b, a)):
            for g in vpcs[x]["security_groups"].values():
                if rng.random() < 0.3:
                    g["ingress"].append({"protocol": "all", "source": f"vpc/{y}/sg/"
                                         + rng.choice(list(vpcs[y]["security_groups"]))})
    # A transit gateway: VPCs attached by their last subnet, one default route table.
    if nv >= 2 and rng.random() < 0.5:
        attached = rng.sample(names, rng.randint(2, nv))
        tgw = {"attachments": {}, "route_tables": {"rt": {}}, "default_route_table": "rt"}
        for v in attached:
            tgw["attachments"][v] = {"vpc": v, "subnets": [list(vpcs[v]["subnets"])[-1]]}
            for table in vpcs[v]["route_tables"]:
                if rng.random() < 0.7:
                    vpcs[v]["route_tables"][table]["routes"].append(
                        {"destination": "10.0.0.0/8", "target": "transit_gateway/hub"})
        if rng.random() < 0.3:
            victim = rng.choice(attached)
            tgw["route_tables"]["rt"]["routes"] = [
                {"destination": vpcs[victim]["cidr"].replace(".0.0/16", ".2.0/24"), "blackhole": True}]
        sc["transit_gateways"] = {"hub": tgw}
    # A blackhole now and then, for another VPC's subnet or the client.
    for v in names:
        if rng.random() < 0.2:
            dst = rng.choice(["198.51.100.20/32"] + [vpcs[o]["cidr"].replace(".0.0/16", ".1.0/24")
                                                     for o in names if o != v])
            table = rng.choice(list(vpcs[v]["route_tables"]))
            vpcs[v]["route_tables"][table]["routes"].append({"destination": dst, "target": "blackhole"})
    # Probes.
    ends = [n for _, n in all_instances] + ["client"]
    probes = []
    for _ in range(nprobes):
        six = bool(v6_ends) and rng.random() < 0.3
        pool = v6_ends + ["client"] if six else ends
        src = rng.choice(pool)
        dst = rng.choice([e for e in pool + ([] if six else ["s3"]) if e != src])
        proto = rng.choice(["tcp", "tcp", "udp", "icmp"])
        p = {"from": src, "to": dst, "protocol": proto}
        if six:
            p["ip_version"] = 6
        if proto != "icmp":
            p["port"] = rng.choice(PORTS)
        p["result"] = "allow"
        probes.append(p)
    sc["expect"] = probes
    return sc


def nacl_rules(rng, key, base, v6=False):
    rules = []
    numbers = sorted(rng.sample(range(1, 40), rng.randint(1, 4)))
    for n in numbers:
        r = {"rule": n * 10}
        proto = rng.choice(["tcp", "tcp", "udp", "icmp", "all"])
        r["protocol"] = proto
        if proto in ("tcp", "udp"):
            if rng.random() < 0.5:
                r["ports"] = rng.choice(PORTS)
            else:
                lo, hi = rng.choice(RANGES)
                r["ports"] = f"{lo}-{hi}"
        r[key] = rng.choice(["0.0.0.0/0", "0.0.0.0/0", f"{base}.0.0/16", "10.0.0.0/8",
                             "198.51.100.0/24"] + (["::/0", "::/0"] if v6 else []))
        if proto == "icmp" and r[key] == "::/0":
            r["protocol"] = "icmpv6"
        r["action"] = "allow" if rng.random() < 0.7 else "deny"
        rules.append(r)
    return rules


def sg_rule(rng, key, base, groups, v6=False):
    proto = rng.choice(["tcp", "tcp", "udp", "icmp", "all"])
    r = {"protocol": proto}
    if proto in ("tcp", "udp"):
        r["ports"] = rng.choice(PORTS)
    if key == "source" and rng.random() < 0.3:
        r[key] = "sg/" + rng.choice(groups)
    else:
        r[key] = rng.choice(["0.0.0.0/0", f"{base}.0.0/16", "10.0.0.0/8", "198.51.100.20/32",
                             f"{base}.1.0/24"] + (["::/0", "2001:db8:100::/64"] if v6 else []))
        if proto == "icmp" and ":" in r[key]:
            r["protocol"] = "icmpv6"
    return r


def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    s = str(v)
    return json.dumps(s) if any(c in s for c in ":#{}[],&*!|>'\"%@`") or s == "" else s


def to_yaml(v, indent=0):
    pad = "  " * indent
    out = []
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, dict) and x:
                out.append(f"{pad}{k}:")
                out.append(to_yaml(x, indent + 1))
            elif isinstance(x, list) and x and isinstance(x[0], dict):
                out.append(f"{pad}{k}:")
                for item in x:
                    out.append(f"{pad}  - {{ " + ", ".join(f"{a}: {scalar(b)}" for a, b in item.items()) + " }")
            elif isinstance(x, list):
                out.append(f"{pad}{k}: [" + ", ".join(scalar(b) for b in x) + "]")
            elif isinstance(x, dict):
                out.append(f"{pad}{k}: {{}}")
            else:
                out.append(f"{pad}{k}: {scalar(x)}")
    return "\n".join(l for l in out if l != "")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


class Runner:
    def __init__(self, vpcemu, work):
        self.vpcemu = vpcemu
        self.work = work
        self.run_dir = os.path.join(work, "run")

    def verdicts(self, sc):
        """{probe index: (observed, trace verdict, check's result)} for a scenario, or a string
        saying why it could not be run."""
        path = os.path.join(self.work, sc["name"] + ".yaml")
        with open(path, "w") as f:
            f.write(to_yaml(sc) + "\n")
        return self.file_verdicts(path, sc["name"])

    def file_verdicts(self, path, name):
        v = run([self.vpcemu, "validate", path])
        if v.returncode != 0:
            return "invalid: " + v.stdout + v.stderr
        u = run([self.vpcemu, "--run-dir", self.run_dir, "up", "-q", path])
        try:
            if u.returncode != 0:
                return "up failed: " + u.stderr[-2000:]
            c = run([self.vpcemu, "--run-dir", self.run_dir, "check", name, "--explain",
                     "--format", "json", "--timeout", "1500"])
            try:
                results = json.loads(c.stdout)["results"]
            except (ValueError, KeyError):
                return "check failed: " + c.stderr[-2000:]
            return {i: (r["observed"], r["trace"]["verdict"], r) for i, r in enumerate(results)}
        finally:
            run([self.vpcemu, "--run-dir", self.run_dir, "down", "-q", name])

    def disagrees(self, sc):
        r = self.verdicts(sc)
        return isinstance(r, dict) and any(o != t for o, t, _ in r.values())


def shrink(runner, sc, budget):
    """Removes what the probe does not need, one piece at a time, while it still disagrees."""
    probe = sc["expect"][0]
    named = {probe["from"], probe["to"]}

    def candidates(s):
        for v, vpc in s["vpcs"].items():
            for n in list(vpc["instances"]):
                if n not in named:
                    yield ("instance", v, n)
            for g, sg in vpc["security_groups"].items():
                for i in range(len(sg.get("ingress", []))):
                    yield ("sg-in", v, g, i)
            for a, acl in vpc["network_acls"].items():
                for d in ("ingress", "egress"):
                    for i in range(len(acl[d])):
                        yield ("acl", v, a, d, i)
            for t, rt in vpc["route_tables"].items():
                for i in range(len(rt["routes"])):
                    yield ("route", v, t, i)
        if len(s["vpcs"]) > 1:
            for v in s["vpcs"]:
                if not any(probe_vpc(s, x) == v for x in named):
                    yield ("vpc", v)

    def apply(s, c):
        s = copy.deepcopy(s)
        kind = c[0]
        if kind == "instance":
            del s["vpcs"][c[1]]["instances"][c[2]]
        elif kind == "sg-in":
            del s["vpcs"][c[1]]["security_groups"][c[2]]["ingress"][c[3]]
        elif kind == "acl":
            del s["vpcs"][c[1]]["network_acls"][c[2]][c[3]][c[4]]
        elif kind == "route":
            del s["vpcs"][c[1]]["route_tables"][c[2]]["routes"][c[3]]
        elif kind == "vpc":
            v = c[1]
            del s["vpcs"][v]
            s.pop("peerings", None) if any(v in (p["requester"], p["accepter"])
                                            for p in s.get("peerings", {}).values()) else None
            if "transit_gateways" in s:
                s.pop("transit_gateways")
            for vpc in s["vpcs"].values():
                for rt in vpc["route_tables"].values():
                    rt["routes"] = [r for r in rt["routes"]
                                    if r["target"] not in ("peering/p0", "transit_gateway/hub")
                                    or ("peerings" in s and r["target"] == "peering/p0")]
        return s

    steps = 0
    changed = True
    while changed and steps < budget:
        changed = False
        for c in list(candidates(sc)):
            if steps >= budget:
                break
            t = apply(sc, c)
            steps += 1
            if runner.disagrees(t):
                sc = t
                changed = True
                break
    return sc


def probe_vpc(sc, name):
    for v, vpc in sc["vpcs"].items():
        if name in vpc["instances"]:
            return v
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--scenarios", type=int, default=10)
    ap.add_argument("--probes", type=int, default=30)
    ap.add_argument("--vpcemu", default=os.path.join(os.path.dirname(__file__), "..", "build", "vpcemu"))
    ap.add_argument("--out", default="/tmp/vpcemu-differential")
    ap.add_argument("--no-shrink", action="store_true")
    ap.add_argument("--file", help="compare on this scenario's own expectations instead")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    work = os.path.join(a.out, f"work-{os.getpid()}")
    os.makedirs(work, exist_ok=True)
    runner = Runner(os.path.abspath(a.vpcemu), work)
    total = agree = allowed = 0
    bad = []
    t0 = time.monotonic()
    if a.file:
        name = None
        for line in open(a.file):
            if line.startswith("name:"):
                name = line.split(":", 1)[1].split("#")[0].strip()
        r = runner.file_verdicts(a.file, name)
        if isinstance(r, str):
            print(f"{a.file}: {r}", file=sys.stderr)
            return 2
        n_bad = 0
        for k, (observed, traced, res) in r.items():
            if observed != traced:
                n_bad += 1
                print(f"DISAGREE {a.file} line {res['line']}: {res['from']} -> {res['to']} "
                      f"{res['protocol']} {res['port']}: packets {observed}, trace {traced}"
                      + (" (through " + ", ".join(res["trace"]["appliances"]) + ")"
                         if res["trace"]["appliances"] else ""))
        print(f"{a.file}: {len(r)} probes, {len(r) - n_bad} agree, {n_bad} disagree")
        subprocess.run(["rm", "-rf", work])
        return 1 if n_bad else 0
    for i in range(a.scenarios):
        seed = a.seed + i
        rng = random.Random(seed)
        name = f"diff-{os.getpid() % 100000}-{i}"
        sc = gen(rng, name, a.probes)
        r = runner.verdicts(sc)
        if isinstance(r, str):
            print(f"seed {seed}: {r}", file=sys.stderr)
            with open(os.path.join(a.out, f"seed-{seed}.yaml"), "w") as f:
                f.write(to_yaml(sc) + "\n")
            return 2
        n_bad = 0
        for k, (observed, traced, res) in r.items():
            total += 1
            allowed += observed == "allow"
            if observed == traced:
                agree += 1
                continue
            n_bad += 1
            one = copy.deepcopy(sc)
            one["expect"] = [dict(sc["expect"][k], result=observed)]
            one["name"] = f"repro-{seed}-{k}"[:32]
            if not a.no_shrink:
                one = shrink(runner, one, 60)
            path = os.path.join(a.out, f"repro-seed{seed}-probe{k}.yaml")
            p = one["expect"][0]
            args = [p["from"], p["to"], "--protocol", p["protocol"]] + (
                ["--port", str(p["port"])] if "port" in p else [])
            with open(path, "w") as f:
                f.write(to_yaml(one) + "\n")
            tr = run([runner.vpcemu, "trace", path] + args)
            with open(path, "a") as f:
                f.write("# real packets: " + observed + "; vpcemu trace says:\n")
                f.write("".join("# " + l + "\n" for l in tr.stdout.splitlines()))
            bad.append((seed, k, path, observed, traced, res.get("name", "")))
        print(f"seed {seed}: {len(r)} probes, {len(r) - n_bad} agree, {n_bad} disagree", flush=True)
    dt = time.monotonic() - t0
    print(f"{a.scenarios} scenarios, {total} probes in {dt:.1f} s ({total / dt:.1f} probes/s): "
          f"{agree} agree, {len(bad)} disagree; the packets allowed {allowed} and denied "
          f"{total - allowed}")
    for seed, k, path, observed, traced, _ in bad:
        print(f"DISAGREE seed {seed} probe {k}: packets {observed}, trace {traced}: {path}")
    subprocess.run(["rm", "-rf", work])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
