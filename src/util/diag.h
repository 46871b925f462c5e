// Diagnostics with source positions: what validation reports, all at once.
#pragma once
#include <string>
#include <vector>

namespace vpcemu {

struct SourceSpan {
  int line = 0;  // 1-based; 0 means "no position"
  int col = 0;   // 1-based
  bool known() const { return line > 0; }
};

enum class Severity { kError, kWarning };

struct Note {
  SourceSpan span;
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceSpan span;
  std::string message;
  std::vector<Note> notes;
};

class Diagnostics {
 public:
  void error(SourceSpan span, std::string message, std::vector<Note> notes = {});
  void warning(SourceSpan span, std::string message, std::vector<Note> notes = {});
  bool has_errors() const;
  size_t error_count() const;
  const std::vector<Diagnostic>& items() const { return items_; }
  // Sorted by position so the output reads top to bottom like the file.
  std::vector<Diagnostic> sorted() const;
  void append(const Diagnostics& other);

 private:
  std::vector<Diagnostic> items_;
};

// "FILE:LINE:COL: error: message" plus "FILE:LINE:COL: note: ..." lines.
std::string format_diagnostic(const std::string& file, const Diagnostic& d);

}  // namespace vpcemu
