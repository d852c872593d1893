// ADD and MUL, with broadcasting (broadcast.h). Reference §3 "ADD int8", "MUL int8"; int16
// ADD follows TFLM, which always takes the general path with left_shift 15 (it passes
// pot_scale = false to the reference kernel), so AddOptions.pot_scale_int16 changes nothing.
#pragma once

#include <cstdint>

#include "agent/runtime/kernels/activation.h"
#include "agent/runtime/kernels/broadcast.h"
#include "agent/runtime/kernels/types.h"

namespace bsb::rt::kernels {

struct ArithmeticParams {
  int32_t input1_offset = 0;  // −z1
  int32_t input2_offset = 0;  // −z2
  int32_t output_offset = 0;  // z_out
  int left_shift = 0;         // ADD: 20 (int8) or 15 (int16)
  int32_t input1_multiplier = 0;
  int input1_shift = 0;
  int32_t input2_multiplier = 0;
  int input2_shift = 0;
  int32_t output_multiplier = 0;
  int output_shift = 0;
  QuantizedRange quantized_range;
  FloatRange float_range;
};

KernelStatus PrepareArithmeticFloat(Activation activation, ArithmeticParams* params);

// T = 2·max(s1, s2); input multipliers s_i/T, output multiplier T/(2^left_shift·s_out).
// int16 requires all zero points 0.
KernelStatus PrepareAddQuantized(QuantType type, float input1_scale, int32_t input1_zero_point,
                                 float input2_scale, int32_t input2_zero_point,
                                 float output_scale, int32_t output_zero_point,
                                 Activation activation, ArithmeticParams* params);

// Output multiplier (double)s1·(double)s2/(double)s_out.
KernelStatus PrepareMulQuantized(QuantType type, float input1_scale, int32_t input1_zero_point,
                                 float input2_scale, int32_t input2_zero_point,
                                 float output_scale, int32_t output_zero_point,
                                 Activation activation, ArithmeticParams* params);

// The plan comes from MakeBroadcastPlan (equal shapes are the trivial plan).
void AddFloat(const ArithmeticParams& params, const BroadcastPlan& plan, const float* input1,
              const float* input2, float* output);
void AddInt8(const ArithmeticParams& params, const BroadcastPlan& plan, const int8_t* input1,
             const int8_t* input2, int8_t* output);
void AddInt16(const ArithmeticParams& params, const BroadcastPlan& plan, const int16_t* input1,
              const int16_t* input2, int16_t* output);

void MulFloat(const ArithmeticParams& params, const BroadcastPlan& plan, const float* input1,
              const float* input2, float* output);
void MulInt8(const ArithmeticParams& params, const BroadcastPlan& plan, const int8_t* input1,
             const int8_t* input2, int8_t* output);
void MulInt16(const ArithmeticParams& params, const BroadcastPlan& plan, const int16_t* input1,
              const int16_t* input2, int16_t* output);

}  // namespace bsb::rt::kernels
