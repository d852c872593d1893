// PAD: copies the input into a larger output filled with a pad value. Quantized tensors pad
// with the zero point (the real value 0) unless the model gives constant_values; output keeps
// the input's scale and zero point.
#pragma once

#include <cstdint>

#include "agent/runtime/kernels/types.h"

namespace bsb::rt::kernels {

struct PadParams {
  int32_t rank = 0;
  int32_t before[Shape::kMaxRank] = {};
  int32_t after[Shape::kMaxRank] = {};
};

// paddings: rank rows of (before, after), as the PAD op's int32 [rank, 2] input. Negative
// paddings are kBadParams. *output receives the padded shape.
KernelStatus PreparePad(const Shape& input, const int32_t* paddings, PadParams* params,
                        Shape* output);

void PadFloat(const PadParams& params, const Shape& input, const float* input_data,
              float pad_value, const Shape& output, float* output_data);
void PadInt8(const PadParams& params, const Shape& input, const int8_t* input_data,
             int8_t pad_value, const Shape& output, int8_t* output_data);
void PadInt16(const PadParams& params, const Shape& input, const int16_t* input_data,
              int16_t pad_value, const Shape& output, int16_t* output_data);
void PadInt32(const PadParams& params, const Shape& input, const int32_t* input_data,
              int32_t pad_value, const Shape& output, int32_t* output_data);

}  // namespace bsb::rt::kernels
