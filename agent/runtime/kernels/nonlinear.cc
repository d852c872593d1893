#include "agent/runtime/kernels/nonlinear.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "agent/runtime/kernels/fixedpoint.h"

namespace bsb::rt::kernels {
namespace {

template <typename T>
void ReluQuantized(const ReluParams& p, int64_t count, const T* input, T* output) {
  for (int64_t i = 0; i < count; ++i) {
    const int32_t v = p.output_zero_point +
                      MultiplyByQuantizedMultiplier(static_cast<int32_t>(input[i]) - p.input_zero_point, p.multiplier, p.shift);
    output[i] = static_cast<T>(ClampInt(v, p.range));
  }
}

template <typename T>
void ClampRaw(const ReluParams& p, int64_t count, const T* input, T* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = static_cast<T>(ClampInt(input[i], p.range));
}

// round(f / s) + z in float, clamped to the type (TFLM FloatToQuantizedType).
int32_t FloatToQuantized(float f, float scale, int32_t zero_point, const QuantizedRange& full) {
  const float q = std::round(f / scale) + static_cast<float>(zero_point);
  if (!(q >= static_cast<float>(full.min))) return full.min;
  if (q > static_cast<float>(full.max)) return full.max;
  return static_cast<int32_t>(q);
}

// s_in·2^(31−4) as frexp's mantissa in Q0.31 and exponent; the radius beyond which the
// 4-integer-bit input saturates: ⌊15·2^27 / 2^shift⌋ (TFLite CalculateInputRadius).
KernelStatus PrepareSigmoid(float input_scale, int32_t input_zero_point, SigmoidParams* params) {
  *params = SigmoidParams{};
  if (!(input_scale > 0.0f)) return KernelStatus::kBadParams;
  constexpr int kInputIntegerBits = 4;
  const double real = static_cast<double>(input_scale) * static_cast<double>(1 << (31 - kInputIntegerBits));
  int shift = 0;
  const double q = std::frexp(real, &shift);
  int64_t m = static_cast<int64_t>(std::round(q * 2147483648.0));
  if (m == (int64_t{1} << 31)) {  // q rounded up to 1.0
    m /= 2;
    ++shift;
  }
  // Shifts beyond ±31 are undefined in the fixed-point helpers (scales outside 2^±31).
  if (shift > 31 || shift < -31) return KernelStatus::kBadParams;
  params->input_zero_point = input_zero_point;
  params->input_multiplier = static_cast<int32_t>(m);
  params->input_left_shift = shift;
  const double radius = std::ldexp(static_cast<double>((1 << kInputIntegerBits) - 1), 31 - kInputIntegerBits - shift);
  params->input_range_radius = static_cast<int32_t>(std::min(std::floor(radius), 2147483647.0));
  return KernelStatus::kOk;
}

template <int32_t (*Function)(int32_t, int), int kOutputShift, int32_t kOutputZeroPoint>
void SigmoidInt8(const SigmoidParams& p, int64_t count, const int8_t* input, int8_t* output) {
  for (int64_t i = 0; i < count; ++i) {
    const int32_t x = static_cast<int32_t>(input[i]) - p.input_zero_point;
    if (x <= -p.input_range_radius) {
      output[i] = std::numeric_limits<int8_t>::min();
    } else if (x >= p.input_range_radius) {
      output[i] = std::numeric_limits<int8_t>::max();
    } else {
      const int32_t q4 = MultiplyByQuantizedMultiplier(x, p.input_multiplier, p.input_left_shift);
      const int32_t y = RoundingDivideByPOT(Function(q4, 4), kOutputShift) + kOutputZeroPoint;
      output[i] = static_cast<int8_t>(std::clamp<int32_t>(y, -128, 127));
    }
  }
}

// 16-bit fixed point as gemmlowp and TFLite's hard_swish.h define it.
int16_t Srdhm16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  const int32_t ab = static_cast<int32_t>(a) * static_cast<int32_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

// Like Srdhm16 but truncating toward zero.
int16_t Sdhm16(int16_t a, int16_t b) {
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  const int32_t ab = static_cast<int32_t>(a) * static_cast<int32_t>(b);
  return static_cast<int16_t>(ab / (1 << 15));
}

int16_t SaturatingLeftShift16(int16_t value, int amount) {
  const int64_t r = static_cast<int64_t>(value) * (int64_t{1} << amount);
  return static_cast<int16_t>(std::clamp<int64_t>(r, std::numeric_limits<int16_t>::min(), std::numeric_limits<int16_t>::max()));
}

int16_t RoundingDivideByPOT16(int16_t x, int exponent) {
  return static_cast<int16_t>(RoundingDivideByPOT(static_cast<int32_t>(x), exponent));
}

// TFLite DownScaleInt32ToInt16Multiplier.
int16_t DownScaleMultiplier(int32_t m) {
  constexpr int32_t kRounding = 1 << 15;
  if (m >= std::numeric_limits<int32_t>::max() - kRounding) return std::numeric_limits<int16_t>::max();
  return static_cast<int16_t>((m + kRounding) >> 16);
}

// TFLite CheckedLog2: log2 in float, rounded; true when within 1e-3 of an integer.
bool CheckedLog2(float x, int* log2_result) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2_result = static_cast<int>(rounded);
  return std::fabs(x_log2 - rounded) < 1e-3f;
}

// `pot_shifts` = how many power-of-two input shifts take the shortcut (1 for LOGISTIC, 2 for TANH).
KernelStatus PrepareSigmoidInt16(float input_scale, int32_t input_zero_point, float output_scale,
                                 int32_t output_zero_point, int pot_shifts, SigmoidInt16Params* params) {
  *params = SigmoidInt16Params{};
  if (!(input_scale > 0.0f) || !(output_scale > 0.0f)) return KernelStatus::kBadParams;
  if (input_zero_point != 0 || output_zero_point != 0) return KernelStatus::kBadParams;
  constexpr int kInputIntegerBits = 3;
  int output_log2 = 0;
  if (!CheckedLog2(output_scale, &output_log2) || output_log2 != -15) return KernelStatus::kBadParams;
  int input_log2 = 0;
  const bool pot = CheckedLog2(input_scale, &input_log2);
  const int pot_shift = (15 - kInputIntegerBits) + input_log2;
  if (pot && pot_shift >= 0 && pot_shift < pot_shifts) {
    params->input_multiplier = 3 << pot_shift;
    params->input_right_shift = 0;
    return KernelStatus::kOk;
  }
  double multiplier = static_cast<double>(input_scale) * 4096.0 * 3.0;
  int shift = 0;
  while (multiplier <= 32767.0 / 2.0 && shift <= 30) {
    ++shift;
    multiplier *= 2.0;
  }
  if (multiplier > 32767.0) return KernelStatus::kBadParams;  // TFLM only DCHECKs this
  params->input_multiplier = static_cast<int32_t>(multiplier);
  params->input_right_shift = shift;
  return KernelStatus::kOk;
}

int32_t RescaleSigmoidInput(const SigmoidInt16Params& p, int16_t x) {
  const int32_t round = p.input_right_shift > 0 ? (1 << (p.input_right_shift - 1)) : 0;
  return static_cast<int32_t>((static_cast<int64_t>(x) * p.input_multiplier + round) >> p.input_right_shift);
}

}  // namespace

