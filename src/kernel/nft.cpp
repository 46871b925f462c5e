// libnftables wrapper.
#include "kernel/nft.h"

#include <nftables/libnftables.h>

#include <memory>
#include <mutex>

#include "kernel/netns.h"

namespace vpcemu {

namespace {

Status run(const std::string& ns_name, const std::string& commands) {
  // A context per call, so calls in several threads share nothing; libnftables initializes
  // its globals (GMP, xtables) in the first nft_ctx_new() without a lock, hence this one.
  static std::mutex creating;
  std::unique_ptr<nft_ctx, decltype(&nft_ctx_free)> ctx(nullptr, &nft_ctx_free);
  {
    std::lock_guard g(creating);
    ctx.reset(nft_ctx_new(NFT_CTX_DEFAULT));
  }
  if (!ctx) return Error{0, "nft_ctx_new", "in ns " + ns_name, "out of memory"};
  nft_ctx_buffer_output(ctx.get());
  nft_ctx_buffer_error(ctx.get());
  if (nft_run_cmd_from_buffer(ctx.get(), commands.c_str()) != 0) {
    std::string err = nft_ctx_get_error_buffer(ctx.get());
    while (!err.empty() && err.back() == '\n') err.pop_back();
    return Error{0, "libnftables", "ruleset in ns " + ns_name, err};
  }
  return {};
}

}  // namespace

Status nft_run(int nsfd, const std::string& ns_name, const std::string& commands) {
  auto g = NetnsGuard::enter(nsfd, ns_name);
  if (!g) return g.error();
  return run(ns_name, commands);
}

}  // namespace vpcemu
