// Compilation: route tables → Linux tables and rules, naming, determinism, plan output.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analyze/graph.h"
#include "analyze/resources.h"
#include "compile/compile.h"
#include "compile/nft_text.h"
#include "compile/plan_diff.h"
#include "compile/plan_json.h"
#include "helpers.h"

using namespace vpcemu;
using namespace vpcemu::test;

namespace {

Plan plan_of(const std::string& yaml) {
  auto r = parse_scenario_text(yaml, "t.yaml");
  validate(r.scenario, r.diags);
  INFO(dump(r.diags));
  REQUIRE_FALSE(r.diags.has_errors());
  return compile(r.scenario, "/tmp");
}

const char* kRouting = R"(name: rt
vpcs:
  v:
    cidr: 10.0.0.0/16
    internet_gateway: true
    main_route_table: main
    subnets:
      a: { cidr: 10.0.1.0/24, route_table: edge }
      b: { cidr: 10.0.2.0/24 }
      c: { cidr: 10.0.3.0/24, route_table: edge }
    route_tables:
      edge:
        routes:
          - { destination: 0.0.0.0/0, target: internet_gateway }
          - { destination: 192.0.2.0/24, target: blackhole }
          - { destination: 172.16.0.0/12, target: instance/fw }
      main:
        routes:
          - { destination: 198.51.100.0/24, target: blackhole }
    instances:
      web: { subnet: a, public_ip: true }
      fw: { subnet: c, private_ip: 10.0.3.10 }
      db: { subnet: b }
)";

const RoutePlan* find_route(const Plan& p, uint32_t table, const std::string& dst) {
  for (const auto& r : p.routes)
    if (r.table == table && r.dst.str() == dst && r.ns == "rt.vpc.v") return &r;
  return nullptr;
}

}  // namespace

TEST_CASE("route tables become Linux tables selected by fwmark, behind the local rule") {
  Plan p = plan_of(kRouting);
  // Tables by name order: edge = 100, main = 101.
  auto* def = find_route(p, 100, "0.0.0.0/0");
  REQUIRE(def);
  CHECK(def->dev == "igw");
  CHECK(def->via->str() == "169.254.0.2");
  auto* bh = find_route(p, 100, "192.0.2.0/24");
  REQUIRE(bh);
  CHECK(bh->type == RouteType::kBlackhole);
  auto* via_fw = find_route(p, 100, "172.16.0.0/12");
  REQUIRE(via_fw);
  CHECK(via_fw->via->str() == "10.0.3.10");
  CHECK(via_fw->dev == "e-fw");
  CHECK(find_route(p, 101, "198.51.100.0/24"));

  // The local rule comes first; table rules follow; nothing falls through to main/default.
  std::vector<RulePlan> rules;
  for (const auto& r : p.rules)
    if (r.ns == "rt.vpc.v") rules.push_back(r);
  REQUIRE(rules.size() == 4);
  CHECK(rules[0].priority < rules[1].priority);
  CHECK(rules[0].to->str() == "10.0.0.0/16");
  CHECK(rules[0].table == 254);
  CHECK(rules[1].fwmark == 100u);
  CHECK(rules[2].fwmark == 101u);
  CHECK(rules.back().drop);  // no route in the table: a silent drop, as AWS

  // Subnet b has no table and takes the main one (101); a and c take edge (100).
  const auto nft = nft_full_script(std::find_if(p.nft.begin(), p.nft.end(), [](const NftPlan& n) {
                                     return n.ns == "rt.vpc.v";
                                   })->table);
  CHECK(nft.find("\"e-web\" : 100") != std::string::npos);
  CHECK(nft.find("\"e-fw\" : 100") != std::string::npos);
  CHECK(nft.find("\"e-db\" : 101") != std::string::npos);
  CHECK(nft.find("\"e-db\" . 10.0.2.4") != std::string::npos);
}

TEST_CASE("without main_route_table unassociated subnets get no mark (local route only)") {
  Plan p = plan_of(
      "name: m\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    subnets:\n      a: { cidr: 10.0.1.0/24 }\n"
      "    instances:\n      x: { subnet: a }\n");
  const auto nft = nft_full_script(p.nft.at(0).table);
  CHECK(nft.find("add element inet vpcemu route-table") == std::string::npos);
  CHECK(nft.find("\"e-x\" . 10.0.1.4") != std::string::npos);
}

