// Feeds mutated scenario files through parse → validate → compile: every outcome must be
// diagnostics with a position, or a plan. Built two ways: as a libFuzzer target (clang,
// -fsanitize=fuzzer: LLVMFuzzerTestOneInput only) or as a standalone seeded mutation driver
// (any compiler; main below), which CI runs for a bounded time under ASan and UBSan.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

#include "compile/compile.h"
#include "scenario/parse.h"
#include "util/text.h"
#include "validate/validate.h"

namespace {

// What one input must satisfy; a violation returns its description.
std::string check_one(const std::string& text) {
  try {
    auto r = vpcemu::parse_scenario_text(text, "fuzz.yaml");
    vpcemu::validate(r.scenario, r.diags);
    for (const auto& d : r.diags.items())
      if (d.severity == vpcemu::Severity::kError && !d.span.known())
        return "error without a position: " + d.message;
    if (r.diags.has_errors()) return "";
    vpcemu::Plan p = vpcemu::compile(r.scenario, "/scenarios");
    (void)p;
  } catch (const std::exception& e) {
    return std::string("uncaught exception: ") + e.what();
  } catch (...) {
    return "uncaught exception of unknown type";
  }
  return "";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string problem = check_one(std::string(reinterpret_cast<const char*>(data), size));
  if (!problem.empty()) {
    std::fprintf(stderr, "%s\n", problem.c_str());
    std::abort();
  }
  return 0;
}

#ifndef VPCEMU_LIBFUZZER
// A sanitizer report ends in abort(), which on_fatal below turns into a saved input.
extern "C" const char* __ubsan_default_options() {
  return "abort_on_error=1:print_stacktrace=1";
}
extern "C" const char* __asan_default_options() {
  return "abort_on_error=1";
}

namespace {

namespace fs = std::filesystem;

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

std::string join(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

// Values a user might write in the wrong place: empty, huge, negative, other types, the
// corpus's own names and addresses (collected from every `key: value` of the seeds).
std::vector<std::string> base_dictionary() {
  return {"''",
          "\"\"",
          "0",
          "-1",
          "65536",
          "4294967296",
          "99999999999999999999",
          "null",
          "~",
          "[]",
          "{}",
          "[a, b]",
          "true",
          "false",
          "0.0.0.0/0",
          "10.0.0.0/8",
          "10.0.0.0/33",
          "10.0.0.1",
          "255.255.255.255",
          "::/0",
          "1.2.3",
          "a/b/c",
          "sg/",
          "pl/",
          "instance/",
          "peering/",
          "nat_gateway/",
          "transit_gateway/",
          "endpoint_service/",
          "vpc//sg/x",
          "*",
          "&a",
          "*a",
          "!!binary x",
          "\"\\u0000\"",
          "tcp",
          "udp",
          "icmp",
          "all",
          "1-0",
          "0-65535",
          "bgp",
          "static",
          "wireguard",
          "openvpn"};
}

struct Corpus {
  std::vector<std::vector<std::string>> files;
  std::vector<std::string> values;
};

Corpus load_corpus(const std::vector<std::string>& dirs) {
  Corpus c;
  for (const auto& d : dirs) {
    std::vector<fs::path> paths;
    for (const auto& e : fs::recursive_directory_iterator(d))
      if (e.path().extension() == ".yaml") paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
      std::ifstream in(p);
      std::stringstream ss;
      ss << in.rdbuf();
      c.files.push_back(lines_of(ss.str()));
    }
  }
  c.values = base_dictionary();
  for (const auto& f : c.files)
    for (const auto& l : f)
      if (auto colon = l.find(": "); colon != std::string::npos && colon + 2 < l.size())
        c.values.push_back(l.substr(colon + 2));
  return c;
}

// One structural change of a YAML file, chosen at random.
void mutate(std::vector<std::string>& lines, const Corpus& c, std::mt19937_64& rng) {
  auto pick = [&](size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); };
  if (lines.empty()) {
    lines.push_back("name: x");
    return;
  }
  size_t i = pick(lines.size());
  std::string& l = lines[i];
  switch (rng() % 10) {
    case 0:  // a deleted key line
      lines.erase(lines.begin() + static_cast<long>(i));
      break;
    case 1:  // a duplicated key line
      lines.insert(lines.begin() + static_cast<long>(i), l);
      break;
    case 2:  // two lines swapped
      if (i + 1 < lines.size()) std::swap(lines[i], lines[i + 1]);
      break;
    case 3:  // a value replaced by another value of the corpus
    case 4: {
      const std::string& v = c.values[pick(c.values.size())];
      if (auto colon = l.find(": "); colon != std::string::npos)
        l = l.substr(0, colon + 2) + v;
      else if (auto dash = l.find("- "); dash != std::string::npos)
        l = l.substr(0, dash + 2) + v;
      break;
    }
    case 5: {  // a value inside a flow mapping replaced
      size_t colon = l.find(": ", pick(l.size()));
      if (colon == std::string::npos) break;
      size_t end = l.find_first_of(",}]", colon);
      if (end == std::string::npos) end = l.size();
      l = l.substr(0, colon + 2) + c.values[pick(c.values.size())] + l.substr(end);
      break;
    }
    case 6:  // indentation shifted
      if (rng() % 2 && l.size() >= 2 && l.rfind("  ", 0) == 0)
        l.erase(0, 2);
      else
        l.insert(0, "  ");
      break;
    case 7: {  // a line of another file inserted
      const auto& f = c.files[pick(c.files.size())];
      if (!f.empty()) lines.insert(lines.begin() + static_cast<long>(i), f[pick(f.size())]);
      break;
    }
    case 8:  // one character changed
      if (!l.empty()) l[pick(l.size())] = "0123456789abcxyz:-/.,[]{} '\"#"[pick(30)];
      break;
    case 9:  // the file cut short
      lines.resize(i);
      break;
  }
}

// The input being checked, for the signal handler: a crash still leaves its input behind.
std::string g_current;
std::string g_crash_path;

void save_current() {
  int fd = ::open(g_crash_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd >= 0) {
    ssize_t ignored = ::write(fd, g_current.data(), g_current.size());
    (void)ignored;
    ::close(fd);
  }
}

void on_fatal(int sig) {
  save_current();
  const char msg[] = "fuzz: fatal signal; input saved as the crash file\n";
  ssize_t ignored = ::write(2, msg, sizeof msg - 1);
  (void)ignored;
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

int usage() {
  std::cerr << "usage: fuzz_scenario [--seconds N] [--seed S] [--out DIR] CORPUS_DIR...\n"
               "       fuzz_scenario --run FILE...   (check given files once)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 10;
  uint64_t seed = 1;
  std::string out = ".";
  std::vector<std::string> dirs, files;
  bool run = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (a == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else if (a == "--run") {
      run = true;
    } else if (a.rfind("--", 0) == 0) {
      return usage();
    } else {
      (run ? files : dirs).push_back(a);
    }
  }
  if (run) {
    int bad = 0;
    for (const auto& f : files) {
      std::ifstream in(f);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string problem = check_one(ss.str());
      if (!problem.empty()) std::cerr << f << ": " << problem << "\n", ++bad;
    }
    return bad ? 1 : 0;
  }
  if (dirs.empty()) return usage();
  Corpus c = load_corpus(dirs);
  if (c.files.empty()) {
    std::cerr << "fuzz: no .yaml files in the corpus\n";
    return 2;
  }
  g_crash_path = out + "/crash-signal.yaml";
#if defined(__SANITIZE_ADDRESS__)
  __sanitizer_set_death_callback(save_current);  // ASan and UBSan reports end here
#endif
  ::signal(SIGSEGV, on_fatal);
  ::signal(SIGABRT, on_fatal);
  ::signal(SIGBUS, on_fatal);
  ::signal(SIGFPE, on_fatal);
  std::mt19937_64 rng(seed);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  uint64_t runs = 0, found = 0;
  std::vector<std::string> seen;
  while (std::chrono::steady_clock::now() < deadline) {
    auto lines = c.files[rng() % c.files.size()];
    int n = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < n; ++k) mutate(lines, c, rng);
    g_current = join(lines);
    std::string problem = check_one(g_current);
    ++runs;
    if (problem.empty()) continue;
    // One report per distinct problem text: the same bug found again adds nothing.
    if (std::find(seen.begin(), seen.end(), problem) != seen.end()) continue;
    seen.push_back(problem);
    ++found;
    std::string path = out + "/crash-" + vpcemu::hex(vpcemu::stable_hash(g_current), 8) + ".yaml";
    std::ofstream(path) << g_current;
    std::cerr << "fuzz: " << problem << "\n  input: " << path << "\n";
  }
  std::cerr << "fuzz: " << runs << " inputs in " << seconds << " s (seed " << seed << "), " << found
            << " distinct problems\n";
  return found ? 1 : 0;
}
#endif
