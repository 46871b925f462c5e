// vpcemu test FILE...: for CI and bug reports, each scenario brought up, its expect: entries
// proved, and taken down again; the verdict is the exit status (0 every expectation held, 1 one
// failed or a scenario could not be built, 2 a file is invalid) and, with --junit, a JUnit XML
// report that CI systems display.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "apply/state.h"
#include "cli/verbs.h"
#include "scenario/parse.h"
#include "util/clock.h"

namespace fs = std::filesystem;

namespace vpcemu::cli {

namespace {

struct Case {
  std::string name;
  int line = 0;
  long ms = 0;
  std::string failure;  // a verdict that did not hold
  std::string error;    // a step that could not be done (up, down)
  std::string output;
};

struct Suite {
  std::string name, file;
  long ms = 0;
  std::vector<Case> cases;
  int exit_code = kExitOk;
};

std::string xml(const std::string& s) {
  std::string o;
  for (unsigned char c : s) {
    switch (c) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&apos;";
        break;
      default:
        if (c >= 0x20 || c == '\n' || c == '\t') o += static_cast<char>(c);  // XML 1.0's chars
    }
  }
  return o;
}

std::string seconds(long ms) {
  char b[32];
  snprintf(b, sizeof(b), "%.3f", ms / 1000.0);
  return b;
}

std::string first_line(const std::string& s) {
  return s.substr(0, s.find('\n'));
}

// JUnit XML as Jenkins, GitLab and GitHub's test reporters read it: one testsuite per scenario,
// a testcase for its `up` and one per expect: entry (file and line of the entry).
bool write_junit(const std::string& path, const std::vector<Suite>& suites) {
  int tests = 0, failures = 0, errors = 0;
  long ms = 0;
  for (const auto& s : suites) {
    ms += s.ms;
    for (const auto& c : s.cases) {
      ++tests;
      failures += !c.failure.empty();
      errors += !c.error.empty();
    }
  }
  char host[256] = "localhost";
  gethostname(host, sizeof(host) - 1);
  char stamp[32];
  const time_t now = time(nullptr);
  strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", gmtime(&now));
  std::ofstream f(path);
  f << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<testsuites name=\"vpcemu\" tests=\"" << tests << "\" failures=\"" << failures
    << "\" errors=\"" << errors << "\" time=\"" << seconds(ms) << "\">\n";
  for (const auto& s : suites) {
    int sf = 0, se = 0;
    for (const auto& c : s.cases) sf += !c.failure.empty(), se += !c.error.empty();
    f << "  <testsuite name=\"" << xml(s.name) << "\" tests=\"" << s.cases.size()
      << "\" failures=\"" << sf << "\" errors=\"" << se << "\" skipped=\"0\" time=\""
      << seconds(s.ms) << "\" timestamp=\"" << stamp << "\" hostname=\"" << xml(host)
      << "\" file=\"" << xml(s.file) << "\">\n";
    for (const auto& c : s.cases) {
      f << "    <testcase classname=\"" << xml(s.name) << "\" name=\"" << xml(c.name)
        << "\" time=\"" << seconds(c.ms) << "\" file=\"" << xml(s.file) << "\"";
      if (c.line) f << " line=\"" << c.line << "\"";
      if (c.failure.empty() && c.error.empty() && c.output.empty()) {
        f << "/>\n";
        continue;
      }
      f << ">\n";
      if (!c.failure.empty())
        f << "      <failure type=\"expectation\" message=\"" << xml(first_line(c.failure)) << "\">"
          << xml(c.failure) << "</failure>\n";
      if (!c.error.empty())
        f << "      <error type=\"" << xml(c.name) << "\" message=\"" << xml(first_line(c.error))
          << "\">" << xml(c.error) << "</error>\n";
      if (!c.output.empty()) f << "      <system-out>" << xml(c.output) << "</system-out>\n";
      f << "    </testcase>\n";
    }
    f << "  </testsuite>\n";
  }
  f << "</testsuites>\n";
  f.close();
  return static_cast<bool>(f);
}

Suite test_one(const std::string& run_dir, const std::string& file, const TestOptions& opt) {
  Suite s;
  s.file = file;
  s.name = parse_scenario_file(file).scenario.name;
  if (s.name.empty()) s.name = fs::path(file).stem().string();
  const auto t0 = Clock::now();
  auto finish = [&](int code) {
    s.exit_code = std::max(s.exit_code, code);
    s.ms = ms_since(t0);
    return s;
  };
  Case up{"up"};
  if (StateDir(run_dir, s.name).exists()) {
    up.error = "scenario " + s.name +
               " is already up; 'vpcemu test' brings up its own and takes it down: 'vpcemu down " +
               s.name + "' first, or 'vpcemu check " + s.name + "' to check the running one";
    std::cout << s.name << ": " << up.error << "\n";
    s.cases.push_back(up);
    return finish(kExitFail);
  }
  UpOutcome outcome;
  UpOptions uo = opt.up;
  uo.print = false;
  uo.outcome = &outcome;
  const int rc = cmd_up(run_dir, file, uo);
  up.ms = outcome.ms;
  if (rc != kExitOk) {
    up.error = outcome.error.empty() ? "up failed" : outcome.error;
    if (outcome.result == "invalid") up.error = "invalid scenario: " + up.error;
    std::cout << s.name << " (" << file << "): " << first_line(up.error) << "\n";
    s.cases.push_back(up);
    return finish(rc == kExitInvalid ? kExitInvalid : kExitFail);
  }
  s.cases.push_back(up);
  std::cout << s.name << " (" << file << "): up in " << outcome.ms << " ms\n";
  const CheckOutcome c = check_scenario(run_dir, file, opt.timeout_ms);
  if (!c.error.empty()) {
    s.cases.push_back({"check", 0, 0, "", c.error, ""});
    std::cout << "  " << c.error << "\n";
    s.exit_code = kExitFail;
  }
  for (const auto& v : c.verdicts) {
    std::string line = verdict_line(v);
    std::cout << "  ";
    for (char ch : line) std::cout << ch << (ch == '\n' ? "  " : "");
    std::cout << "\n";
    Case k{v.name, v.line, v.ms};
    if (!v.pass) {
      k.failure = "expected " + v.expected + ", observed " + v.observed + " (" + v.detail +
                  ") at " + file + ":" + std::to_string(v.line);
      s.exit_code = kExitFail;
    }
    for (const auto& o : v.output) k.output += o + "\n";
    s.cases.push_back(k);
  }
  if (s.exit_code != kExitOk && opt.keep_on_failure) {
    std::cout << s.name << ": FAILED (" << c.passed << " passed, " << c.failed
              << " failed); left up for inspection: 'vpcemu status " << s.name
              << "', 'vpcemu check " << s.name << "', 'vpcemu down " << s.name << "'\n";
    return finish(kExitFail);
  }
  const auto td = Clock::now();
  if (down_scenario(run_dir, s.name, "text", false) != kExitOk) {
    s.cases.push_back({"down", 0, ms_since(td), "", "down did not remove everything", ""});
    s.exit_code = kExitFail;
  }
  finish(s.exit_code);
  std::cout << s.name << ": " << (s.exit_code == kExitOk ? "passed" : "FAILED") << " (" << c.passed
            << " passed, " << c.failed << " failed, " << s.ms << " ms)\n";
  return s;
}

}  // namespace

int cmd_test(const std::string& run_dir, const std::vector<std::string>& files,
             const TestOptions& opt) {
  if (!need_root("test")) return kExitFail;
  std::vector<Suite> suites;
  int code = kExitOk, passed = 0;
  for (const auto& f : files) {
    if (!fs::is_regular_file(f)) {
      std::cerr << "vpcemu test: " << f << ": no such scenario file\n";
      Suite s{fs::path(f).stem().string(), f};
      s.cases.push_back({"up", 0, 0, "", f + ": no such scenario file", ""});
      s.exit_code = kExitInvalid;
      suites.push_back(s);
    } else {
      suites.push_back(test_one(run_dir, f, opt));
    }
    code = std::max(code, suites.back().exit_code);
    passed += suites.back().exit_code == kExitOk;
    std::cout.flush();
  }
  if (!opt.junit.empty() && !write_junit(opt.junit, suites)) {
    std::cerr << "vpcemu test: cannot write " << opt.junit << "\n";
    code = std::max(code, kExitFail);
  }
  if (files.size() > 1)
    std::cout << files.size() << " scenarios: " << passed << " passed, " << files.size() - passed
              << " failed\n";
  return code;
}

}  // namespace vpcemu::cli
