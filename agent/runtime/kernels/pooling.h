// AVERAGE_POOL_2D and MAX_POOL_2D over NHWC. The window is clipped to the image; quantized
// outputs keep the input's scale and zero point (reference §2), so no requantization.
#pragma once

#include <cstdint>

#include "agent/runtime/kernels/activation.h"
#include "agent/runtime/kernels/padding.h"
#include "agent/runtime/kernels/types.h"

namespace bsb::rt::kernels {

struct PoolOptions {
  Padding padding = Padding::kValid;
  int32_t stride_h = 1;
  int32_t stride_w = 1;
  int32_t filter_h = 1;
  int32_t filter_w = 1;
  Activation activation = Activation::kNone;
};

struct PoolParams {
  int32_t stride_h = 1;
  int32_t stride_w = 1;
  int32_t filter_h = 1;
  int32_t filter_w = 1;
  PaddingValues padding;
  int32_t output_height = 0;  // output shape: [N, output_height, output_width, C]
  int32_t output_width = 0;
  QuantizedRange quantized_range;
  FloatRange float_range;
};

KernelStatus PreparePoolFloat(const PoolOptions& options, const Shape& input, PoolParams* params);
// The clamp uses the output's scale and zero point (equal to the input's).
KernelStatus PreparePoolQuantized(QuantType type, const PoolOptions& options, const Shape& input,
                                  float output_scale, int32_t output_zero_point,
                                  PoolParams* params);

// Average: float total / count. Integer: acc = Σ raw values over n valid taps,
// avg = acc > 0 ? (acc + n/2)/n : (acc − n/2)/n (truncating division), then clamp.
void AveragePoolFloat(const PoolParams& params, const Shape& input, const float* input_data,
                      const Shape& output, float* output_data);
void AveragePoolInt8(const PoolParams& params, const Shape& input, const int8_t* input_data,
                     const Shape& output, int8_t* output_data);
void AveragePoolInt16(const PoolParams& params, const Shape& input, const int16_t* input_data,
                      const Shape& output, int16_t* output_data);

void MaxPoolFloat(const PoolParams& params, const Shape& input, const float* input_data,
                  const Shape& output, float* output_data);
void MaxPoolInt8(const PoolParams& params, const Shape& input, const int8_t* input_data,
                 const Shape& output, int8_t* output_data);
void MaxPoolInt16(const PoolParams& params, const Shape& input, const int16_t* input_data,
                  const Shape& output, int16_t* output_data);

}  // namespace bsb::rt::kernels