void SigmoidTable(uint16_t* table) {
  const auto sigma = [](int i) { return 65536.0 / (1.0 + std::exp(-static_cast<double>(i) / 24.0)); };
  for (int i = 0; i < kSigmoidTableSize - 1; ++i) {
    const double here = sigma(i);
    const double midpoint_error = (here + sigma(i + 1)) / 2.0 - 65536.0 / (1.0 + std::exp(-(i + 0.5) / 24.0));
    table[i] = static_cast<uint16_t>(std::round(here - midpoint_error / 2.0));
  }
  table[kSigmoidTableSize - 1] = 65535;
}

KernelStatus PrepareLogisticInt16(float input_scale, int32_t input_zero_point, float output_scale,
                                  int32_t output_zero_point, SigmoidInt16Params* params) {
  return PrepareSigmoidInt16(input_scale, input_zero_point, output_scale, output_zero_point, 1, params);
}

KernelStatus PrepareTanhInt16(float input_scale, int32_t input_zero_point, float output_scale,
                              int32_t output_zero_point, SigmoidInt16Params* params) {
  return PrepareSigmoidInt16(input_scale, input_zero_point, output_scale, output_zero_point, 2, params);
}

void LogisticInt16(const SigmoidInt16Params& params, const uint16_t* table, int64_t count,
                   const int16_t* input, int16_t* output) {
  for (int64_t i = 0; i < count; ++i) {
    const int32_t x = RescaleSigmoidInput(params, input[i]);
    const uint32_t abs_x = static_cast<uint32_t>(x < 0 ? -x : x);
    const uint32_t entry = abs_x >> 9;  // 1/24 per entry at 1/(3·4096) per step
    uint32_t result;
    if (entry >= 255) {
      result = 0x7FFFu << 10;
    } else {
      const uint32_t a = table[entry];
      const uint32_t b = table[entry + 1];
      result = (a << 9) + (abs_x & 0x1ff) * (b - a);
    }
    result = x >= 0 ? result + (1u << 9) : (1u << 25) - result + (1u << 9) - 1;
    output[i] = static_cast<int16_t>(result >> 10);
  }
}

