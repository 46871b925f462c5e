// Small text helpers: nearest-name suggestions, argument splitting, stable hashes.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vpcemu {

size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word`, if it is plausibly a typo of it.
std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates);

// Splits a command line into words with POSIX-shell quoting rules ('..', "..", \x) but no
// expansion, pipes or redirection: vpcemu never runs a shell. Returns nullopt on an
// unterminated quote.
std::optional<std::vector<std::string>> split_command(std::string_view line);

// FNV-1a 64: deterministic across runs and machines (std::hash is not).
uint64_t stable_hash(std::string_view s);
std::string hex(uint64_t v, int digits);

// Appends `s` as a JSON string (quoted, with `"`, `\` and control characters escaped).
void append_json_string(std::string& out, std::string_view s);

// Tab-separated record fields: appends a tab and `s` with its tabs, newlines and backslashes
// escaped; unescape_field turns a field back into its text.
void append_field(std::string& out, std::string_view s);
std::string unescape_field(std::string_view field);

// A whole file's text, read at once; empty when it cannot be read.
std::string read_file(const std::string& path);

// The words with `sep` between them ("a, b, c").
std::string join(const std::vector<std::string>& words, std::string_view sep);

}  // namespace vpcemu
