// Result<T> for kernel and daemon calls: an error carries errno, the operation, the object
// and the kernel's extended-ack text (g++ 12 has no std::expected).
#pragma once
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace vpcemu {

struct Error {
  int err = 0;         // errno, 0 if not applicable
  std::string op;      // "RTM_NEWLINK", "setns", "nft"
  std::string object;  // "veth e-web-1 in ns demo.vpc.prod"
  std::string detail;  // kernel extack text or tool output
  std::string str() const {
    std::string s = op;
    if (!object.empty()) s += " " + object;
    if (err != 0) s += ": " + std::string(strerror(err));
    if (!detail.empty()) s += (err != 0 ? " (" + detail + ")" : ": " + detail);
    return s;
  }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error e) : v_(std::move(e)) {}
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error e) : e_(std::move(e)) {}
  bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *e_; }

 private:
  std::optional<Error> e_;
};

using Status = Result<void>;

inline Error errno_error(std::string op, std::string object, int err) {
  return Error{err, std::move(op), std::move(object), {}};
}

}  // namespace vpcemu
