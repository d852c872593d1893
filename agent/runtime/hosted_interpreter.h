// Linux-side convenience: an interpreter that owns its arena, allocated once in Prepare() from
// the C heap (the bare-metal build excludes hosted_*.cc; firmware passes its own arena).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "agent/runtime/interpreter.h"

namespace bsb::rt {

class HostedInterpreter {
 public:
  // Prepares with an arena sized by trial: start small, grow to what Prepare reports needing
  // (each attempt restarts Prepare from scratch, so the result equals a right-sized arena).
  Status Prepare(const Model& model, ErrorReporter* err, const KernelRegistry& registry = KernelRegistry::Reference());
  Interpreter& interpreter() { return interpreter_; }
  std::size_t arena_allocated_bytes() const { return arena_bytes_; }

 private:
  std::unique_ptr<uint8_t[]> arena_;
  std::size_t arena_bytes_ = 0;
  Interpreter interpreter_;
};

}  // namespace bsb::rt
