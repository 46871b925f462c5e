// Diagnostic collection and formatting.
#include "util/diag.h"

#include <algorithm>
#include <tuple>

namespace vpcemu {

void Diagnostics::error(SourceSpan span, std::string message, std::vector<Note> notes) {
  items_.push_back({Severity::kError, span, std::move(message), std::move(notes)});
}

void Diagnostics::warning(SourceSpan span, std::string message, std::vector<Note> notes) {
  items_.push_back({Severity::kWarning, span, std::move(message), std::move(notes)});
}

bool Diagnostics::has_errors() const {
  return error_count() > 0;
}

size_t Diagnostics::error_count() const {
  return std::count_if(items_.begin(), items_.end(),
                       [](const Diagnostic& d) { return d.severity == Severity::kError; });
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  auto out = items_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.span.line, a.span.col) < std::tie(b.span.line, b.span.col);
  });
  return out;
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

static std::string where(const std::string& file, SourceSpan span) {
  if (!span.known()) return file + ": ";
  return file + ":" + std::to_string(span.line) + ":" + std::to_string(span.col) + ": ";
}

std::string format_diagnostic(const std::string& file, const Diagnostic& d) {
  std::string out = where(file, d.span) +
                    (d.severity == Severity::kError ? "error: " : "warning: ") + d.message + "\n";
  for (const auto& n : d.notes) out += where(file, n.span) + "note: " + n.message + "\n";
  return out;
}

}  // namespace vpcemu
