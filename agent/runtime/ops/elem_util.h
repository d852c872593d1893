// Checks shared by the rt-elem op glue (softmax, quantize, elementwise, activation).
#pragma once

#include "agent/runtime/kernel_api.h"

namespace bsb::rt::ops {

// MultiplyByQuantizedMultiplier shifts an int32 left by `shift` when positive: beyond 31 the
// shift is undefined behaviour, so a scale ratio that needs it (≥ 2^31, only in hostile or
// broken files) is refused at Prepare rather than run.
inline Status CheckMultiplierShift(Context& ctx, const Node& node, int shift, const char* what) {
  if (shift > 31 || shift < -31) {
    return ctx.Fail(node, Status::kUnsupported, "%s needs a shift of %d; scales whose ratio is beyond 2^±31 are not supported", what,
                    shift);
  }
  return Status::kOk;
}

}  // namespace bsb::rt::ops
