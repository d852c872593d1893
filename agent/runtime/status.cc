#include "agent/runtime/status.h"

#include <cstdarg>
#include <cstdio>

namespace bsb::rt {

const char* StatusName(Status status) {
  switch (status) {
    case Status::kOk: return "ok";
    case Status::kMalformedModel: return "malformed model";
    case Status::kUnsupported: return "unsupported";
    case Status::kInvalidArgument: return "invalid argument";
    case Status::kArenaTooSmall: return "arena too small";
    case Status::kNotPrepared: return "not prepared";
  }
  return "unknown status";
}

Status ErrorReporter::Report(Status status, const char* format, ...) {
  if (message_[0] != '\0') return status;
  va_list args;
  va_start(args, format);
  std::vsnprintf(message_, kCapacity, format, args);
  va_end(args);
  return status;
}

}  // namespace bsb::rt
