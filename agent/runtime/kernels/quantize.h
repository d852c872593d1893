// QUANTIZE and DEQUANTIZE (reference §2 "Edge kernels"), integer requantization between
// types as TFLM's QUANTIZE does it, and IEEE half → float for float16 weights.
#pragma once

#include <cstdint>

#include "agent/runtime/kernels/types.h"

namespace bsb::rt::kernels {

struct QuantizeParams {
  float output_scale = 1.0f;       // float → integer
  int32_t input_zero_point = 0;    // integer → integer and integer → float
  int32_t output_zero_point = 0;
  int32_t multiplier = 0;          // integer → integer: (double)s_in/(double)s_out
  int shift = 0;
  double input_scale = 1.0;        // integer → float (TFLite keeps it as a double)
};

KernelStatus PrepareQuantizeFromFloat(float output_scale, int32_t output_zero_point,
                                      QuantizeParams* params);
KernelStatus PrepareRequantize(float input_scale, int32_t input_zero_point, float output_scale,
                               int32_t output_zero_point, QuantizeParams* params);
KernelStatus PrepareDequantize(float input_scale, int32_t input_zero_point,
                               QuantizeParams* params);

// q = clamp(round_half_away(x / s_out) + z_out) with the division in float.
void QuantizeFloatToInt8(const QuantizeParams& params, int64_t count, const float* input,
                         int8_t* output);
void QuantizeFloatToInt16(const QuantizeParams& params, int64_t count, const float* input,
                          int16_t* output);

// q = clamp(MBQM(x − z_in, M, e) + z_out) for every supported (input, output) pair.
void Requantize(const QuantizeParams& params, int64_t count, const int8_t* input, int8_t* output);
void Requantize(const QuantizeParams& params, int64_t count, const int8_t* input, int16_t* output);
void Requantize(const QuantizeParams& params, int64_t count, const int8_t* input, int32_t* output);
void Requantize(const QuantizeParams& params, int64_t count, const int16_t* input, int8_t* output);
void Requantize(const QuantizeParams& params, int64_t count, const int16_t* input, int16_t* output);
void Requantize(const QuantizeParams& params, int64_t count, const int16_t* input, int32_t* output);
void Requantize(const QuantizeParams& params, int64_t count, const int32_t* input, int8_t* output);
void Requantize(const QuantizeParams& params, int64_t count, const int32_t* input, int16_t* output);

// y = (float)((double)s · (q − z)).
void Dequantize(const QuantizeParams& params, int64_t count, const int8_t* input, float* output);
void Dequantize(const QuantizeParams& params, int64_t count, const int16_t* input, float* output);
void Dequantize(const QuantizeParams& params, int64_t count, const int32_t* input, float* output);

// IEEE 754 binary16 → binary32, exact (subnormals, ±inf, NaN payload kept).
float HalfToFloat(uint16_t half);
void DequantizeFloat16(int64_t count, const uint16_t* input, float* output);

}  // namespace bsb::rt::kernels
