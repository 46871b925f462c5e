// State directory handling.
#include "apply/state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "compile/plan_json.h"
#include "util/text.h"

namespace vpcemu {

namespace fs = std::filesystem;

StateDir::StateDir(std::string run_dir, std::string scenario)
    : run_dir_(std::move(run_dir)), scenario_(std::move(scenario)) {
  path_ = run_dir_ + "/" + scenario_;
}

// The directory alone counts: an `up` killed right after creating it left something to remove.
bool StateDir::exists() const {
  return fs::is_directory(path_);
}

Status StateDir::create() {
  std::error_code ec;
  fs::create_directories(path_ + "/logs", ec);
  if (ec) return Error{ec.value(), "mkdir", path_ + "/logs", {}};
  return {};
}

Result<Fd> StateDir::lock() {
  std::error_code ec;
  fs::create_directories(run_dir_, ec);
  if (ec) return Error{ec.value(), "mkdir", run_dir_, {}};
  // The lock lives beside the state directory so that removing the directory keeps it. `down`
  // unlinks it while holding it (unlock()): a waiter that then gets the lock on the unlinked
  // file sees that the path no longer names it, and tries again on the new one.
  const std::string p = lock_path();
  for (;;) {
    Fd fd(open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!fd.valid()) return errno_error("open", p, errno);
    if (flock(fd.get(), LOCK_EX) != 0) return errno_error("flock", p, errno);
    struct stat held {
    }, named{};
    if (fstat(fd.get(), &held) == 0 && stat(p.c_str(), &named) == 0 &&
        held.st_ino == named.st_ino && held.st_dev == named.st_dev)
      return fd;
  }
}

std::string StateDir::lock_path() const {
  return run_dir_ + "/." + scenario_ + ".lock";
}

void StateDir::remove_lock() {
  unlink(lock_path().c_str());
}

Status StateDir::journal(const std::string& lines) {
  if (!journal_.valid()) {
    std::string p = path_ + "/journal";
    journal_.reset(open(p.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    if (!journal_.valid()) return errno_error("open", p, errno);
  }
  // One write per call: a SIGKILL can lose only entries whose objects were not created yet.
  if (write(journal_.get(), lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) {
    return errno_error("write", path_ + "/journal", errno);
  }
  return {};
}

Status StateDir::journal_namespaces(const std::vector<std::string>& names) {
  std::string lines;
  for (const auto& n : names) lines += nlohmann::json{{"netns", n}}.dump() + "\n";
  return journal(lines);
}

Status StateDir::journal_processes(const std::vector<JournaledProcess>& processes) {
  std::string lines;
  for (const auto& p : processes)
    lines += nlohmann::json{{"process", p.pid}, {"start", p.start}, {"name", p.name}}.dump() + "\n";
  return journal(lines);
}

std::vector<JournalEntry> StateDir::read_journal() const {
  std::vector<JournalEntry> out;
  std::ifstream in(path_ + "/journal");
  std::string line;
  while (std::getline(in, line)) {
    // A torn last line (killed mid-write) is skipped; its object was never created.
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;
    if (auto n = j.find("netns"); n != j.end() && n->is_string()) {
      out.push_back({JournalEntry::Kind::kNetns, n->get<std::string>()});
    } else if (auto p = j.find("process"); p != j.end() && p->is_number_integer()) {
      JournalEntry e{JournalEntry::Kind::kProcess};
      e.pid = p->get<pid_t>();
      e.start = j.value("start", uint64_t{0});
      e.name = j.value("name", "");
      out.push_back(std::move(e));
    }
  }
  return out;
}

Status StateDir::write_plan(const PlanRecords& records, const std::string& source_file,
                            const std::string& resources_text) {
  const std::string summary = records.summary_text(), applied = read_file(source_file);
  for (const auto& [name, text] :
       {std::pair<const char*, std::string_view>{"plan.records", records.text()},
        {"summary.records", summary},
        {"applied.yaml", applied},
        {"resources", resources_text},
        {"source", source_file}}) {
    const std::string tmp = path_ + "/" + name + ".tmp";
    Fd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd.valid()) return errno_error("open", tmp, errno);
    for (std::string_view rest = text; !rest.empty();) {
      const ssize_t n = write(fd.get(), rest.data(), rest.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return errno_error("write", tmp, errno);
      rest.remove_prefix(static_cast<size_t>(n));
    }
    if (close(fd.release()) != 0) return errno_error("close", tmp, errno);
    std::error_code ec;
    fs::rename(tmp, path_ + "/" + name, ec);
    if (ec) return Error{ec.value(), "rename", tmp, {}};
  }
  return {};
}

namespace {

// A file mapped read-only (nullptr when it cannot be), unmapped when the last holder lets go:
// a 12 MB plan is read without a copy or a buffer to fill first.
std::shared_ptr<const void> map_file(const std::string& path, std::string_view* text) {
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd.valid() || fstat(fd.get(), &st) != 0 || st.st_size <= 0) return nullptr;
  const auto size = static_cast<size_t>(st.st_size);
  void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
  if (p == MAP_FAILED) return nullptr;
  *text = std::string_view(static_cast<const char*>(p), size);
  return std::shared_ptr<const void>(p,
                                     [size](const void* q) { munmap(const_cast<void*>(q), size); });
}

// A scenario brought up by a vpcemu before plan records kept its plan as JSON (plan.json:
// {"plan": ..., "source_text": ...}); read the same way.
std::optional<PlanRecords> records_of_json(const std::string& text, std::string* source_text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.contains("plan")) return std::nullopt;
  if (source_text) *source_text = j.value("source_text", "");
  try {
    return PlanRecords::of(plan_from_json(j["plan"]));
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<PlanRecords> StateDir::read_records(std::string* source_text) const {
  std::string_view text;
  auto mapped = map_file(path_ + "/plan.records", &text);
  if (!mapped) return records_of_json(read_file(path_ + "/plan.json"), source_text);
  if (source_text) *source_text = read_file(path_ + "/applied.yaml");
  return PlanRecords::parse(std::move(mapped), text);
}

std::optional<std::string> StateDir::read_resources() const {
  if (!fs::exists(path_ + "/resources")) return std::nullopt;
  return read_file(path_ + "/resources");
}

std::optional<Plan> StateDir::read_summary(std::string* source_text) const {
  std::string text = read_file(path_ + "/summary.records");
  if (text.empty()) {
    auto r = read_records(source_text);
    return r ? r->plan() : std::nullopt;
  }
  if (source_text) *source_text = read_file(path_ + "/applied.yaml");
  auto r = PlanRecords::parse(std::move(text));
  return r ? r->plan() : std::nullopt;
}

std::string StateDir::source_file() const {
  std::string path = read_file(path_ + "/source");
  while (!path.empty() && path.back() == '\n') path.pop_back();
  return path;
}

std::vector<std::string> StateDir::tail_lines(const std::string& path, size_t n) {
  std::ifstream in(path);
  std::vector<std::string> all;
  for (std::string l; std::getline(in, l);) all.push_back(l);
  if (all.size() > n) all.erase(all.begin(), all.end() - static_cast<std::ptrdiff_t>(n));
  return all;
}

bool StateDir::complete() const {
  return fs::exists(path_ + "/up.done");
}

Status StateDir::mark_complete() {
  std::ofstream out(path_ + "/up.done");
  if (!out) return errno_error("write", path_ + "/up.done", errno);
  return {};
}

Status StateDir::remove() {
  journal_.reset();
  std::error_code ec;
  fs::remove_all(path_, ec);
  if (ec) return Error{ec.value(), "rm -r", path_, {}};
  return {};
}

std::vector<std::string> StateDir::list(const std::string& run_dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(run_dir, ec)) {
    if (e.is_directory() && e.path().filename().string()[0] != '.') {
      out.push_back(e.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace vpcemu
