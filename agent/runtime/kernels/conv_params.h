// Parameters shared by CONV_2D and DEPTHWISE_CONV_2D: geometry (strides, dilation, implicit
// padding, output size) and requantization (reference §3 "CONV_2D int8", "Padding").
//
// Layouts: input/output NHWC; CONV_2D filter [O, H, W, I] with groups = C_in / I;
// DEPTHWISE_CONV_2D filter [1, H, W, O] with O = C_in · depth_multiplier, oc = ic·mult + m.
#pragma once

#include <cstddef>
#include <cstdint>

#include "agent/runtime/kernels/activation.h"
#include "agent/runtime/kernels/padding.h"
#include "agent/runtime/kernels/types.h"

namespace bsb::rt::kernels {

struct ConvOptions {
  Padding padding = Padding::kValid;
  int32_t stride_h = 1;
  int32_t stride_w = 1;
  int32_t dilation_h = 1;
  int32_t dilation_w = 1;
  Activation activation = Activation::kNone;
  bool depthwise = false;  // filter layout [1, H, W, O] instead of [O, H, W, I]
};

struct ConvParams {
  int32_t stride_h = 1;
  int32_t stride_w = 1;
  int32_t dilation_h = 1;
  int32_t dilation_w = 1;
  PaddingValues padding;
  int32_t output_height = 0;  // the output shape is [N, output_height, output_width, O]
  int32_t output_width = 0;
  int32_t output_channels = 0;
  int32_t depth_multiplier = 1;  // depthwise only: O / C_in
  // Quantized paths.
  int32_t input_offset = 0;   // −z_in
  int32_t output_offset = 0;  // z_out
  const int32_t* per_channel_multiplier = nullptr;  // O entries (per-tensor scales broadcast)
  // O entries. int8 rather than TFLM's int32: the values are identical (|shift| ≤ 31 for any
  // multiplier MBQM can apply) and the persistent arena holds one per output channel of every
  // conv, which is most of the tail on MobileNet-class models.
  const int8_t* per_channel_shift = nullptr;
  QuantizedRange quantized_range;
  // Float and hybrid paths.
  FloatRange float_range;
  // Hybrid: weight scales (1 = per-tensor → symmetric input rows; O = per-channel →
  // asymmetric input rows, as TF Lite's EvalHybrid / EvalHybridPerChannel).
  const float* weight_scales = nullptr;
  int32_t weight_scale_count = 0;
};

// Geometry and float clamp. input: [N, H, W, C_in]; filter per the layout above.
KernelStatus PrepareConvFloat(const ConvOptions& options, const Shape& input, const Shape& filter,
                              ConvParams* params);

// Geometry plus per-channel requantization: multiplier[o] = (double)s_in·(double)s_w[o or 0]
// / (double)s_out (TFLite PopulateConvolutionQuantizationParams; a per-tensor weight scale is
// broadcast, and unlike FULLY_CONNECTED the product is taken in double). multipliers/shifts
// hold O entries and must stay alive (persistent). weight_scale_count is 1 or O. A multiplier
// whose shift falls outside [−31, 31] (scales no kernel can honour) is kBadParams.
KernelStatus PrepareConvInt8(const ConvOptions& options, const Shape& input, const Shape& filter,
                             float input_scale, int32_t input_zero_point,
                             const float* weight_scales, int32_t weight_scale_count,
                             float output_scale, int32_t output_zero_point, int32_t* multipliers,
                             int8_t* shifts, ConvParams* params);

// As int8 with int16 activations; zero points must be 0.
KernelStatus PrepareConvInt16(const ConvOptions& options, const Shape& input, const Shape& filter,
                              float input_scale, int32_t input_zero_point,
                              const float* weight_scales, int32_t weight_scale_count,
                              float output_scale, int32_t output_zero_point, int32_t* multipliers,
                              int8_t* shifts, ConvParams* params);

// Float activations with int8 weights; weight_scales stays referenced (it lives in the model).
KernelStatus PrepareConvHybrid(const ConvOptions& options, const Shape& input,
                               const Shape& filter, const float* weight_scales,
                               int32_t weight_scale_count, ConvParams* params);

// Scratch the hybrid path needs: an int8 copy of the input plus per-batch scale and offset.
size_t ConvHybridScratchBytes(const Shape& input);

}  // namespace bsb::rt::kernels