TEST_CASE("the internet gateway maps public to private addresses 1:1") {
  Plan p = plan_of(kRouting);
  auto it =
      std::find_if(p.nft.begin(), p.nft.end(), [](const NftPlan& n) { return n.ns == "rt.igw.v"; });
  REQUIRE(it != p.nft.end());
  const auto nft = nft_full_script(it->table);
  CHECK(nft.find("203.0.113.1 : 10.0.1.4") != std::string::npos);
  CHECK(nft.find("10.0.1.4 : 203.0.113.1") != std::string::npos);
  // The instance itself only ever has its private address.
  for (const auto& a : p.addrs) CHECK(a.addr.addr.str() != "203.0.113.1");
}

TEST_CASE("every object carries the scenario name and interface names fit 15 characters") {
  Plan p = plan_of(kRouting);
  for (const auto& n : p.namespaces) CHECK(n.name.rfind("rt.", 0) == 0);
  std::map<std::string, std::set<std::string>> per_ns;
  for (const auto& v : p.veths) {
    for (const auto* e : {&v.a, &v.b}) {
      CHECK(e->ifname.size() <= 15);
      CHECK(per_ns[e->ns].insert(e->ifname).second);
    }
  }
}

TEST_CASE("long instance names get short unique interface names") {
  std::string yaml =
      "name: long\nvpcs:\n  v:\n    cidr: 10.0.0.0/16\n    subnets:\n"
      "      a: { cidr: 10.0.0.0/20 }\n    instances:\n";
  for (int i = 0; i < 300; ++i)
    yaml += "      application-server-" + std::to_string(i) + ": { subnet: a }\n";
  Plan p = plan_of(yaml);
  std::set<std::string> names;
  for (const auto& v : p.veths) {
    CHECK(v.a.ifname.size() <= 15);
    CHECK(names.insert(v.a.ifname).second);
  }
  CHECK(names.size() == 300);
  CHECK(short_ifname("e-", "application-server-1") == short_ifname("e-", "application-server-1"));
}

TEST_CASE("compilation is deterministic and the plan survives a JSON round trip") {
  Plan a = plan_of(kRouting);
  Plan b = plan_of(kRouting);
  CHECK(plan_to_json(a) == plan_to_json(b));
  CHECK(plan_to_json(plan_from_json(plan_to_json(a))) == plan_to_json(a));
  CHECK(stable_mac("x/eth0") == stable_mac("x/eth0"));
  CHECK(stable_mac("x/eth0").rfind("02:", 0) == 0);
}

TEST_CASE("automatic addresses skip reserved and taken ones") {
  Plan p = plan_of(kRouting);
  CHECK(p.endpoint("db")->private_ip->str() == "10.0.2.4");
  CHECK(p.endpoint("web")->private_ip->str() == "10.0.1.4");
  CHECK(p.endpoint("web")->public_ip->str() == "203.0.113.1");
  CHECK_FALSE(p.endpoint("db")->public_ip);
}

