// Parsed<T>: the outcome of parsing outside input in agent/protocol — a value or a message
// naming what was wrong and where ("result.metrics.latency_ms.p50: expected a number").
// agent/ includes nothing outside agent/ (ARCHITECTURE.md), so this is a small local cousin
// of bsb::Result<T>; host code converts with `bsb::MakeError(parsed.error())`.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace bsb::protocol {

struct ParseError {
  std::string message;
};

template <typename T>
class [[nodiscard]] Parsed {
 public:
  Parsed(T value) : v_(std::move(value)) {}            // NOLINT: implicit by design
  Parsed(ParseError error) : v_(std::move(error)) {}   // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T* operator->() const { return &value(); }
  const T& operator*() const& { return value(); }

  // The message; only meaningful when !ok().
  const std::string& error() const { return std::get<1>(v_).message; }

 private:
  std::variant<T, ParseError> v_;
};

}  // namespace bsb::protocol
