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

// TFLM gen_lut<float, int16_t, int16_t> with output range [−1, 1]: every step in float.
void GenerateLut(float (*func)(float), float input_min, float input_max, int16_t* lut) {
  constexpr int kSteps = 512;
  const float step = (input_max - input_min) / kSteps;
  const float half_step = step / 2;
  const float scaling = 65536.0f / 2.0f;
  const float table_min = -32768.0f;
  const float table_max = 32767.0f;
  for (int i = 0; i < kSteps; ++i) {
    const float val = func(input_min + static_cast<float>(i) * step);
    const float val_midpoint = func(input_min + static_cast<float>(i) * step + half_step);
    const float val_next = func(input_min + static_cast<float>(i + 1) * step);
    const float sample = std::round(val * scaling);
    const float midpoint_interpolated = std::round((val_next * scaling + std::round(val * scaling)) / 2);
    const float midpoint = std::round(val_midpoint * scaling);
    const float bias = std::round((midpoint_interpolated - midpoint) / 2);
    lut[i] = static_cast<int16_t>(std::min(std::max(sample - bias, table_min), table_max));
  }
  lut[kSteps] = static_cast<int16_t>(std::min(std::max(std::round(func(input_max) * scaling), table_min), table_max));
}

float ExpFloat(float x) { return std::exp(x); }
float OneOverOnePlusXFloat(float x) { return 1.0f / (1.0f + x); }

int16_t Saturate16(int32_t x) {
  return static_cast<int16_t>(std::min(std::max(x, int32_t{-32768}), int32_t{32767}));
}

}  // namespace

int16_t LutLookupInt16(int16_t value, const int16_t* lut) {
  const int index = 256 + (value >> 7);
  const int32_t offset = value & 0x7f;
  const int16_t base = lut[index];
  const int16_t slope = static_cast<int16_t>(lut[index + 1] - lut[index]);
  const int32_t delta = (slope * offset + 64) >> 7;
  return static_cast<int16_t>(base + delta);
}

KernelStatus PrepareSoftmaxInt16(float beta, float input_scale, float output_scale,
                                 int32_t output_zero_point, SoftmaxParams* params,
                                 SoftmaxInt16Luts* luts) {
  *params = SoftmaxParams{};
  params->beta = beta;
  constexpr float kScale = 1.0f / 32768.0f;
  if (output_zero_point != 0 || std::fabs(output_scale - kScale) > 0.001f * kScale) {
    return KernelStatus::kBadParams;
  }
  if (!(input_scale > 0.0f) || !(beta > 0.0f)) return KernelStatus::kBadParams;
  const QuantizedMultiplier qm = QuantizeMultiplier(
      static_cast<double>(input_scale) * static_cast<double>(beta) / (10.0 / 65535.0));
  // MultiplyByQuantizedMultiplier handles shifts in [−31, 30] (left shifts wrap beyond).
  if (qm.multiplier == 0 || qm.shift > 30 || qm.shift < -31) return KernelStatus::kBadParams;
  params->input_multiplier = qm.multiplier;
  params->input_left_shift = qm.shift;
  GenerateLut(ExpFloat, -10.0f, 0.0f, luts->exp);
  GenerateLut(OneOverOnePlusXFloat, 0.0f, 1.0f, luts->one_over_one_plus_x);
  return KernelStatus::kOk;
}

void SoftmaxInt16(const SoftmaxParams& params, const SoftmaxInt16Luts& luts, int32_t rows,
                  int32_t depth, const int16_t* input, int16_t* output) {
  for (int32_t r = 0; r < rows; ++r) {
    const int16_t* x = input + static_cast<int64_t>(r) * depth;
    int16_t* y = output + static_cast<int64_t>(r) * depth;
    int32_t max_in_row = std::numeric_limits<int16_t>::min();
    for (int32_t c = 0; c < depth; ++c) max_in_row = std::max<int32_t>(max_in_row, x[c]);
    // exp(β·s·(x − max)) in Q0.15, kept in the output row until the reciprocal is known.
    int32_t sum_of_exps = 0;  // Q16.15
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t scaled = MultiplyByQuantizedMultiplier(x[c] - max_in_row, params.input_multiplier,
                                                           params.input_left_shift);
      y[c] = LutLookupInt16(Saturate16(scaled + 32767), luts.exp);
      sum_of_exps += y[c];
    }
    // 1/sum through the 1/(1+x) table: normalize sum into [1, 2) as Q1.14 … recentred.
    const int headroom_plus_one = CountLeadingZeros(static_cast<uint32_t>(sum_of_exps));
    const int32_t shifted_sum = static_cast<int32_t>(
        ((static_cast<int64_t>(sum_of_exps) << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    const int32_t centred = shifted_sum - ((1 << 15) + (1 << 16));
    const int16_t reciprocal = LutLookupInt16(Saturate16(centred), luts.one_over_one_plus_x);
    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = int64_t{1} << (right_shift - 1);
    for (int32_t c = 0; c < depth; ++c) {
      const int64_t v = (static_cast<int64_t>(y[c]) * reciprocal + round) >> right_shift;
      y[c] = static_cast<int16_t>(std::min<int64_t>(std::max<int64_t>(v, 0), 32767));
    }
  }
}

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
