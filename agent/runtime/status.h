// The runtime's error regime: status codes plus a caller-owned message buffer (no exceptions,
// no heap). Every failing check writes one human-readable line saying what and where.
#pragma once

#include <cstddef>

namespace bsb::rt {

enum class Status : int {
  kOk = 0,
  kMalformedModel,    // the bytes are not a well-formed .tflite (Verifier or structure)
  kUnsupported,       // a valid model using an op, type or option this runtime lacks
  kInvalidArgument,   // the caller passed something wrong (input size, index)
  kArenaTooSmall,     // the arena given to Prepare cannot hold the plan
  kNotPrepared,       // Invoke before a successful Prepare
};

const char* StatusName(Status status);

// A fixed buffer for the message of the first error. Report() keeps the first message so the
// root cause is not overwritten by callers adding context.
class ErrorReporter {
 public:
  static constexpr std::size_t kCapacity = 512;

  // printf-style; returns `status` so checks read `return err.Report(Status::k..., "...")`.
  Status Report(Status status, const char* format, ...) __attribute__((format(printf, 3, 4)));
  const char* message() const { return message_; }
  bool has_error() const { return message_[0] != '\0'; }
  void Clear() { message_[0] = '\0'; }

 private:
  char message_[kCapacity] = {};
};

}  // namespace bsb::rt
