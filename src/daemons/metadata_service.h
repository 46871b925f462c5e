// The instance metadata service (`vpcemu metadata-service`, started by apply in each VPC router
// on 169.254.169.254 and, with IPv6, fd00:ec2::254): IMDSv2 session tokens (PUT
// /latest/api/token with a TTL header; the answer leaves with the instance's hop limit as its
// IP TTL, so one more hop, a container inside the instance, never gets it), IMDSv1 unless the
// instance requires tokens, and each instance's own metadata, told apart by source address.
//
// The data file (JSON, written by compile, re-read when it changes) holds per instance what
// compile knows of it (MetadataFacts: ids, addresses, groups, options); the service expands
// them into every leaf path below /latest/ with its value; a path that is a prefix of leaves
// lists its children as IMDS does ("network/", "instance-id").
#pragma once
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vpcemu {

struct MetadataRecord {
  std::vector<std::string> addresses;  // the instance's private IPv4 and IPv6 addresses
  bool tokens_required = false;
  int hop_limit = 1;
  std::map<std::string, std::string> leaves;  // "meta-data/instance-id" → "i-0…"; a key
                                              // ending in '/' is an empty directory
};

// One instance as compile describes it. An empty address field: the instance has none of
// that kind (no public IPv4, an IPv6-only subnet, no IPv6).
struct MetadataFacts {
  std::string instance_id, mac, region, zone, account;
  std::string eni_id, subnet_id, vpc_id;
  std::vector<std::string> groups, group_ids;
  std::string private_ip, private_dns, subnet_cidr, vpc_cidr;
  std::string public_ip, public_dns;
  std::string ipv6, subnet_ipv6_cidr, vpc_ipv6_cidr;
  bool tokens_required = false;
  int hop_limit = 1;
};

// The instance's IMDS leaves, as EC2 gives them.
MetadataRecord metadata_record(const MetadataFacts& f);

// One HTTP request as the service sees it.
struct MetadataRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names in lower case
};

struct MetadataResponse {
  int status = 200;
  std::string reason = "OK";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<int> ttl;  // the IP TTL (hop limit) the answer leaves with
};

// IMDS's answers, without sockets: tokens live here, keyed by the instance they were issued to.
class MetadataService {
 public:
  using Clock = std::chrono::steady_clock;
  void load(std::vector<MetadataRecord> records) { records_ = std::move(records); }
  MetadataResponse handle(const MetadataRequest& req, const std::string& source,
                          Clock::time_point now);

 private:
  const MetadataRecord* find(const std::string& source) const;
  struct Token {
    std::string instance;  // its first address: a token serves the instance, either family
    Clock::time_point expires;
  };
  std::vector<MetadataRecord> records_;
  std::map<std::string, Token> tokens_;
};

// The data file: each instance's facts, and read back into records (throws on bad JSON).
std::string metadata_facts_json(const std::vector<MetadataFacts>& instances);
std::vector<MetadataRecord> parse_metadata_records(const std::string& json_text);

// Serves until killed; returns 1 only when an address cannot be bound.
int run_metadata_service(const std::string& data_file, const std::vector<std::string>& listen);

}  // namespace vpcemu
