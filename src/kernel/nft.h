// nftables through libnftables: a ruleset text goes to the kernel of one namespace as one
// atomic transaction.
#pragma once
#include <string>

#include "util/result.h"

namespace vpcemu {

// Runs `commands` (nft syntax) inside the namespace as one batch.
Status nft_run(int nsfd, const std::string& ns_name, const std::string& commands);

}  // namespace vpcemu