// Every scenario a user can run, as `vpcemu plan` lists its AWS resources (text and JSON), as
// the kernel objects `plan --kernel` prints and as the complete JSON plan (processes'
// environment, readiness, endpoints and gateways included): a restructuring of compile/ or
// analyze/ must leave all three byte for byte. VPCEMU_UPDATE_GOLDEN=1 rewrites them for review.
TEST_CASE("plans of every scenario in scenarios/ and tests/ match the reviewed listings") {
  namespace fs = std::filesystem;
  const fs::path src(VPCEMU_SOURCE_DIR);
  std::vector<fs::path> files;
  for (const char* dir : {"scenarios", "tests/integration/scenarios"})
    for (const auto& e : fs::directory_iterator(src / dir))
      if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 16);
  const bool update = std::getenv("VPCEMU_UPDATE_GOLDEN") != nullptr;
  for (const auto& f : files) {
    auto r = parse_scenario_file(f.string());
    validate(r.scenario, r.diags);
    INFO(f.string() << "\n" << dump(r.diags));
    REQUIRE_FALSE(r.diags.has_errors());
    Plan p = compile(r.scenario, "/scenarios");
    const std::string stem = f.stem().string();
    // The state keeps the plan as records: every field of every object comes back, but for
    // files' contents (a digest is kept; the files are in the state directory).
    const PlanRecords records = PlanRecords::of(p);
    auto back = PlanRecords::parse(std::string(records.text()));
    REQUIRE(back);
    REQUIRE(back->plan());
    Plan without_contents = p;
    for (auto& file : without_contents.files) file.content.clear();
    CHECK(plan_to_json(*back->plan()) == plan_to_json(without_contents));
    CHECK(diff_plans(*back, p, records).empty());
    // ... and its AWS resources, which a changed file is compared with.
    const auto resources = aws_resources(r.scenario);
    auto kept = resources_from_text(resources_text(resources));
    REQUIRE(kept);
    CHECK(resource_changes(*kept, resources).empty());
    CHECK(kept->size() == resources.size());
    // What `vpcemu plan` prints first: the AWS resources to add, as text and as JSON.
    const auto changes = resource_changes({}, aws_resources(r.scenario));
    for (const auto& [ext, text] :
         {std::pair<std::string, std::string>{".plan", plan_to_text(p)},
          {".json", plan_to_json(p).dump(1) + "\n"},
          {".dot", graph_dot(topology_graph(r.scenario, p))},
          {".resources", changes_text(changes) + resource_changes_json(changes).dump(1) + "\n"}}) {
      const fs::path golden = src / "tests/unit/golden" / (stem + ext);
      if (update) std::ofstream(golden) << text;
      std::ifstream in(golden);
      std::stringstream ss;
      ss << in.rdbuf();
      INFO("golden " << golden.string() << "; after review: VPCEMU_UPDATE_GOLDEN=1 ./unit_tests");
      CHECK(text == ss.str());
    }
  }
}

TEST_CASE("route propagation: static VPN routes below a table's own, BGP through a bird") {
  const std::string head =
      "name: t\nvpcs:\n  prod:\n    cidr: 10.0.0.0/16\n    subnets:\n"
      "      a: { cidr: 10.0.1.0/24, route_table: prop }\n      b: { cidr: 10.0.2.0/24, "
      "route_table: own }\n"
      "    route_tables:\n      own:\n        routes:\n"
      "          - { destination: 192.168.0.0/16, target: blackhole }\n"
      "      prop:\n        propagations: [vpn_gateway]\n"
      "onprem:\n  office:\n    cidr: 192.168.0.0/16\n    router: { public_ip: 198.51.100.50 }\n"
      "vpn_connections:\n  v: { vpn_gateway: prod, customer_gateway: office, ";
  SECTION("static") {
    Plan p = plan_of(head + "routing: static, static_routes: [192.168.0.0/16] }\n");
    // Tables in name order: own 100, prop 101.
    auto in = [&](uint32_t table) {
      return std::count_if(p.routes.begin(), p.routes.end(), [&](const RoutePlan& r) {
        return r.table == table && r.dst.str() == "192.168.0.0/16" && r.metric == kPropagatedStatic;
      });
    };
    CHECK(in(101) == 1);
    CHECK(in(100) == 0);
    // Only the gateway runs a bird: it learns the two charons' tables into main. No BGP, so
    // the router has none.
    std::vector<std::string> birds;
    std::string conf;
    for (const auto& x : p.processes)
      if (x.argv[0] == "bird") birds.push_back(x.ns);
    for (const auto& f : p.files)
      if (f.path == "bgp/vgw.prod/bird.conf") conf = f.content;
    CHECK(birds == std::vector<std::string>{"t.vgw.prod"});
    CHECK(conf.find("kernel table 221;\n  learn;") != std::string::npos);
    CHECK(conf.find("kernel table 222;\n  learn;") != std::string::npos);
    CHECK(conf.find("preference 120;") != std::string::npos);
    CHECK(conf.find("protocol bgp") == std::string::npos);
  }
  SECTION("bgp") {
    Plan p = plan_of(head + "routing: bgp }\n");
    std::vector<std::string> birds;
    for (const auto& x : p.processes)
      if (x.argv[0] == "bird") birds.push_back(x.ns);
    CHECK(birds == std::vector<std::string>{"t.vpc.prod", "t.onprem.office", "t.vgw.prod"});
    auto file = [&](const std::string& path) {
      for (const auto& f : p.files)
        if (f.path == path) return f.content;
      return std::string();
    };
    CHECK(file("bgp/vpc.prod/bird.conf").find("krt_metric = 200;") != std::string::npos);
    CHECK(file("bgp/vpc.prod/bird.conf").find("kernel table 101;\n  metric 0;") !=
          std::string::npos);
    CHECK(file("bgp/vpc.prod/bird.conf").find("kernel table 100;") == std::string::npos);
    CHECK(file("bgp/onprem.office/bird.conf").find("route 192.168.0.0/16 unreachable;") !=
          std::string::npos);
    CHECK(file("bgp/vgw.prod/bird.conf").find("neighbor 169.254.128.6 as 65000;") !=
          std::string::npos);
    CHECK(file("vpn/v-1/vgw/swanctl.conf").find("local_ts = 0.0.0.0/0") != std::string::npos);
    // Each charon's own table after main; inside addresses on their TUN devices.
    int after_main = 0, tuns = 0;
    for (const auto& r : p.rules) after_main += r.priority >= 40000;
    for (const auto& x : p.processes) tuns += x.tun_address.has_value();
    CHECK(after_main == 4);
    CHECK(tuns == 4);
  }
}

