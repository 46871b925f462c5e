// The instance metadata service's answers (no sockets): IMDSv2 tokens, IMDSv1 unless
// required, the PUT response's hop limit, per-instance metadata by source address.
#include "daemons/metadata_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "util/text.h"

namespace vpcemu {

using nlohmann::json;

namespace {

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    default:
      return "Method Not Allowed";
  }
}

MetadataResponse text(int status, std::string body = "") {
  MetadataResponse r;
  r.status = status;
  r.reason = reason(status);
  r.body = body.empty() && status != 200 ? std::string(reason(status)) + "\n" : std::move(body);
  return r;
}

std::string new_token() {
  static std::random_device rd;
  static const char* kChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string t;
  for (int i = 0; i < 56; ++i) t += kChars[rd() % 64];
  return t + "==";
}

// The children of `dir` ("" is /latest/ itself): "name" for a leaf, "name/" for a directory.
std::optional<std::string> listing(const MetadataRecord& rec, const std::string& dir) {
  std::set<std::string> children;
  const std::string prefix = dir.empty() ? "" : dir + "/";
  bool exists = false;
  for (const auto& [path, _] : rec.leaves) {
    if (path.rfind(prefix, 0) != 0) continue;
    exists = true;
    const std::string rest = path.substr(prefix.size());
    if (rest.empty()) continue;  // the empty-directory marker of `dir` itself
    const auto slash = rest.find('/');
    children.insert(slash == std::string::npos ? rest : rest.substr(0, slash + 1));
  }
  if (!exists) return std::nullopt;
  std::string out;
  for (const auto& c : children) out += (out.empty() ? "" : "\n") + c;
  return out;
}

}  // namespace

const MetadataRecord* MetadataService::find(const std::string& source) const {
  for (const auto& r : records_)
    if (std::find(r.addresses.begin(), r.addresses.end(), source) != r.addresses.end()) return &r;
  return nullptr;
}

MetadataResponse MetadataService::handle(const MetadataRequest& req, const std::string& source,
                                         Clock::time_point now) {
  const MetadataRecord* rec = find(source);
  if (!rec) return text(404);
  auto header = [&](const std::string& name) -> std::optional<std::string> {
    auto it = req.headers.find(name);
    if (it == req.headers.end()) return std::nullopt;
    return it->second;
  };
  std::string path = req.path.substr(0, req.path.find('?'));
  while (path.size() > 1 && path.back() == '/') path.pop_back();

  if (path == "/latest/api/token") {
    if (req.method != "PUT") return text(405);
    // A PUT that came through a proxy is refused, as IMDS does.
    if (header("x-forwarded-for")) return text(403);
    int ttl = 0;
    if (auto t = header("x-aws-ec2-metadata-token-ttl-seconds")) {
      try {
        ttl = std::stoi(*t);
      } catch (...) {
        ttl = 0;
      }
    }
    if (ttl < 1 || ttl > 21600) return text(400);
    for (auto it = tokens_.begin(); it != tokens_.end();)
      it = it->second.expires <= now ? tokens_.erase(it) : std::next(it);
    std::string token = new_token();
    tokens_[token] = {rec->addresses.front(), now + std::chrono::seconds(ttl)};
    MetadataResponse r = text(200, token);
    r.headers.push_back({"X-aws-ec2-metadata-token-ttl-seconds", std::to_string(ttl)});
    r.ttl = rec->hop_limit;
    return r;
  }
  if (req.method != "GET" && req.method != "HEAD") return text(405);
  if (auto t = header("x-aws-ec2-metadata-token")) {
    auto it = tokens_.find(*t);
    if (it == tokens_.end() || it->second.instance != rec->addresses.front() ||
        it->second.expires <= now)
      return text(401);
  } else if (rec->tokens_required) {
    return text(401);
  }
  if (path == "/") return text(200, "latest");
  if (path.rfind("/latest", 0) != 0) return text(404);
  std::string rel = path == "/latest" ? "" : path.substr(std::string("/latest/").size());
  if (auto it = rec->leaves.find(rel); it != rec->leaves.end()) return text(200, it->second);
  if (auto l = listing(*rec, rel)) return text(200, *l);
  return text(404);
}

namespace {

std::string lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : "\n") + x;
  return out;
}

// Each fact under its name in the data file; lists apart.
template <class Facts, class F>
void each_text_fact(Facts& f, F&& fn) {
  fn("instance_id", f.instance_id), fn("mac", f.mac), fn("region", f.region), fn("zone", f.zone),
      fn("account", f.account), fn("eni_id", f.eni_id), fn("subnet_id", f.subnet_id),
      fn("vpc_id", f.vpc_id), fn("private_ip", f.private_ip), fn("private_dns", f.private_dns),
      fn("subnet_cidr", f.subnet_cidr), fn("vpc_cidr", f.vpc_cidr), fn("public_ip", f.public_ip),
      fn("public_dns", f.public_dns), fn("ipv6", f.ipv6),
      fn("subnet_ipv6_cidr", f.subnet_ipv6_cidr), fn("vpc_ipv6_cidr", f.vpc_ipv6_cidr);
}

}  // namespace

