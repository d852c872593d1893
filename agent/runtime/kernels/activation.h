// Clamp ranges of fused activations (TFLite kernel_util.cc CalculateActivationRange*).
#pragma once

#include <cstdint>

#include "agent/runtime/kernels/types.h"

namespace bsb::rt::kernels {

struct QuantizedRange {
  int32_t min = 0;
  int32_t max = 0;
};

struct FloatRange {
  float min = 0.0f;
  float max = 0.0f;
};

// Q(f) = z_out + (int32)round(f / s_out) computed in float; NONE [qmin, qmax], RELU
// [Q(0), qmax], RELU6 [Q(0), Q(6)], RELU_N1_TO_1 [Q(−1), Q(1)], all clipped to the type's
// range. Fused TANH / SIGN_BIT are kUnsupported (TFLite would silently ignore them).
KernelStatus CalculateActivationRangeQuantized(Activation activation, QuantType type,
                                               float output_scale, int32_t output_zero_point,
                                               QuantizedRange* range);

// NONE [lowest, max], RELU [0, max], RELU6 [0, 6], RELU_N1_TO_1 [−1, 1].
KernelStatus CalculateActivationRangeFloat(Activation activation, FloatRange* range);

// The type's full range: int8 [−128, 127], int16 [−32768, 32767].
QuantizedRange FullRange(QuantType type);

inline float ClampFloat(float x, const FloatRange& range) {
  return x < range.min ? range.min : (x > range.max ? range.max : x);
}

inline int32_t ClampInt(int32_t x, const QuantizedRange& range) {
  return x < range.min ? range.min : (x > range.max ? range.max : x);
}

}  // namespace bsb::rt::kernels
