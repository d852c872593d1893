// Result<T>: the orchestrator-side error regime (STYLE #4). A function that can fail
// returns a value or an Error; one catch at the top of main prints uncaught surprises.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace bsb {

// Process exit codes, documented in README.md. Stable: CI jobs branch on them.
enum class ExitCode : int {
  kOk = 0,
  kInternal = 1,      // a bug or an unexpected environment failure
  kInvalidInput = 2,  // the user's file, flag or artifact is wrong
  kCellsFailed = 3,   // a run finished but some cells did not succeed
  kGateFailed = 4,    // a quality gate was breached
  kInterrupted = 130, // Ctrl-C / SIGTERM
};

struct Error {
  std::string message;
  ExitCode code = ExitCode::kInvalidInput;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}               // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}           // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For functions that only succeed or fail.
struct Ok {};
using Status = Result<Ok>;

inline Error MakeError(std::string message, ExitCode code = ExitCode::kInvalidInput) {
  return Error{std::move(message), code};
}

}  // namespace bsb
