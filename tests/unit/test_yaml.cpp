// The YAML tree the scenario's readers walk: types, positions, YAML 1.1's nulls, aliases,
// repeated keys kept in order, the first document only, and malformed text with its place.
#include <catch2/catch.hpp>

#include "scenario/yaml.h"

using namespace vpcemu;

namespace {

std::vector<std::string> keys(const yaml::Node& m) {
  std::vector<std::string> out;
  for (auto it = m.begin(); it != m.end(); ++it) out.push_back(it->first.Scalar());
  return out;
}

}  // namespace

TEST_CASE("a YAML mapping: types, scalars and where each node starts") {
  auto root =
      yaml::Load("name: lab\nvpcs:\n  prod: { cidr: 10.0.0.0/16 }\nlist:\n  - a\n  - 'b'\n");
  REQUIRE(root.IsMap());
  CHECK(root.size() == 3);
  CHECK(keys(root) == std::vector<std::string>{"name", "vpcs", "list"});
  CHECK(root["name"].Scalar() == "lab");
  CHECK(root["name"].Mark().line == 0);
  CHECK(root["name"].Mark().column == 6);
  auto cidr = root["vpcs"]["prod"]["cidr"];
  CHECK(cidr.IsScalar());
  CHECK(cidr.Scalar() == "10.0.0.0/16");
  CHECK(cidr.Mark().line == 2);
  CHECK(cidr.Mark().column == 16);
  auto list = root["list"];
  REQUIRE(list.IsSequence());
  std::vector<std::string> items;
  for (const auto& x : list) items.push_back(x.Scalar());
  CHECK(items == std::vector<std::string>{"a", "b"});
  CHECK(list.Mark().line == 4);
}

TEST_CASE("a missing key is undefined and has no position") {
  auto root = yaml::Load("a: 1\n");
  auto missing = root["b"];
  CHECK(!missing);
  CHECK(missing.Type() == yaml::NodeType::Undefined);
  CHECK(missing.Mark().line == -1);
  CHECK(missing["c"].Type() == yaml::NodeType::Undefined);
  CHECK(missing.size() == 0);
  CHECK(missing.begin() == missing.end());
  CHECK(root["a"]["x"].Type() == yaml::NodeType::Undefined);  // a scalar has no keys
}

TEST_CASE("YAML 1.1 nulls: nothing, ~ and null unquoted; quoted or tagged !!str they are text") {
  auto root = yaml::Load(
      "a:\nb: ~\nc: null\nd: NULL\ne: ''\nf: 'null'\ng: !!str null\nh: !!null x\ni: nil\n");
  for (const char* k : {"a", "b", "c", "d", "h"}) {
    INFO(k);
    CHECK(root[k].IsNull());
    CHECK(root[k]);  // null is defined: the key is there
  }
  CHECK(root["e"].IsScalar());
  CHECK(root["e"].Scalar().empty());
  CHECK(root["f"].Scalar() == "null");
  CHECK(root["g"].Scalar() == "null");
  CHECK(root["i"].Scalar() == "nil");
}

TEST_CASE("YAML aliases share their anchor's node; a repeated key is kept for the reader") {
  auto root = yaml::Load("base: &b { cidr: 10.0.0.0/16 }\ncopy: *b\nk: 1\nk: 2\n");
  CHECK(root["copy"]["cidr"].Scalar() == "10.0.0.0/16");
  CHECK(root["copy"].Mark().line == 0);  // the anchored node's position
  CHECK(keys(root) == std::vector<std::string>{"base", "copy", "k", "k"});
  CHECK(root["k"].Scalar() == "1");  // the first of repeated keys
}

TEST_CASE("only the first YAML document counts; an empty text is nothing") {
  auto root = yaml::Load("a: 1\n---\nb: 2\n");
  CHECK(root["a"].Scalar() == "1");
  CHECK(!root["b"]);
  CHECK(yaml::Load("").IsNull());
  CHECK(yaml::Load("# only a comment\n").IsNull());
  CHECK(yaml::Load("just text").Scalar() == "just text");
}

TEST_CASE("malformed YAML and unknown aliases are errors at their place") {
  auto fails_at = [](const std::string& text, int line, const std::string& part) {
    INFO(text);
    try {
      yaml::Load(text);
      FAIL("no error");
    } catch (const yaml::ParserException& e) {
      CHECK(e.mark.line == line);
      CHECK(e.msg.find(part) != std::string::npos);
    }
  };
  fails_at("name: t\nvpcs:\n  prod: { cidr: 10.0.0.0/16\n", 3, "flow mapping");
  fails_at("name: t\nvpcs: *nowhere\n", 1, "unknown anchor 'nowhere'");
  fails_at("a: 1\n\tb: 2\n", 1, "tab");
  fails_at("a: [1, 2\n", 1, "flow sequence");
}