TEST_CASE("a changed route is replaced in place, a missing one removed, both live") {
  const std::string yaml = R"(name: t
vpcs:
  prod:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      pub: { cidr: 10.0.1.0/24, route_table: public }
      priv: { cidr: 10.0.2.0/24, route_table: private }
    route_tables:
      public:
        routes:
          - { destination: 0.0.0.0/0, target: internet_gateway }
      private:
        routes:
          - { destination: 0.0.0.0/0, target: nat_gateway/a }
          - { destination: 10.9.0.0/16, target: blackhole }
    nat_gateways:
      a: { subnet: pub }
      b: { subnet: pub }
)";
  auto plan_of = [](const std::string& text) {
    auto r = parse_scenario_text(text, "t.yaml");
    validate(r.scenario, r.diags);
    REQUIRE_FALSE(r.diags.has_errors());
    return compile(r.scenario, "/s");
  };
  std::string changed = yaml;
  changed.replace(changed.find("nat_gateway/a"), 13, "nat_gateway/b");
  changed.erase(changed.find("          - { destination: 10.9.0.0/16"));
  changed += "    nat_gateways:\n      a: { subnet: pub }\n      b: { subnet: pub }\n";
  PlanDiff d = diff_plans(plan_of(yaml), plan_of(changed));
  INFO(diff_to_text(d));
  CHECK(d.unsupported.empty());
  REQUIRE(d.replaced_routes.size() == 1);
  CHECK(d.replaced_routes[0].dst.str() == "0.0.0.0/0");
  CHECK(d.replaced_routes[0].dev.rfind("n-b", 0) == 0);
  REQUIRE(d.removed_routes.size() == 1);
  CHECK(d.removed_routes[0].type == RouteType::kBlackhole);
  CHECK(d.added.routes.empty());
}

