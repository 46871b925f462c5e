// The YAML tree: libyaml's events (scalars, starts and ends of lists and mappings, aliases)
// folded into one vector of nodes, children by index.
#include "scenario/yaml.h"

#include <yaml.h>

#include <map>

namespace vpcemu::yaml {

struct Document {
  struct Data {
    NodeType type;
    yaml::Mark mark;
    std::string scalar;
    std::vector<uint32_t> kids;  // a list's items; a mapping's keys and values, alternating
  };
  std::vector<Data> nodes;
};

namespace {

const std::string kEmpty;

const Document::Data* data(const std::shared_ptr<const Document>& doc, uint32_t index) {
  return doc ? &doc->nodes[index] : nullptr;
}

// YAML 1.1's null: an untagged plain scalar spelled so (nothing at all included), or !!null.
bool is_null(const yaml_event_t& e) {
  const auto& s = e.data.scalar;
  const char* tag = reinterpret_cast<const char*>(s.tag);
  if (tag) return std::string_view(tag) == YAML_NULL_TAG;
  if (s.style != YAML_PLAIN_SCALAR_STYLE) return false;
  std::string_view v(reinterpret_cast<const char*>(s.value), s.length);
  return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL";
}

yaml::Mark mark_of(const yaml_mark_t& m) {
  return {static_cast<int>(m.line), static_cast<int>(m.column)};
}

class Parser {
 public:
  explicit Parser(std::string_view text) {
    yaml_parser_initialize(&p_);
    yaml_parser_set_input_string(&p_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~Parser() { yaml_parser_delete(&p_); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;

  // The next event into `e` (the caller deletes it); throws what libyaml found wrong.
  void next(yaml_event_t& e) {
    if (yaml_parser_parse(&p_, &e)) return;
    std::string msg = p_.problem ? p_.problem : "unreadable text";
    if (p_.context) msg = std::string(p_.context) + ": " + msg;
    throw ParserException{mark_of(p_.problem_mark), msg};
  }

 private:
  yaml_parser_t p_;
};

struct Event {
  yaml_event_t e;
  ~Event() { yaml_event_delete(&e); }
};

}  // namespace

NodeType Node::Type() const {
  auto* d = data(doc_, index_);
  return d ? d->type : NodeType::Undefined;
}

yaml::Mark Node::Mark() const {
  auto* d = data(doc_, index_);
  return d ? d->mark : yaml::Mark{};
}

const std::string& Node::Scalar() const {
  auto* d = data(doc_, index_);
  return d && d->type == NodeType::Scalar ? d->scalar : kEmpty;
}

size_t Node::size() const {
  auto* d = data(doc_, index_);
  if (!d) return 0;
  if (d->type == NodeType::Map) return d->kids.size() / 2;
  return d->type == NodeType::Sequence ? d->kids.size() : 0;
}

Node Node::operator[](std::string_view key) const {
  auto* d = data(doc_, index_);
  if (!d || d->type != NodeType::Map) return {};
  for (size_t i = 0; i + 1 < d->kids.size(); i += 2) {
    const auto& k = doc_->nodes[d->kids[i]];
    if (k.type == NodeType::Scalar && k.scalar == key) return Node(doc_, d->kids[i + 1]);
  }
  return {};
}

Node::iterator Node::begin() const {
  return NodeIterator(this, 0);
}
Node::iterator Node::end() const {
  return NodeIterator(this, size());
}

void NodeIterator::load() {
  if (at_ >= owner_->size()) return;
  const auto& d = owner_->doc_->nodes[owner_->index_];
  if (d.type == NodeType::Sequence) {
    entry_ = Entry(Node(owner_->doc_, d.kids[at_]));
  } else {
    entry_ = Entry();
    entry_.first = Node(owner_->doc_, d.kids[2 * at_]);
    entry_.second = Node(owner_->doc_, d.kids[2 * at_ + 1]);
  }
}

Node Load(std::string_view text) {
  auto doc = std::make_shared<Document>();
  doc->nodes.reserve(text.size() / 8);  // a scenario has a node per 7-8 bytes of text
  Parser parser(text);
  std::map<std::string, uint32_t, std::less<>> anchors;
  std::vector<uint32_t> open;  // the lists and mappings being read, innermost last
  int64_t root = -1;
  // A node (new, or an alias's anchored one) in its place: the innermost open collection's
  // next child, or the root.
  auto attach = [&](uint32_t index) {
    if (open.empty()) {
      if (root < 0) root = index;
    } else {
      doc->nodes[open.back()].kids.push_back(index);
    }
  };
  auto add = [&](NodeType type, const yaml_mark_t& m, const yaml_char_t* anchor) {
    const auto index = static_cast<uint32_t>(doc->nodes.size());
    doc->nodes.push_back({type, mark_of(m), {}, {}});
    if (anchor) anchors[reinterpret_cast<const char*>(anchor)] = index;
    attach(index);
    return index;
  };
  for (bool done = false; !done;) {
    Event ev;
    parser.next(ev.e);
    const yaml_event_t& e = ev.e;
    switch (e.type) {
      case YAML_SCALAR_EVENT: {
        const bool null = is_null(e);
        auto i = add(null ? NodeType::Null : NodeType::Scalar, e.start_mark, e.data.scalar.anchor);
        if (!null)
          doc->nodes[i].scalar.assign(reinterpret_cast<const char*>(e.data.scalar.value),
                                      e.data.scalar.length);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
        open.push_back(add(NodeType::Sequence, e.start_mark, e.data.sequence_start.anchor));
        break;
      case YAML_MAPPING_START_EVENT:
        open.push_back(add(NodeType::Map, e.start_mark, e.data.mapping_start.anchor));
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        open.pop_back();
        break;
      case YAML_ALIAS_EVENT: {
        auto it = anchors.find(reinterpret_cast<const char*>(e.data.alias.anchor));
        if (it == anchors.end())
          throw ParserException{
              mark_of(e.start_mark),
              "unknown anchor '" + std::string(reinterpret_cast<const char*>(e.data.alias.anchor)) +
                  "'"};
        attach(it->second);
        break;
      }
      case YAML_DOCUMENT_END_EVENT:  // only the first document counts
      case YAML_STREAM_END_EVENT:
        done = true;
        break;
      default:
        break;
    }
  }
  if (root < 0) {  // no document at all: nothing
    doc->nodes.push_back({NodeType::Null, {0, 0}, {}, {}});
    root = 0;
  }
  return Node(std::move(doc), static_cast<uint32_t>(root));
}

}  // namespace vpcemu::yaml
