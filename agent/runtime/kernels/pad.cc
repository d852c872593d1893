#include "agent/runtime/kernels/pad.h"

namespace bsb::rt::kernels {
namespace {

// Fills the output with pad_value, then copies each input row (innermost dimension) to its
// place: output index = Σ (i_d + before_d)·stride_d.
template <typename T>
void PadImpl(const PadParams& p, const Shape& input, const T* input_data, T pad_value,
             const Shape& output, T* output_data) {
  const int64_t out_count = output.FlatSize();
  for (int64_t i = 0; i < out_count; ++i) output_data[i] = pad_value;
  const int rank = input.rank;
  if (rank == 0) {
    output_data[0] = input_data[0];
    return;
  }
  int64_t out_strides[Shape::kMaxRank];
  int64_t stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    out_strides[d] = stride;
    stride *= output.Dim(d);
  }
  const int32_t row = input.Dim(rank - 1);
  const int64_t rows = row == 0 ? 0 : input.FlatSize() / row;
  int32_t index[Shape::kMaxRank] = {};  // position of the current row in the input
  for (int64_t r = 0; r < rows; ++r) {
    int64_t out_base = static_cast<int64_t>(p.before[rank - 1]) * out_strides[rank - 1];
    for (int d = 0; d < rank - 1; ++d) out_base += (index[d] + p.before[d]) * out_strides[d];
    const T* src = input_data + r * row;
    for (int32_t i = 0; i < row; ++i) output_data[out_base + i] = src[i];
    for (int d = rank - 2; d >= 0; --d) {  // advance the row counter
      if (++index[d] < input.Dim(d)) break;
      index[d] = 0;
    }
  }
}

}  // namespace

KernelStatus PreparePad(const Shape& input, const int32_t* paddings, PadParams* params,
                        Shape* output) {
  *params = PadParams{};
  if (input.rank < 0 || input.rank > Shape::kMaxRank || paddings == nullptr) {
    return KernelStatus::kBadParams;
  }
  params->rank = input.rank;
  output->rank = input.rank;
  for (int d = 0; d < input.rank; ++d) {
    const int32_t before = paddings[2 * d];
    const int32_t after = paddings[2 * d + 1];
    if (before < 0 || after < 0) return KernelStatus::kBadParams;
    params->before[d] = before;
    params->after[d] = after;
    output->dims[d] = input.Dim(d) + before + after;
  }
  return KernelStatus::kOk;
}

void PadFloat(const PadParams& params, const Shape& input, const float* input_data,
              float pad_value, const Shape& output, float* output_data) {
  PadImpl(params, input, input_data, pad_value, output, output_data);
}

void PadInt8(const PadParams& params, const Shape& input, const int8_t* input_data,
             int8_t pad_value, const Shape& output, int8_t* output_data) {
  PadImpl(params, input, input_data, pad_value, output, output_data);
}

void PadInt16(const PadParams& params, const Shape& input, const int16_t* input_data,
              int16_t pad_value, const Shape& output, int16_t* output_data) {
  PadImpl(params, input, input_data, pad_value, output, output_data);
}

void PadInt32(const PadParams& params, const Shape& input, const int32_t* input_data,
              int32_t pad_value, const Shape& output, int32_t* output_data) {
  PadImpl(params, input, input_data, pad_value, output, output_data);
}

}  // namespace bsb::rt::kernels
