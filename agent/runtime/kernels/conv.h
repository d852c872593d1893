// CONV_2D (NHWC input, [O, H, W, I] filter, groups = C_in / I). Parameters from conv_params.h.
// Taps outside the image are skipped, which equals padding with a real-valued 0.
#pragma once

#include <cstdint>

#include "agent/runtime/kernels/conv_params.h"

namespace bsb::rt::kernels {

// output shape: [N, params.output_height, params.output_width, O]; bias may be null.
void ConvFloat(const ConvParams& params, const Shape& input, const float* input_data,
               const Shape& filter, const float* filter_data, const float* bias,
               const Shape& output, float* output_data);

// TFLM ConvPerChannel: acc = Σ w·(x − z_in) + bias; y = clamp(MBQM(acc, M_o, e_o) + z_out).
void ConvInt8(const ConvParams& params, const Shape& input, const int8_t* input_data,
              const Shape& filter, const int8_t* filter_data, const int32_t* bias,
              const Shape& output, int8_t* output_data);

// int16x8: int64 accumulator + 64-bit MBQM …
void ConvInt16(const ConvParams& params, const Shape& input, const int16_t* input_data,
               const Shape& filter, const int8_t* filter_data, const int64_t* bias,
               const Shape& output, int16_t* output_data);
// … or, with quantized_bias_type = INT32, int32 accumulator + 32-bit MBQM.
void ConvInt16(const ConvParams& params, const Shape& input, const int16_t* input_data,
               const Shape& filter, const int8_t* filter_data, const int32_t* bias,
               const Shape& output, int16_t* output_data);

// Hybrid: each batch item of the input is quantized (symmetric for per-tensor weights,
// asymmetric for per-channel) into scratch (ConvHybridScratchBytes), then
// per-tensor:  y = (float)acc·(s_b·s_w) + bias;
// per-channel: y = (float)acc·s_w[o]·s_b + bias, acc = Σ w·(q − z_b).
void ConvHybrid(const ConvParams& params, const Shape& input, const float* input_data,
                const Shape& filter, const int8_t* filter_data, const float* bias,
                const Shape& output, void* scratch, float* output_data);

}  // namespace bsb::rt::kernels
