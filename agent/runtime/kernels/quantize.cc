#include "agent/runtime/kernels/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "agent/runtime/kernels/fixedpoint.h"

namespace bsb::rt::kernels {
namespace {

template <typename OutputT>
void QuantizeFromFloat(const QuantizeParams& p, int64_t count, const float* input,
                       OutputT* output) {
  constexpr int32_t kMin = std::numeric_limits<OutputT>::min();
  constexpr int32_t kMax = std::numeric_limits<OutputT>::max();
  // Bounds in the rounded domain: anything beyond lands on a clamp edge anyway, and bounding
  // first keeps the float → int conversion defined for huge values (NaN maps to the low edge).
  const float low = static_cast<float>(kMin - p.output_zero_point - 1);
  const float high = static_cast<float>(kMax - p.output_zero_point + 1);
  for (int64_t i = 0; i < count; ++i) {
    float rounded = std::round(input[i] / p.output_scale);
    rounded = rounded >= low ? (rounded <= high ? rounded : high) : low;
    const int32_t q = static_cast<int32_t>(rounded) + p.output_zero_point;
    output[i] = static_cast<OutputT>(std::min(std::max(q, kMin), kMax));
  }
}

template <typename InputT, typename OutputT>
void RequantizeImpl(const QuantizeParams& p, int64_t count, const InputT* input,
                    OutputT* output) {
  constexpr int64_t kMin = std::numeric_limits<OutputT>::min();
  constexpr int64_t kMax = std::numeric_limits<OutputT>::max();
  for (int64_t i = 0; i < count; ++i) {
    const int32_t x = static_cast<int32_t>(input[i]) - p.input_zero_point;
    const int64_t q =
        static_cast<int64_t>(MultiplyByQuantizedMultiplier(x, p.multiplier, p.shift)) +
        p.output_zero_point;
    output[i] = static_cast<OutputT>(std::min(std::max(q, kMin), kMax));
  }
}

template <typename InputT>
void DequantizeImpl(const QuantizeParams& p, int64_t count, const InputT* input, float* output) {
  for (int64_t i = 0; i < count; ++i) {
    const int32_t val = static_cast<int32_t>(input[i]);
    output[i] = static_cast<float>(p.input_scale * (val - p.input_zero_point));
  }
}

}  // namespace

KernelStatus PrepareQuantizeFromFloat(float output_scale, int32_t output_zero_point,
                                      QuantizeParams* params) {
  *params = QuantizeParams{};
  if (!(output_scale > 0.0f)) return KernelStatus::kBadParams;
  params->output_scale = output_scale;
  params->output_zero_point = output_zero_point;
  return KernelStatus::kOk;
}

KernelStatus PrepareRequantize(float input_scale, int32_t input_zero_point, float output_scale,
                               int32_t output_zero_point, QuantizeParams* params) {
  *params = QuantizeParams{};
  if (!(input_scale > 0.0f) || !(output_scale > 0.0f)) return KernelStatus::kBadParams;
  const QuantizedMultiplier qm =
      QuantizeMultiplier(static_cast<double>(input_scale) / static_cast<double>(output_scale));
  params->multiplier = qm.multiplier;
  params->shift = qm.shift;
  params->input_zero_point = input_zero_point;
  params->output_zero_point = output_zero_point;
  params->output_scale = output_scale;
  return KernelStatus::kOk;
}

KernelStatus PrepareDequantize(float input_scale, int32_t input_zero_point,
                               QuantizeParams* params) {
  *params = QuantizeParams{};
  if (!(input_scale > 0.0f)) return KernelStatus::kBadParams;
  params->input_scale = static_cast<double>(input_scale);
  params->input_zero_point = input_zero_point;
  return KernelStatus::kOk;
}

void QuantizeFloatToInt8(const QuantizeParams& params, int64_t count, const float* input,
                         int8_t* output) {
  QuantizeFromFloat(params, count, input, output);
}

void QuantizeFloatToInt16(const QuantizeParams& params, int64_t count, const float* input,
                          int16_t* output) {
  QuantizeFromFloat(params, count, input, output);
}

void Requantize(const QuantizeParams& p, int64_t n, const int8_t* in, int8_t* out) { RequantizeImpl(p, n, in, out); }
void Requantize(const QuantizeParams& p, int64_t n, const int8_t* in, int16_t* out) { RequantizeImpl(p, n, in, out); }
void Requantize(const QuantizeParams& p, int64_t n, const int8_t* in, int32_t* out) { RequantizeImpl(p, n, in, out); }
void Requantize(const QuantizeParams& p, int64_t n, const int16_t* in, int8_t* out) { RequantizeImpl(p, n, in, out); }
void Requantize(const QuantizeParams& p, int64_t n, const int16_t* in, int16_t* out) { RequantizeImpl(p, n, in, out); }
void Requantize(const QuantizeParams& p, int64_t n, const int16_t* in, int32_t* out) { RequantizeImpl(p, n, in, out); }
void Requantize(const QuantizeParams& p, int64_t n, const int32_t* in, int8_t* out) { RequantizeImpl(p, n, in, out); }
void Requantize(const QuantizeParams& p, int64_t n, const int32_t* in, int16_t* out) { RequantizeImpl(p, n, in, out); }

void Dequantize(const QuantizeParams& p, int64_t n, const int8_t* in, float* out) { DequantizeImpl(p, n, in, out); }
void Dequantize(const QuantizeParams& p, int64_t n, const int16_t* in, float* out) { DequantizeImpl(p, n, in, out); }
void Dequantize(const QuantizeParams& p, int64_t n, const int32_t* in, float* out) { DequantizeImpl(p, n, in, out); }

float HalfToFloat(uint16_t half) {
  const uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
  const uint32_t exponent = (half >> 10) & 0x1Fu;
  uint32_t mantissa = half & 0x3FFu;
  uint32_t bits = 0;
  if (exponent == 0x1Fu) {
    bits = sign | 0x7F800000u | (mantissa << 13);  // inf, or NaN with its payload
  } else if (exponent != 0) {
    bits = sign | ((exponent + (127 - 15)) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;  // ±0
  } else {
    // Subnormal half: value = mantissa·2^−24. Normalise into a float exponent.
    int32_t e = 127 - 15 + 1;
    while ((mantissa & 0x400u) == 0) {
      mantissa <<= 1;
      --e;
    }
    mantissa &= 0x3FFu;
    bits = sign | (static_cast<uint32_t>(e) << 23) | (mantissa << 13);
  }
  float result;
  std::memcpy(&result, &bits, sizeof(result));
  return result;
}

void DequantizeFloat16(int64_t count, const uint16_t* input, float* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = HalfToFloat(input[i]);
}

}  // namespace bsb::rt::kernels