void TanhInt16(const SigmoidInt16Params& params, const uint16_t* table, int64_t count,
               const int16_t* input, int16_t* output) {
  for (int64_t i = 0; i < count; ++i) {
    const int32_t x = RescaleSigmoidInput(params, input[i]);
    const uint32_t abs_x = static_cast<uint32_t>(x < 0 ? -x : x);
    const uint32_t entry = abs_x >> 8;  // tanh(x) = 2σ(2x) − 1: twice as fast through the table
    int32_t result;
    if (entry >= 255) {
      result = 0xFFFF << 8;
    } else {
      const uint32_t a = table[entry];
      const uint32_t b = table[entry + 1];
      result = static_cast<int32_t>((a << 8) + (abs_x & 0xff) * (b - a));
    }
    result = x >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
    output[i] = static_cast<int16_t>(result >> 8);
  }
}

KernelStatus PrepareReluQuantized(QuantType type, float input_scale, int32_t input_zero_point, float output_scale,
                                  int32_t output_zero_point, ReluParams* params) {
  *params = ReluParams{};
  if (!(input_scale > 0.0f) || !(output_scale > 0.0f)) return KernelStatus::kBadParams;
  if (type == QuantType::kInt16 && (input_zero_point != 0 || output_zero_point != 0)) return KernelStatus::kBadParams;
  const QuantizedMultiplier qm = QuantizeMultiplier(static_cast<double>(input_scale) / static_cast<double>(output_scale));
  params->multiplier = qm.multiplier;
  params->shift = qm.shift;
  params->input_zero_point = input_zero_point;
  params->output_zero_point = output_zero_point;
  const QuantizedRange full = FullRange(type);
  params->range.min = std::max(full.min, output_zero_point + static_cast<int32_t>(std::round(0.0f / output_scale)));
  params->range.max = full.max;
  return KernelStatus::kOk;
}

KernelStatus PrepareRelu6Quantized(QuantType type, float input_scale, int32_t input_zero_point, ReluParams* params) {
  *params = ReluParams{};
  if (!(input_scale > 0.0f)) return KernelStatus::kBadParams;
  const QuantizedRange full = FullRange(type);
  if (input_zero_point < full.min || input_zero_point > full.max) return KernelStatus::kBadParams;
  params->input_zero_point = input_zero_point;
  params->output_zero_point = input_zero_point;
  params->range.min = input_zero_point;
  params->range.max = FloatToQuantized(6.0f, input_scale, input_zero_point, full);
  return KernelStatus::kOk;
}

void ReluFloat(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = input[i] < 0.0f ? 0.0f : input[i];
}

void Relu6Float(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) {
    const float v = input[i];
    output[i] = v > 6.0f ? 6.0f : (v < 0.0f ? 0.0f : v);
  }
}

void ReluInt8(const ReluParams& p, int64_t n, const int8_t* in, int8_t* out) { ReluQuantized(p, n, in, out); }
void ReluInt16(const ReluParams& p, int64_t n, const int16_t* in, int16_t* out) { ReluQuantized(p, n, in, out); }
void Relu6Int8(const ReluParams& p, int64_t n, const int8_t* in, int8_t* out) { ClampRaw(p, n, in, out); }
void Relu6Int16(const ReluParams& p, int64_t n, const int16_t* in, int16_t* out) { ClampRaw(p, n, in, out); }

KernelStatus PrepareLogisticInt8(float input_scale, int32_t input_zero_point, int32_t output_zero_point, SigmoidParams* params) {
  if (output_zero_point != -128) return KernelStatus::kBadParams;
  return PrepareSigmoid(input_scale, input_zero_point, params);
}

