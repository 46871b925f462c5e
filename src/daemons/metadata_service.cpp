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

std::vector<MetadataRecord> parse_metadata_records(const std::string& json_text) {
  std::vector<MetadataRecord> out;
  json j = json::parse(json_text);
  for (const auto& x : j.at("instances")) {
    MetadataRecord r;
    r.addresses = x.at("addresses").get<std::vector<std::string>>();
    r.tokens_required = x.at("tokens_required");
    r.hop_limit = x.at("hop_limit");
    r.leaves = x.at("leaves").get<std::map<std::string, std::string>>();
    out.push_back(std::move(r));
  }
  return out;
}

// Written by hand, not through a json tree: a VPC of a thousand instances has 25,000 leaves,
// and this runs at every `plan` and `up` of a scenario (nlohmann's tree was a third of compile).
std::string metadata_records_json(const std::vector<MetadataRecord>& records) {
  std::string out = "{\"instances\":[";
  for (size_t i = 0; i < records.size(); ++i) {
    const MetadataRecord& r = records[i];
    out += i ? ",\n{\"addresses\":[" : "\n{\"addresses\":[";
    for (size_t a = 0; a < r.addresses.size(); ++a) {
      if (a) out += ',';
      append_json_string(out, r.addresses[a]);
    }
    out += "],\"tokens_required\":";
    out += r.tokens_required ? "true" : "false";
    out += ",\"hop_limit\":" + std::to_string(r.hop_limit) + ",\"leaves\":{";
    bool first = true;
    for (const auto& [path, value] : r.leaves) {
      out += first ? "\n " : ",\n ";
      first = false;
      append_json_string(out, path);
      out += ':';
      append_json_string(out, value);
    }
    out += "}}";
  }
  out += "]}\n";
  return out;
}

}  // namespace vpcemu
