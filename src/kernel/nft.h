// nftables through libnftables: a ruleset text goes to the kernel of one namespace as one
// atomic transaction.
#pragma once
#include <string>

#include "util/result.h"

namespace vpcemu {

// Runs `commands` (nft syntax) inside the namespace as one batch.
Status nft_run(int nsfd, const std::string& ns_name, const std::string& commands);

// Replaces table `table` ("ip vpcemu") atomically with `ruleset`: conntrack state survives.
Status nft_replace_table(int nsfd, const std::string& ns_name, const std::string& table,
                         const std::string& ruleset);

// Parses and evaluates without committing (nft --check), in the calling thread's namespace.
Status nft_check(const std::string& commands);

}  // namespace vpcemu
