// FULLY_CONNECTED: y[b,o] = act(Σ_d w[o,d]·x[b,d] + bias[o]). Weights are [O, D] row-major;
// the input is viewed as [B, D] with B = output elements / O.
//
// Paths (reference §2, §3):
//   float32         float weights, float bias.
//   int8            int8 activations, int8 weights (per-tensor or per-channel), int32 bias.
//   int16x8         int16 activations (z = 0), int8 weights, int64 bias (int32 also accepted).
//   hybrid          float activations, int8 weights, float bias; each batch row is quantized
//                   at run time (symmetric by default, asymmetric on request).
#pragma once

#include <cstddef>
#include <cstdint>

#include "agent/runtime/kernels/activation.h"
#include "agent/runtime/kernels/types.h"

namespace bsb::rt::kernels {

struct FullyConnectedDims {
  int32_t batches = 0;
  int32_t input_depth = 0;   // D
  int32_t output_depth = 0;  // O
};

struct FullyConnectedParams {
  // Quantized paths.
  int32_t input_offset = 0;    // −z_in
  int32_t weights_offset = 0;  // −z_w (0 for symmetric weights)
  int32_t output_offset = 0;   // z_out
  int32_t output_multiplier = 0;   // per-tensor requantization
  int output_shift = 0;
  const int32_t* per_channel_multiplier = nullptr;  // per-channel requantization, O entries,
  const int32_t* per_channel_shift = nullptr;       // null on the per-tensor path
  QuantizedRange quantized_range;
  // Float and hybrid paths.
  FloatRange float_range;
  // Hybrid path: weight scales (1 = per-tensor, else O) and the input quantization mode.
  const float* weight_scales = nullptr;
  int32_t weight_scale_count = 0;
  bool asymmetric_inputs = false;
};

KernelStatus PrepareFullyConnectedFloat(Activation activation, FullyConnectedParams* params);

// weight_scale_count == 1: per-tensor; the real multiplier is (double)(float)(s_in·s_w)/s_out
// (the product is taken in float, as TFLite's GetQuantizedConvolutionMultipler does).
// weight_scale_count > 1: per-channel; multiplier[o] = (double)s_in·(double)s_w[o]/s_out,
// written into multipliers[0..count) and shifts[0..count) (caller-owned, persistent).
KernelStatus PrepareFullyConnectedInt8(float input_scale, int32_t input_zero_point,
                                       const float* weight_scales, int32_t weight_scale_count,
                                       int32_t weight_zero_point, float output_scale,
                                       int32_t output_zero_point, Activation activation,
                                       int32_t* multipliers, int32_t* shifts,
                                       FullyConnectedParams* params);

// As the int8 version with int16 activations; both zero points must be 0.
KernelStatus PrepareFullyConnectedInt16(float input_scale, int32_t input_zero_point,
                                        const float* weight_scales, int32_t weight_scale_count,
                                        int32_t weight_zero_point, float output_scale,
                                        int32_t output_zero_point, Activation activation,
                                        int32_t* multipliers, int32_t* shifts,
                                        FullyConnectedParams* params);

// weight_scales stays referenced by the params (it lives in the model).
KernelStatus PrepareFullyConnectedHybrid(const float* weight_scales, int32_t weight_scale_count,
                                         bool asymmetric_inputs, Activation activation,
                                         FullyConnectedParams* params);

// bias may be null everywhere.
void FullyConnectedFloat(const FullyConnectedParams& params, const FullyConnectedDims& dims,
                         const float* input, const float* weights, const float* bias,
                         float* output);

void FullyConnectedInt8(const FullyConnectedParams& params, const FullyConnectedDims& dims,
                        const int8_t* input, const int8_t* weights, const int32_t* bias,
                        int8_t* output);

// int64 accumulator and the 64-bit requantization (reference §3 "64-bit input").
void FullyConnectedInt16(const FullyConnectedParams& params, const FullyConnectedDims& dims,
                         const int16_t* input, const int8_t* weights, const int64_t* bias,
                         int16_t* output);

// quantized_bias_type = INT32: int32 accumulator and the 32-bit requantization.
void FullyConnectedInt16(const FullyConnectedParams& params, const FullyConnectedDims& dims,
                         const int16_t* input, const int8_t* weights, const int32_t* bias,
                         int16_t* output);

// Scratch the hybrid path needs, in bytes (int8 input copy, per-row scale and offset, and
// per-output-row weight sums for the asymmetric mode). Aligned to 16 internally.
size_t FullyConnectedHybridScratchBytes(const FullyConnectedDims& dims);

// y = bias + (float)(Σ w·q − z_b·Σ w) · s_b·s_w (TF's MatrixBatchVectorMultiplyAccumulate).
void FullyConnectedHybrid(const FullyConnectedParams& params, const FullyConnectedDims& dims,
                          const float* input, const int8_t* weights, const float* bias,
                          void* scratch, float* output);

}  // namespace bsb::rt::kernels
