// The instance metadata service's answers (no sockets) and the metadata compile gives it.
#include "compile/compile.h"
#include "daemons/metadata_service.h"
#include "helpers.h"

using namespace vpcemu;
using namespace vpcemu::test;

namespace {

MetadataRecord sample(bool tokens_required) {
  MetadataRecord r;
  r.addresses = {"10.0.1.10", "2600:1f18:4a3c::4"};
  r.tokens_required = tokens_required;
  r.hop_limit = 2;
  r.leaves = {{"meta-data/instance-id", "i-0123"},
              {"meta-data/placement/region", "eu-west-2"},
              {"meta-data/iam/", ""},
              {"dynamic/instance-identity/document", "{}"}};
  return r;
}

MetadataRequest req(const std::string& method, const std::string& path,
                    std::map<std::string, std::string> headers = {}) {
  return {method, path, std::move(headers)};
}

}  // namespace

TEST_CASE("IMDS: a token from PUT with a TTL, valid only for its instance and its lifetime") {
  MetadataService svc;
  MetadataRecord other = sample(false);
  other.addresses = {"10.0.1.11"};
  svc.load({sample(true), other});
  auto t0 = MetadataService::Clock::now();
  auto put =
      svc.handle(req("PUT", "/latest/api/token", {{"x-aws-ec2-metadata-token-ttl-seconds", "30"}}),
                 "10.0.1.10", t0);
  REQUIRE(put.status == 200);
  CHECK(put.ttl == 2);  // the answer leaves with the hop limit as its IP TTL
  const std::map<std::string, std::string> tok = {{"x-aws-ec2-metadata-token", put.body}};
  CHECK(svc.handle(req("GET", "/latest/meta-data/instance-id", tok), "10.0.1.10", t0).body ==
        "i-0123");
  // The same instance by its IPv6 address: same token.
  CHECK(svc.handle(req("GET", "/latest/meta-data/instance-id", tok), "2600:1f18:4a3c::4", t0)
            .status == 200);
  CHECK(svc.handle(req("GET", "/latest/meta-data/instance-id", tok), "10.0.1.11", t0).status ==
        401);
  CHECK(svc.handle(req("GET", "/latest/meta-data/instance-id", tok), "10.0.1.10",
                   t0 + std::chrono::seconds(31))
            .status == 401);
  CHECK(svc.handle(req("GET", "/latest/meta-data/instance-id"), "10.0.1.10", t0).status == 401);
  CHECK(svc.handle(req("GET", "/latest/meta-data/instance-id"), "10.0.1.11", t0).status == 200);
}

TEST_CASE("IMDS: a PUT without a TTL, with a TTL past 21600 or through a proxy gets no token") {
  MetadataService svc;
  svc.load({sample(false)});
  auto now = MetadataService::Clock::now();
  CHECK(svc.handle(req("PUT", "/latest/api/token"), "10.0.1.10", now).status == 400);
  CHECK(svc.handle(
               req("PUT", "/latest/api/token", {{"x-aws-ec2-metadata-token-ttl-seconds", "21601"}}),
               "10.0.1.10", now)
            .status == 400);
  CHECK(svc.handle(req("PUT", "/latest/api/token",
                       {{"x-aws-ec2-metadata-token-ttl-seconds", "60"},
                        {"x-forwarded-for", "172.17.0.2"}}),
                   "10.0.1.10", now)
            .status == 403);
  CHECK(svc.handle(req("GET", "/latest/api/token"), "10.0.1.10", now).status == 405);
  CHECK(svc.handle(req("GET", "/latest/meta-data/instance-id"), "10.9.9.9", now).status == 404);
}

TEST_CASE("IMDS: directories list their children, as IMDS does") {
  MetadataService svc;
  svc.load({sample(false)});
  auto now = MetadataService::Clock::now();
  auto get = [&](const std::string& p) { return svc.handle(req("GET", p), "10.0.1.10", now); };
  CHECK(get("/latest/meta-data/").body == "iam/\ninstance-id\nplacement/");
  CHECK(get("/latest/meta-data").body == "iam/\ninstance-id\nplacement/");
  CHECK(get("/latest/").body == "dynamic/\nmeta-data/");
  CHECK(get("/latest/meta-data/iam/").status == 200);
  CHECK(get("/latest/meta-data/iam/").body.empty());
  CHECK(get("/latest/meta-data/placement/region").body == "eu-west-2");
  CHECK(get("/latest/meta-data/nope").status == 404);
  CHECK(get("/").body == "latest");
}

TEST_CASE("metadata as EC2 gives it: IDs, names of the region, the subnet's zone") {
  auto r = parse_scenario_text(R"(name: t
region: ap-southeast-2
vpcs:
  v:
    cidr: 10.0.0.0/16
    internet_gateway: true
    subnets:
      a: { cidr: 10.0.1.0/24, availability_zone: ap-southeast-2c }
    instances:
      web: { subnet: a, private_ip: 10.0.1.10, elastic_ip: 198.51.100.7, metadata: { tokens: required, hop_limit: 3 } }
)",
                               "t.yaml");
  validate(r.scenario, r.diags);
  REQUIRE_FALSE(r.diags.has_errors());
  Plan p = compile(r.scenario, "/s");
  std::string data;
  for (const auto& f : p.files)
    if (f.path == "imds/v.json") data = f.content;
  auto recs = parse_metadata_records(data);
  REQUIRE(recs.size() == 1);
  const auto& m = recs[0].leaves;
  CHECK(recs[0].tokens_required);
  CHECK(recs[0].hop_limit == 3);
  CHECK(recs[0].addresses == std::vector<std::string>{"10.0.1.10"});
  CHECK(m.at("meta-data/placement/availability-zone") == "ap-southeast-2c");
  CHECK(m.at("meta-data/local-hostname") == "ip-10-0-1-10.ap-southeast-2.compute.internal");
  CHECK(m.at("meta-data/public-hostname") ==
        "ec2-198-51-100-7.ap-southeast-2.compute.amazonaws.com");
  CHECK(m.at("meta-data/instance-id").size() == 19);  // i- and 17 hex digits
  CHECK(m.at("meta-data/instance-id").rfind("i-", 0) == 0);
  CHECK(public_dns_name(*Ipv4::parse("203.0.113.1"), "us-east-1") ==
        "ec2-203-0-113-1.compute-1.amazonaws.com");
  CHECK(private_dns_name(*Ipv4::parse("10.0.1.10"), "us-east-1") == "ip-10-0-1-10.ec2.internal");
}

TEST_CASE("the metadata data file keeps every character of a fact") {
  MetadataFacts f;
  f.instance_id = "i-0123456789abcdef0";
  f.mac = "02:00:00:00:00:01";
  f.groups = {"say \"hi\" \\ back\tslash\nline\x01", "web"};
  f.group_ids = {"sg-1", "sg-2"};
  f.private_ip = "10.0.1.10";
  f.ipv6 = "2600:1f18::10";
  f.hop_limit = 2;
  auto back = parse_metadata_records(metadata_facts_json({f, f}));
  REQUIRE(back.size() == 2);
  CHECK(back[1].leaves == metadata_record(f).leaves);
  CHECK(back[1].leaves.at("meta-data/security-groups") == f.groups[0] + "\nweb");
  CHECK(back[1].addresses == std::vector<std::string>{"10.0.1.10", "2600:1f18::10"});
  CHECK(back[1].hop_limit == 2);
  CHECK_FALSE(back[1].tokens_required);
  CHECK_FALSE(back[1].leaves.count("meta-data/public-ipv4"));
}
