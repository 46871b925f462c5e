// Text helpers.
#include "util/text.h"

#include <algorithm>
#include <fstream>

namespace vpcemu {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t prev = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cur = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)});
      prev = cur;
    }
  }
  return row[b.size()];
}

std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_d = SIZE_MAX;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  // Allow roughly one typo per three characters.
  if (best && best_d <= std::max<size_t>(2, word.size() / 3)) return best;
  return std::nullopt;
}

std::optional<std::vector<std::string>> split_command(std::string_view line) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(cur)), cur.clear(), in_word = false;
    } else if (c == '\'') {
      in_word = true;
      size_t end = line.find('\'', i + 1);
      if (end == std::string_view::npos) return std::nullopt;
      cur.append(line.substr(i + 1, end - i - 1));
      i = end;
    } else if (c == '"') {
      in_word = true;
      for (++i;; ++i) {
        if (i >= line.size()) return std::nullopt;
        if (line[i] == '"') break;
        if (line[i] == '\\' && i + 1 < line.size() &&
            (line[i + 1] == '"' || line[i + 1] == '\\' || line[i + 1] == '$')) {
          ++i;
        }
        cur.push_back(line[i]);
      }
    } else if (c == '\\' && i + 1 < line.size()) {
      in_word = true;
      cur.push_back(line[++i]);
    } else {
      in_word = true;
      cur.push_back(c);
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

uint64_t stable_hash(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

std::string hex(uint64_t v, int digits) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(digits, '0');
  for (int i = digits - 1; i >= 0; --i, v >>= 4) out[i] = kDigits[v & 0xf];
  return out;
}

std::string join(const std::vector<std::string>& words, std::string_view sep) {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += sep;
    out += w;
  }
  return out;
}

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  size_t from = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + from, i - from);
    from = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += "\\u00" + hex(c, 2);
    }
  }
  out.append(s.data() + from, s.size() - from);
  out += '"';
}

void append_field(std::string& out, std::string_view s) {
  out += '\t';
  size_t from = 0;  // unescaped runs are appended whole
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c != '\t' && c != '\n' && c != '\\') continue;
    out.append(s.data() + from, i - from);
    out += '\\';
    out += c == '\t' ? 't' : c == '\n' ? 'n' : '\\';
    from = i + 1;
  }
  out.append(s.data() + from, s.size() - from);
}

std::string unescape_field(std::string_view f) {
  std::string out;
  out.reserve(f.size());
  size_t from = 0;
  for (size_t i = f.find('\\'); i != std::string_view::npos && i + 1 < f.size();
       i = f.find('\\', from)) {
    out.append(f.data() + from, i - from);
    const char c = f[i + 1];
    out += c == 't' ? '\t' : c == 'n' ? '\n' : c;
    from = i + 2;
  }
  out.append(f.data() + from, f.size() - from);
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string out;
  in.seekg(0, std::ios::end);
  out.resize(static_cast<size_t>(std::max<std::streamoff>(0, in.tellg())));
  in.seekg(0);
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  return out;
}

}  // namespace vpcemu
