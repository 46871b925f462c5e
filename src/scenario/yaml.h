// A YAML document as a tree of nodes with their source positions, read by libyaml's event
// parser: what the scenario's readers walk. The interface is the small part of yaml-cpp's
// that they use (Type, Mark, Scalar, indexing by key, iteration), at about a tenth of
// yaml-cpp's cost (a 400 KB scenario: ~10 ms against ~100-250 ms).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vpcemu::yaml {

enum class NodeType { Undefined, Null, Scalar, Sequence, Map };

// 0-based line and column; -1 for a node that is not in the text (a missing key's).
struct Mark {
  int line = -1;
  int column = -1;
};

struct Document;
class NodeIterator;

class Node {
 public:
  Node() = default;

  NodeType Type() const;
  bool IsDefined() const { return Type() != NodeType::Undefined; }
  bool IsNull() const { return Type() == NodeType::Null; }
  bool IsScalar() const { return Type() == NodeType::Scalar; }
  bool IsSequence() const { return Type() == NodeType::Sequence; }
  bool IsMap() const { return Type() == NodeType::Map; }
  explicit operator bool() const { return IsDefined(); }
  bool operator!() const { return !IsDefined(); }

  yaml::Mark Mark() const;
  // A scalar's text (empty for any other node).
  const std::string& Scalar() const;
  // Items of a list, pairs of a mapping.
  size_t size() const;
  // A mapping's value for `key` (its first, if the key repeats); undefined if there is none.
  Node operator[](std::string_view key) const;

  // Iteration: a list's items are Entry nodes themselves; a mapping's pairs are Entries with
  // `first` (the key) and `second` (the value).
  using iterator = NodeIterator;
  iterator begin() const;
  iterator end() const;

 private:
  friend struct Document;
  friend class NodeIterator;
  friend Node Load(std::string_view text);
  Node(std::shared_ptr<const Document> doc, uint32_t index) : doc_(std::move(doc)), index_(index) {}
  std::shared_ptr<const Document> doc_;
  uint32_t index_ = 0;
};

struct Entry : Node {
  Entry() = default;
  explicit Entry(Node n) : Node(std::move(n)) {}
  Node first, second;
};

class NodeIterator {
 public:
  NodeIterator(const Node* owner, size_t at) : owner_(owner), at_(at) { load(); }
  const Entry& operator*() const { return entry_; }
  const Entry* operator->() const { return &entry_; }
  NodeIterator& operator++() {
    ++at_;
    load();
    return *this;
  }
  bool operator!=(const NodeIterator& o) const { return at_ != o.at_; }
  bool operator==(const NodeIterator& o) const { return at_ == o.at_; }

 private:
  void load();
  const Node* owner_;
  size_t at_;
  Entry entry_;
};

// A text that is not well-formed YAML: libyaml's description and where it found the problem.
struct ParserException {
  yaml::Mark mark;
  std::string msg;
};

// The first document of `text` (a Null node when there is none); throws ParserException.
Node Load(std::string_view text);

}  // namespace vpcemu::yaml
