#include "agent/runtime/kernels/softmax.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "agent/runtime/kernels/fixedpoint.h"

namespace bsb::rt::kernels {
namespace {

constexpr int kScaledDiffIntegerBits = 5;    // differences in Q5.26
constexpr int kAccumulationIntegerBits = 12;  // Σ exp in Q12.19

template <typename OutputT>
void SoftmaxQuantized(const SoftmaxParams& params, int32_t rows, int32_t depth,
                      const int8_t* input, OutputT* output) {
  constexpr int32_t kOutMin = std::numeric_limits<OutputT>::min();
  constexpr int32_t kOutMax = std::numeric_limits<OutputT>::max();
  constexpr int kOutputBits = 8 * sizeof(OutputT);
  for (int32_t r = 0; r < rows; ++r) {
    const int8_t* x = input + static_cast<int64_t>(r) * depth;
    OutputT* y = output + static_cast<int64_t>(r) * depth;
    int32_t max_in_row = std::numeric_limits<int8_t>::min();
    for (int32_t c = 0; c < depth; ++c) max_in_row = std::max<int32_t>(max_in_row, x[c]);

    uint32_t sum_of_exps = 0;  // Q12.19; unsigned so that a (theoretical) wrap is defined
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t diff = x[c] - max_in_row;
      if (diff >= params.diff_min) {
        const int32_t scaled = MultiplyByQuantizedMultiplier(diff, params.input_multiplier,
                                                             params.input_left_shift);
        const int32_t e = ExpOnNegativeValues(scaled, kScaledDiffIntegerBits);
        sum_of_exps += static_cast<uint32_t>(RoundingDivideByPOT(e, kAccumulationIntegerBits));
      }
    }
    int num_bits_over_unit = 0;
    const int32_t shifted_scale = GetReciprocal(static_cast<int32_t>(sum_of_exps),
                                                kAccumulationIntegerBits, &num_bits_over_unit);
    // The row maximum contributes exp(0) = 1.0, so Σ ≥ 1 and the exponent is ≥ 31 − bits.
    // Beyond 31 (rows of more than 256 equal maxima) every output is 0 before the offset.
    const int exponent = std::min(num_bits_over_unit + 31 - kOutputBits, 31);
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t diff = x[c] - max_in_row;
      if (diff >= params.diff_min) {
        const int32_t scaled = MultiplyByQuantizedMultiplier(diff, params.input_multiplier,
                                                             params.input_left_shift);
        const int32_t e = ExpOnNegativeValues(scaled, kScaledDiffIntegerBits);
        const int32_t unsat =
            RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(shifted_scale, e), exponent);
        const int32_t shifted = unsat + kOutMin;
        y[c] = static_cast<OutputT>(std::max(std::min(shifted, kOutMax), kOutMin));
      } else {
        y[c] = static_cast<OutputT>(kOutMin);
      }
    }
  }
}

}  // namespace

KernelStatus PrepareSoftmaxFloat(float beta, SoftmaxParams* params) {
  *params = SoftmaxParams{};
  params->beta = beta;
  return KernelStatus::kOk;
}

KernelStatus PrepareSoftmaxInt8(float beta, float input_scale, QuantType output_type,
                                float output_scale, int32_t output_zero_point,
                                SoftmaxParams* params) {
  *params = SoftmaxParams{};
  params->beta = beta;
  if (output_type == QuantType::kInt8) {
    if (output_zero_point != -128 || output_scale != 1.0f / 256.0f) return KernelStatus::kBadParams;
  } else {
    constexpr float kScale = 1.0f / 65536.0f;
    if (output_zero_point != -32768 || std::fabs(output_scale - kScale) > 0.001f * kScale) {
      return KernelStatus::kBadParams;
    }
  }
  if (!(input_scale > 0.0f) || !(beta > 0.0f)) return KernelStatus::kBadParams;
#if BSB_SINGLE_ROUNDING
  const double max_real_multiplier = static_cast<double>((int64_t{1} << 30) - 1);
#else
  const double max_real_multiplier = static_cast<double>((int64_t{1} << 31) - 1);
#endif
  const double real = std::min(static_cast<double>(beta) * static_cast<double>(input_scale) *
                                   static_cast<double>(int64_t{1} << (31 - kScaledDiffIntegerBits)),
                               max_real_multiplier);
  if (!(real > 1.0)) return KernelStatus::kBadParams;  // TFLite requires a left shift
  const QuantizedMultiplier qm = QuantizeMultiplier(real);
  params->input_multiplier = qm.multiplier;
  params->input_left_shift = qm.shift;
  // diff_min = −⌊(2^5 − 1)·2^26 / 2^shift⌋ (TFLite CalculateInputRadius).
  const double max_input_rescaled =
      static_cast<double>((1 << kScaledDiffIntegerBits) - 1) *
      static_cast<double>(int64_t{1} << (31 - kScaledDiffIntegerBits)) /
      static_cast<double>(int64_t{1} << qm.shift);
  params->diff_min = -static_cast<int32_t>(std::floor(max_input_rescaled));
  return KernelStatus::kOk;
}

void SoftmaxFloat(const SoftmaxParams& params, int32_t rows, int32_t depth, const float* input,
                  float* output) {
  for (int32_t r = 0; r < rows; ++r) {
    const float* x = input + static_cast<int64_t>(r) * depth;
    float* y = output + static_cast<int64_t>(r) * depth;
    float max = std::numeric_limits<float>::lowest();
    for (int32_t c = 0; c < depth; ++c) max = std::max(max, x[c]);
    float sum = 0.0f;
    for (int32_t c = 0; c < depth; ++c) {
      const float e = std::exp((x[c] - max) * params.beta);
      y[c] = e;
      sum += e;
    }
    for (int32_t c = 0; c < depth; ++c) y[c] = y[c] / sum;
  }
}

void SoftmaxInt8(const SoftmaxParams& params, int32_t rows, int32_t depth, const int8_t* input,
                 int8_t* output) {
  SoftmaxQuantized<int8_t>(params, rows, depth, input, output);
}

void SoftmaxInt8ToInt16(const SoftmaxParams& params, int32_t rows, int32_t depth,
                        const int8_t* input, int16_t* output) {
  SoftmaxQuantized<int16_t>(params, rows, depth, input, output);
}

}  // namespace bsb::rt::kernels
