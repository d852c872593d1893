#include "agent/runtime/hosted_interpreter.h"

#include <new>

namespace bsb::rt {

Status HostedInterpreter::Prepare(const Model& model, ErrorReporter* err, const KernelRegistry& registry) {
  // Enough for small models at once; larger ones grow geometrically (a handful of attempts).
  std::size_t bytes = 64 * 1024;
  constexpr std::size_t kMaxArenaBytes = std::size_t{1} << 31;
  while (true) {
    arena_.reset(new (std::nothrow) uint8_t[bytes + 16]);
    if (arena_ == nullptr) return err->Report(Status::kArenaTooSmall, "cannot allocate an arena of %zu bytes", bytes);
    arena_bytes_ = bytes + 16;  // + alignment slack: the interpreter aligns the start to 16
    err->Clear();
    const Status s = interpreter_.Prepare(model, arena_.get(), arena_bytes_, err, registry);
    if (s != Status::kArenaTooSmall) return s;
    std::size_t next = bytes * 2;
    if (interpreter_.arena_needed_bytes() > next) next = interpreter_.arena_needed_bytes() * 2;
    if (next > kMaxArenaBytes) return s;
    bytes = next;
  }
}

}  // namespace bsb::rt