TEST_CASE("a running plan's records: an added instance is only added, a removed one refused") {
  Plan before = plan_of(kRouting);
  std::string more = kRouting;
  more.insert(more.find("      db: { subnet: b }"),
              "      app: { subnet: b, private_ip: 10.0.2.50 }\n");
  Plan after = plan_of(more);
  const PlanRecords was = PlanRecords::of(before), now = PlanRecords::of(after);
  PlanDiff add = diff_plans(was, after, now);
  INFO(diff_to_text(add));
  CHECK(add.unsupported.empty());
  REQUIRE(add.added.namespaces.size() == 1);
  CHECK(add.added.namespaces[0].name == "rt.app");
  REQUIRE(add.added.veths.size() == 1);
  CHECK(add.added.veths[0].b.ns == "rt.app");
  // The VPC router's table changes by difference (the new ENI's security groups), not whole.
  CHECK(add.added.nft.empty());
  REQUIRE(add.nft_changes.size() == 1);
  CHECK(add.nft_changes[0].first == "rt.vpc.v");
  CHECK(add.nft_changes[0].second.now.find("eni-e-app-in") != std::string::npos);
  CHECK(add.replaced_routes.empty());
  CHECK(add.removed_routes.empty());
  CHECK(add.added.endpoints.size() == after.endpoints.size());

  // The way back removes a namespace: not live, and named.
  PlanDiff remove = diff_plans(now, before, was);
  bool named = false;
  for (const auto& u : remove.unsupported) named |= u == "remove or change namespace (rt.app)";
  CHECK(named);
  CHECK(remove.added.namespaces.empty());

  // A file whose content changed is rewritten (the VPC's metadata: the new instance's).
  bool rewritten = false;
  for (const auto& f : add.added.files) rewritten |= f.path == "imds/v.json";
  CHECK(rewritten);
  // An unchanged plan differs in nothing; a damaged record file is not read as a plan.
  CHECK(diff_plans(was, before, was).empty());
  std::string torn(was.text());
  torn.resize(torn.size() - 5);
  CHECK_FALSE(PlanRecords::parse(torn));
  CHECK_FALSE(PlanRecords::parse("{\"plan\": {}}"));
  // The summary: what status, check and exec read, without kernel objects.
  auto summary = PlanRecords::parse(was.summary_text());
  REQUIRE(summary);
  REQUIRE(summary->plan());
  CHECK(summary->plan()->endpoints.size() == before.endpoints.size());
  CHECK(summary->plan()->namespaces.size() == before.namespaces.size());
  CHECK(summary->plan()->routes.empty());
  CHECK(summary->plan()->nft.empty());
}

TEST_CASE("an ENI's connection tracking timeouts become ct timeout policies on its flows") {
  auto r = parse_scenario_text(R"(name: t
time_scale: 0.5
vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      a: { cidr: 10.0.1.0/24 }
    instances:
      x: { subnet: a, private_ip: 10.0.1.10,
           connection_tracking: { tcp_established_timeout: 120, udp_timeout: 40 } }
)",
                               "t.yaml");
  validate(r.scenario, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  Plan p = compile(r.scenario, "/s");
  std::string script;
  for (const auto& n : p.nft)
    if (n.ns == "t.vpc.prod") script = nft_full_script(n.table);
  INFO(script);
  CHECK(script.find("add ct timeout inet vpcemu ct-x-tcp { protocol tcp; l3proto ip; policy = { "
                    "established: 60 }; }") != std::string::npos);
  CHECK(script.find("policy = { unreplied: 20, replied: 90 }") != std::string::npos);
  CHECK(script.find("ip daddr 10.0.1.10 meta l4proto tcp ct timeout set \"ct-x-tcp\"") !=
        std::string::npos);
}

TEST_CASE("flows are untracked where groups allow all of a protocol in and out, from anywhere") {
  auto r = parse_scenario_text(R"(name: t
vpcs:
  prod:
    cidr: 10.0.0.0/16
    subnets:
      a: { cidr: 10.0.1.0/24 }
    security_groups:
      open: { ingress: [ { protocol: all, source: 0.0.0.0/0 } ] }
      tcp-open: { ingress: [ { protocol: tcp, ports: 0-65535, source: 0.0.0.0/0 } ] }
      web: { ingress: [ { protocol: tcp, ports: 443, source: 0.0.0.0/0 } ] }
      closed-out:
        ingress: [ { protocol: all, source: 0.0.0.0/0 } ]
        egress: [ { protocol: tcp, ports: 443, destination: 0.0.0.0/0 } ]
    instances:
      o: { subnet: a, security_groups: [open] }
      t: { subnet: a, security_groups: [tcp-open] }
      w: { subnet: a, security_groups: [web] }
      c: { subnet: a, security_groups: [closed-out] }
)",
                               "t.yaml");
  validate(r.scenario, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  Plan p = compile(r.scenario, "/s");
  std::vector<std::string> untracked;
  for (const auto& n : p.nft)
    for (const auto& o : n.table.objects)
      if (n.ns == "t.vpc.prod" && o.name == "untracked" && o.kind == NftObject::Kind::kSet)
        untracked = o.items;
  CHECK(untracked == std::vector<std::string>{"ipv4 . tcp . \"e-o\"", "ipv4 . udp . \"e-o\"",
                                              "ipv4 . tcp . \"e-t\""});
}
