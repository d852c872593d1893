// SOFTMAX over the innermost dimension: y = exp(β·(x − max)) / Σ exp(β·(x − max)).
// float32, and int8 input with TFLM's reference fixed-point path (reference §3 "SOFTMAX int8")
// writing int8 (1/256, −128) or int16 (1/65536, −32768) outputs; int16 → int16 with TFLM's two
// 513-entry interpolated lookup tables (exp on [−10, 0], 1/(1+x) on [0, 1]) built at Prepare.
#pragma once

#include <cstdint>

#include "agent/runtime/kernels/types.h"

namespace bsb::rt::kernels {

struct SoftmaxParams {
  float beta = 1.0f;
  int32_t input_multiplier = 0;  // β·s_in·2^26 as a Q0.31 multiplier …
  int input_left_shift = 0;      // … and its left shift (≥ 0)
  int32_t diff_min = 0;          // differences below this give exp = 0
};

// The int16 path's tables, generated in float as TFLM's gen_lut does: 512 samples corrected
// by half their midpoint interpolation error, plus the end value for the last slope.
inline constexpr int kSoftmaxInt16LutSize = 513;
struct SoftmaxInt16Luts {
  int16_t exp[kSoftmaxInt16LutSize];                  // exp(x), x ∈ [−10, 0] → Q0.15
  int16_t one_over_one_plus_x[kSoftmaxInt16LutSize];  // 1/(1+x), x ∈ [0, 1] → Q0.15
};

KernelStatus PrepareSoftmaxFloat(float beta, SoftmaxParams* params);

// int16 input, int16 output (1/32768 within 0.1 %, zero point 0). The input multiplier maps
// β·s_in·Δ onto [−65535, 0] ↔ [−10, 0]; its shift may be negative here. Fills `luts`.
KernelStatus PrepareSoftmaxInt16(float beta, float input_scale, float output_scale,
                                 int32_t output_zero_point, SoftmaxParams* params,
                                 SoftmaxInt16Luts* luts);

// TFLM's interpolated table lookup: 256 + (v >> 7) picks the entry, the low 7 bits the
// fraction of the slope to the next one.
int16_t LutLookupInt16(int16_t value, const int16_t* lut);

// Requires the output quantization TFLM requires: int8 (exactly 1/256, −128) or int16
// (1/65536 within 0.1 %, −32768); and β·s_in·2^26 > 1.
KernelStatus PrepareSoftmaxInt8(float beta, float input_scale, QuantType output_type,
                                float output_scale, int32_t output_zero_point,
                                SoftmaxParams* params);

// rows = product of the outer dimensions, depth = innermost dimension.
void SoftmaxFloat(const SoftmaxParams& params, int32_t rows, int32_t depth, const float* input,
                  float* output);
void SoftmaxInt8(const SoftmaxParams& params, int32_t rows, int32_t depth, const int8_t* input,
                 int8_t* output);
void SoftmaxInt16(const SoftmaxParams& params, const SoftmaxInt16Luts& luts, int32_t rows,
                  int32_t depth, const int16_t* input, int16_t* output);
void SoftmaxInt8ToInt16(const SoftmaxParams& params, int32_t rows, int32_t depth,
                        const int8_t* input, int16_t* output);

}  // namespace bsb::rt::kernels
