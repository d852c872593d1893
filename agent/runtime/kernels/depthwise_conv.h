// DEPTHWISE_CONV_2D (NHWC input, [1, H, W, O] filter, O = C_in · depth_multiplier, output
// channel oc = ic·mult + m reads input channel ic). Parameters from conv_params.h with
// ConvOptions::depthwise = true. The converter leaves depthwise filters float below 1024
// elements, so the hybrid path only appears for wide layers (3×3×≥114 channels).
#pragma once

#include <cstdint>

#include "agent/runtime/kernels/conv_params.h"

namespace bsb::rt::kernels {

void DepthwiseConvFloat(const ConvParams& params, const Shape& input, const float* input_data,
                        const Shape& filter, const float* filter_data, const float* bias,
                        const Shape& output, float* output_data);

// TFLM DepthwiseConvPerChannel: acc = Σ w·(x − z_in) + bias; y = clamp(MBQM(acc) + z_out).
void DepthwiseConvInt8(const ConvParams& params, const Shape& input, const int8_t* input_data,
                       const Shape& filter, const int8_t* filter_data, const int32_t* bias,
                       const Shape& output, int8_t* output_data);

// int16x8 with int64 bias (64-bit MBQM) or int32 bias (32-bit MBQM).
void DepthwiseConvInt16(const ConvParams& params, const Shape& input, const int16_t* input_data,
                        const Shape& filter, const int8_t* filter_data, const int64_t* bias,
                        const Shape& output, int16_t* output_data);
void DepthwiseConvInt16(const ConvParams& params, const Shape& input, const int16_t* input_data,
                        const Shape& filter, const int8_t* filter_data, const int32_t* bias,
                        const Shape& output, int16_t* output_data);

// Hybrid (TF Lite DepthwiseConvHybridPerChannel): each batch item of the input is quantized
// asymmetrically into scratch (ConvHybridScratchBytes, params from PrepareConvHybrid with
// depthwise = true); acc = Σ w·(q − z_b); y = (float)acc·(s_w[oc]·s_b) + bias, then the float
// clamp. TF Lite requires per-channel weight scales; a single scale is broadcast here.
void DepthwiseConvHybrid(const ConvParams& params, const Shape& input, const float* input_data,
                         const Shape& filter, const int8_t* filter_data, const float* bias,
                         const Shape& output, void* scratch, float* output_data);

}  // namespace bsb::rt::kernels