MetadataRecord metadata_record(const MetadataFacts& f) {
  MetadataRecord r;
  r.tokens_required = f.tokens_required;
  r.hop_limit = f.hop_limit;
  auto& m = r.leaves;
  const std::string nic = "meta-data/network/interfaces/macs/" + f.mac + "/";
  m["meta-data/instance-id"] = f.instance_id;
  m["meta-data/mac"] = f.mac;
  m["meta-data/placement/region"] = f.region;
  m["meta-data/placement/availability-zone"] = f.zone;
  m["meta-data/security-groups"] = lines(f.groups);
  m["meta-data/iam/"] = "";  // no instance profile
  m[nic + "device-number"] = "0";
  m[nic + "interface-id"] = f.eni_id;
  m[nic + "mac"] = f.mac;
  m[nic + "owner-id"] = f.account;
  m[nic + "security-group-ids"] = lines(f.group_ids);
  m[nic + "security-groups"] = lines(f.groups);
  m[nic + "subnet-id"] = f.subnet_id;
  m[nic + "vpc-id"] = f.vpc_id;
  json doc = {{"accountId", f.account},     {"architecture", "x86_64"},
              {"availabilityZone", f.zone}, {"instanceId", f.instance_id},
              {"region", f.region},         {"version", "2017-09-30"},
              {"privateIp", nullptr}};
  if (!f.private_ip.empty()) {
    r.addresses.push_back(f.private_ip);
    m["meta-data/local-ipv4"] = f.private_ip;
    m["meta-data/hostname"] = f.private_dns;
    m["meta-data/local-hostname"] = f.private_dns;
    m[nic + "local-ipv4s"] = f.private_ip;
    m[nic + "local-hostname"] = f.private_dns;
    m[nic + "subnet-ipv4-cidr-block"] = f.subnet_cidr;
    m[nic + "vpc-ipv4-cidr-block"] = f.vpc_cidr;
    m[nic + "vpc-ipv4-cidr-blocks"] = f.vpc_cidr;
    doc["privateIp"] = f.private_ip;
  }
  if (!f.public_ip.empty()) {
    m["meta-data/public-ipv4"] = f.public_ip;
    m["meta-data/public-hostname"] = f.public_dns;
    m[nic + "public-ipv4s"] = f.public_ip;
    m[nic + "public-hostname"] = f.public_dns;
  }
  if (!f.ipv6.empty()) {
    r.addresses.push_back(f.ipv6);
    m["meta-data/ipv6"] = f.ipv6;
    m[nic + "ipv6s"] = f.ipv6;
    m[nic + "subnet-ipv6-cidr-blocks"] = f.subnet_ipv6_cidr;
    m[nic + "vpc-ipv6-cidr-blocks"] = f.vpc_ipv6_cidr;
  }
  m["dynamic/instance-identity/document"] = doc.dump(2);
  return r;
}

// Written by hand, not through a json tree: this runs at every `plan` and `up` of a scenario,
// for every instance (a tree of their leaves was a third of compile at ten thousand).
std::string metadata_facts_json(const std::vector<MetadataFacts>& instances) {
  std::string out = "{\"instances\":[";
  for (size_t i = 0; i < instances.size(); ++i) {
    const MetadataFacts& f = instances[i];
    out += i ? ",\n{" : "\n{";
    each_text_fact(f, [&](const char* name, const std::string& value) {
      out += '"';
      out += name;
      out += "\":";
      append_json_string(out, value);
      out += ',';
    });
    for (const auto& [name, list] :
         {std::pair<const char*, const std::vector<std::string>*>{"groups", &f.groups},
          {"group_ids", &f.group_ids}}) {
      out += '"';
      out += name;
      out += "\":[";
      for (size_t g = 0; g < list->size(); ++g) {
        if (g) out += ',';
        append_json_string(out, (*list)[g]);
      }
      out += "],";
    }
    out += "\"tokens_required\":";
    out += f.tokens_required ? "true" : "false";
    out += ",\"hop_limit\":" + std::to_string(f.hop_limit) + "}";
  }
  out += "]}\n";
  return out;
}

std::vector<MetadataRecord> parse_metadata_records(const std::string& json_text) {
  std::vector<MetadataRecord> out;
  json j = json::parse(json_text);
  for (const auto& x : j.at("instances")) {
    MetadataFacts f;
    each_text_fact(f, [&](const char* name, std::string& value) { value = x.at(name); });
    f.groups = x.at("groups").get<std::vector<std::string>>();
    f.group_ids = x.at("group_ids").get<std::vector<std::string>>();
    f.tokens_required = x.at("tokens_required");
    f.hop_limit = x.at("hop_limit");
    out.push_back(metadata_record(f));
  }
  return out;
}

}  // namespace vpcemu