KernelStatus PrepareTanhInt8(float input_scale, int32_t input_zero_point, int32_t output_zero_point, SigmoidParams* params) {
  if (output_zero_point != 0) return KernelStatus::kBadParams;
  return PrepareSigmoid(input_scale, input_zero_point, params);
}

void LogisticFloat(int64_t count, const float* input, float* output) {
  constexpr float kCutoffUpper = 16.619047164916992188f;
  constexpr float kCutoffLower = -9.0f;
  for (int64_t i = 0; i < count; ++i) {
    const float v = input[i];
    if (v > kCutoffUpper) {
      output[i] = 1.0f;
    } else if (v < kCutoffLower) {
      output[i] = std::exp(v);
    } else {
      output[i] = 1.0f / (1.0f + std::exp(-v));
    }
  }
}

void TanhFloat(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) output[i] = std::tanh(input[i]);
}

// Q0.31 → 1/256 steps offset by −128 (logistic), → 1/128 steps (tanh).
void LogisticInt8(const SigmoidParams& p, int64_t n, const int8_t* in, int8_t* out) { SigmoidInt8<LogisticFixedPoint, 23, -128>(p, n, in, out); }
void TanhInt8(const SigmoidParams& p, int64_t n, const int8_t* in, int8_t* out) { SigmoidInt8<TanhFixedPoint, 24, 0>(p, n, in, out); }

KernelStatus PrepareHardSwishInt8(float input_scale, int32_t input_zero_point, float output_scale, int32_t output_zero_point,
                                  HardSwishParams* params) {
  *params = HardSwishParams{};
  if (!(input_scale > 0.0f) || !(output_scale > 0.0f)) return KernelStatus::kBadParams;
  params->input_zero_point = static_cast<int16_t>(input_zero_point);
  params->output_zero_point = static_cast<int16_t>(output_zero_point);
  // TFLite computes both ratios in float.
  const float hires_input_scale = (1.0f / 128.0f) * input_scale;
  const float reluish_scale = 3.0f / 32768.0f;
  const float output_multiplier = hires_input_scale / output_scale;
  const float reluish_multiplier = hires_input_scale / reluish_scale;
  const QuantizedMultiplier out = QuantizeMultiplier(static_cast<double>(output_multiplier));
  if (out.shift > 0) return KernelStatus::kBadParams;
  params->output_multiplier = DownScaleMultiplier(out.multiplier);
  params->output_exponent = out.shift;
  const QuantizedMultiplier relu = QuantizeMultiplier(static_cast<double>(reluish_multiplier));
  params->reluish_multiplier = DownScaleMultiplier(relu.multiplier);
  params->reluish_exponent = relu.shift;
  // The 16-bit rounding shifts below need an exponent within [−15, 15].
  if (relu.shift > 15 || relu.shift < -15 || out.shift < -15) return KernelStatus::kBadParams;
  return KernelStatus::kOk;
}

void HardSwishFloat(int64_t count, const float* input, float* output) {
  for (int64_t i = 0; i < count; ++i) {
    const float x = input[i];
    output[i] = x * std::min(6.0f, std::max(0.0f, x + 3.0f)) / 6.0f;
  }
}

void HardSwishInt8(const HardSwishParams& p, int64_t count, const int8_t* input, int8_t* output) {
  for (int64_t i = 0; i < count; ++i) {
    const int16_t x = static_cast<int16_t>(input[i] - p.input_zero_point);
    const int16_t hires = static_cast<int16_t>(x * (1 << 7));
    const int16_t preshift_output = Srdhm16(hires, p.output_multiplier);
    int16_t reluish = hires;
    if (p.reluish_exponent > 0) reluish = SaturatingLeftShift16(reluish, p.reluish_exponent - 1);
    reluish = Srdhm16(reluish, p.reluish_multiplier);
    if (p.reluish_exponent > 0) reluish = SaturatingLeftShift16(reluish, 1);
    if (p.reluish_exponent < 0) reluish = RoundingDivideByPOT16(reluish, -p.reluish_exponent);
    reluish = static_cast<int16_t>((reluish + (1 << 15)) >> 1);  // [−1, 1] → [0, 1]
    const int16_t product = Sdhm16(reluish, preshift_output);
    const int32_t y = RoundingDivideByPOT16(product, -p.output_exponent) + p.output_zero_point;
    output[i] = static_cast<int8_t>(std::clamp<int32_t>(y, -128, 127));
  }
}

}  // namespace bsb::rt::kernels
