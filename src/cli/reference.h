// The command line described for other tools: vpcemu(1) as roff, and completion scripts.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace vpcemu::cli {

std::string man_page(const CLI::App& app, const std::string& version);
// shell: bash, zsh or fish.
std::string completion(const CLI::App& app, const std::string& shell);

}  // namespace vpcemu::cli
