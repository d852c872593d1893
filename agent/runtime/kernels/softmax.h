// SOFTMAX over the innermost dimension: y = exp(β·(x − max)) / Σ exp(β·(x − max)).
// float32, and int8 input with TFLM's reference fixed-point path (reference §3 "SOFTMAX int8")
// writing int8 (1/256, −128) or int16 (1/65536, −32768) outputs.
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

KernelStatus PrepareSoftmaxFloat(float beta, SoftmaxParams* params);

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
void SoftmaxInt8ToInt16(const SoftmaxParams& params, int32_t rows, int32_t depth,
                        const int8_t* input, int16_t* output);

}  // namespace bsb::rt::kernels
