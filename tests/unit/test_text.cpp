// Text helpers: command splitting (no shell), nearest-name suggestions.
#include <catch2/catch.hpp>

#include "util/text.h"

using namespace vpcemu;

TEST_CASE("run: commands split like a shell would, without a shell") {
  using V = std::vector<std::string>;
  CHECK(*split_command("python3 -m http.server 80") == V{"python3", "-m", "http.server", "80"});
  CHECK(*split_command("sh -c 'echo hi; exit 3'") == V{"sh", "-c", "echo hi; exit 3"});
  CHECK(*split_command("a \"b c\" d\\ e") == V{"a", "b c", "d e"});
  CHECK(*split_command("  x  ") == V{"x"});
  CHECK(*split_command("''") == V{""});
  CHECK_FALSE(split_command("echo 'unterminated"));
  CHECK_FALSE(split_command("echo \"unterminated"));
}

TEST_CASE("nearest suggests plausible typos only") {
  std::vector<std::string> keys = {"cidr", "internet_gateway", "subnets", "route_tables"};
  CHECK(*nearest("subnet", keys) == "subnets");
  CHECK(*nearest("internet_gatway", keys) == "internet_gateway");
  CHECK_FALSE(nearest("zzzzzzzz", keys));
}
