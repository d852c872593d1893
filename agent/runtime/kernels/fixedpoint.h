// Fixed-point arithmetic bit-exact with TensorFlow Lite Micro's reference kernels
// (tensorflow/lite/kernels/internal/common.h, quantization_util.cc, gemmlowp fixedpoint.h).
// See ../shared/docs/tflite-reference.md §3 for the formulas.
//
// Rounding: TFLM builds with double rounding (SRDHM then a rounding right shift). Defining
// BSB_SINGLE_ROUNDING=1 switches MultiplyByQuantizedMultiplier and QuantizeMultiplier to
// TFLite's TFLITE_SINGLE_ROUNDING variant. Both variants are always compiled under explicit
// names so that the tests exercise each of them.
//
// Q-format notation: a raw int32 with k integer bits holds value raw / 2^(31-k).
#pragma once

#include <cstdint>
#include <limits>

#ifndef BSB_SINGLE_ROUNDING
#define BSB_SINGLE_ROUNDING 0
#endif

namespace bsb::rt::kernels {

// real ≈ multiplier · 2^(shift − 31); multiplier ∈ [2^30, 2^31) or 0; positive shift = left.
struct QuantizedMultiplier {
  int32_t multiplier = 0;
  int shift = 0;
};

// QuantizeMultiplier per reference §3 in the build's rounding mode.
QuantizedMultiplier QuantizeMultiplier(double real_multiplier);
// Both modes explicitly (single rounding saturates shifts above 30 to (2^31−1, 30)).
QuantizedMultiplier QuantizeMultiplierDoubleRounding(double real_multiplier);
QuantizedMultiplier QuantizeMultiplierSingleRounding(double real_multiplier);

// (a·b·2) >> 32 rounded to nearest, ties away from zero; INT32_MIN·INT32_MIN saturates.
inline int32_t SaturatingRoundingDoublingHighMul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int64_t nudge = ab >= 0 ? (int64_t{1} << 30) : (int64_t{1} - (int64_t{1} << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

// x / 2^exponent rounded to nearest, ties away from zero. exponent ∈ [0, 31].
inline int32_t RoundingDivideByPOT(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x · 2^n saturated to int32 (gemmlowp SaturatingRoundingMultiplyByPOT with n ≥ 0).
inline int32_t SaturatingLeftShift(int32_t x, int n) {
  if (n == 0) return x;
  const int32_t threshold = static_cast<int32_t>((int64_t{1} << (31 - n)) - 1);
  if (x > threshold) return std::numeric_limits<int32_t>::max();
  if (x < -threshold) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(static_cast<uint32_t>(x) << n);
}

// TFLM's default: RDBPOT(SRDHM(x·2^max(shift,0), M), max(−shift,0)). The left shift wraps
// like TFLM's int32 multiply does on two's-complement hardware.
inline int32_t MultiplyByQuantizedMultiplierDoubleRounding(int32_t x, int32_t multiplier, int shift) {
  const int left_shift = shift > 0 ? shift : 0;
  const int right_shift = shift > 0 ? 0 : -shift;
  // A left shift of 32 or more is what multiplying by 2^shift wraps to: 0 (hostile models only).
  const int32_t shifted =
      left_shift >= 32 ? 0 : static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift);
  return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(shifted, multiplier), right_shift);
}

// TFLITE_SINGLE_ROUNDING: (x·M + 2^(t−1)) >> t with t = 31 − shift, in int64.
inline int32_t MultiplyByQuantizedMultiplierSingleRounding(int32_t x, int32_t multiplier, int shift) {
  const int total_shift = 31 - shift;
  const int64_t round = int64_t{1} << (total_shift - 1);
  const int64_t result = (static_cast<int64_t>(x) * multiplier + round) >> total_shift;
  return static_cast<int32_t>(result);
}

inline int32_t MultiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift) {
#if BSB_SINGLE_ROUNDING
  return MultiplyByQuantizedMultiplierSingleRounding(x, multiplier, shift);
#else
  return MultiplyByQuantizedMultiplierDoubleRounding(x, multiplier, shift);
#endif
}

// 64-bit accumulators (int16x8 kernels with int64 bias), identical in both rounding modes:
// the multiplier is reduced to 16 bits, M' = M < 0x7FFF0000 ? (M + 2^15) >> 16 : 0x7FFF, then
// (x·M' + 2^(t−1)) >> t with t = 15 − shift. Valid for |x| < 2^47 and shift ∈ [−31, 7].
// Outside that range (hostile models only) the shift is clamped to [1, 62] and the products
// wrap, so the result is garbage but defined.
inline int32_t MultiplyByQuantizedMultiplier(int64_t x, int32_t multiplier, int shift) {
  const int32_t reduced = multiplier < 0x7FFF0000 ? ((multiplier + (1 << 15)) >> 16) : 0x7FFF;
  int total_shift = 15 - shift;
  total_shift = total_shift < 1 ? 1 : total_shift > 62 ? 62 : total_shift;
  const uint64_t round = uint64_t{1} << (total_shift - 1);
  const uint64_t wrapped = static_cast<uint64_t>(x) * static_cast<uint64_t>(int64_t{reduced}) + round;
  return static_cast<int32_t>(static_cast<int64_t>(wrapped) >> total_shift);
}

// Rounded half of a + b computed in 64 bits (gemmlowp RoundingHalfSum).
inline int32_t RoundingHalfSum(int32_t a, int32_t b) {
  const int64_t sum = static_cast<int64_t>(a) + b;
  const int64_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int32_t>((sum + sign) / 2);
}

// Number of leading zero bits; 32 for 0.
int CountLeadingZeros(uint32_t x);

// exp(a) for a ∈ [−1/4, 0) in Q0.31 (gemmlowp exp_on_interval_between_negative_one_quarter_and_0_excl).
int32_t ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(int32_t a);

// exp(a) for a ≤ 0 given with `integer_bits` integer bits; result in Q0.31
// (gemmlowp exp_on_negative_values). exp(0) = INT32_MAX.
int32_t ExpOnNegativeValues(int32_t a, int integer_bits);

// 1/(1+a) for a ∈ [0, 1) in Q0.31 → Q0.31 (gemmlowp one_over_one_plus_x_for_x_in_0_1).
int32_t OneOverOnePlusX(int32_t a);

// (1−a)/(1+a) for a ∈ [0, 1) in Q0.31 → Q0.31 (gemmlowp one_minus_x_over_one_plus_x_for_x_in_0_1).
int32_t OneMinusXOverOnePlusX(int32_t a);

// gemmlowp::logistic on a Q(integer_bits) input; result Q0.31 (logistic(0) = 2^30).
int32_t LogisticFixedPoint(int32_t a, int integer_bits);

// gemmlowp::tanh on a Q(integer_bits) input; result Q0.31.
int32_t TanhFixedPoint(int32_t a, int integer_bits);

// 1/x for a positive x with `integer_bits` integer bits, as in TFLite's GetReciprocal: returns
// the Q0.31 reciprocal of x scaled into [1, 2) and stores how many bits x had above 1.0.
int32_t GetReciprocal(int32_t x, int integer_bits, int* num_bits_over_unit);

}  // namespace bsb::rt::kernels
