#include "agent/runtime/kernels/fixedpoint.h"

#include <cmath>

namespace bsb::rt::kernels {
namespace {

constexpr int32_t kInt32Max = std::numeric_limits<int32_t>::max();

// Steps 1–5 of reference §3 QuantizeMultiplier (shared by both rounding modes).
QuantizedMultiplier QuantizeMultiplierCommon(double real_multiplier) {
  QuantizedMultiplier out;
  if (real_multiplier == 0.0) return out;
  int exponent = 0;
  const double q = std::frexp(real_multiplier, &exponent);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(int64_t{1} << 31)));
  if (q_fixed == (int64_t{1} << 31)) {  // q rounded up to 1.0: renormalise
    q_fixed /= 2;
    ++exponent;
  }
  if (exponent < -31) {  // every bit would be shifted out: flush to zero
    exponent = 0;
    q_fixed = 0;
  }
  out.multiplier = static_cast<int32_t>(q_fixed);
  out.shift = exponent;
  return out;
}

// a · 2^(−exponent) for a Q0.31 constant multiplied by (a fixed-point) 2^exponent in the
// exp barrel shifter; kExpBarrel[j + 2] = exp(−2^j) in Q0.31 for j = −2 … 4.
constexpr int32_t kExpBarrel[7] = {1672461947, 1302514674, 790015084, 290630308,
                                   39332535,   720401,     242};

}  // namespace

QuantizedMultiplier QuantizeMultiplierDoubleRounding(double real_multiplier) {
  return QuantizeMultiplierCommon(real_multiplier);
}

QuantizedMultiplier QuantizeMultiplierSingleRounding(double real_multiplier) {
  QuantizedMultiplier out = QuantizeMultiplierCommon(real_multiplier);
  if (out.shift > 30) {  // single-rounding MBQM cannot shift left by more than 30
    out.shift = 30;
    out.multiplier = kInt32Max;
  }
  return out;
}

QuantizedMultiplier QuantizeMultiplier(double real_multiplier) {
#if BSB_SINGLE_ROUNDING
  return QuantizeMultiplierSingleRounding(real_multiplier);
#else
  return QuantizeMultiplierDoubleRounding(real_multiplier);
#endif
}

int CountLeadingZeros(uint32_t x) {
  if (x == 0) return 32;
  return __builtin_clz(x);
}

int32_t ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(int32_t a) {
  constexpr int32_t kExpMinusOneEighth = 1895147668;  // exp(−1/8) in Q0.31
  constexpr int32_t kOneThird = 715827883;            // 1/3 in Q0.31
  // Taylor expansion around −1/8: x = a + 1/8 (1/8 = 2^28 in Q0.31).
  const int32_t x = a + (1 << 28);
  const int32_t x2 = SaturatingRoundingDoublingHighMul(x, x);
  const int32_t x3 = SaturatingRoundingDoublingHighMul(x2, x);
  const int32_t x4 = SaturatingRoundingDoublingHighMul(x2, x2);
  const int32_t x4_over_4 = RoundingDivideByPOT(x4, 2);
  const int32_t poly = RoundingDivideByPOT(
      SaturatingRoundingDoublingHighMul(x4_over_4 + x3, kOneThird) + x2, 1);
  return kExpMinusOneEighth + SaturatingRoundingDoublingHighMul(kExpMinusOneEighth, x + poly);
}

int32_t ExpOnNegativeValues(int32_t a, int integer_bits) {
  const int fractional_bits = 31 - integer_bits;
  const int32_t one_quarter = int32_t{1} << (fractional_bits - 2);
  const int32_t mask = one_quarter - 1;
  const int32_t a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter;
  int32_t result = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(
      SaturatingLeftShift(a_mod_quarter_minus_one_quarter, integer_bits));
  const int32_t remainder = a_mod_quarter_minus_one_quarter - a;
  // Multiply by exp(−2^j) for each bit j of the remainder the input format can hold.
  for (int j = -2; j <= 4; ++j) {
    if (integer_bits > j) {
      const int bit = fractional_bits + j;
      if (remainder & (int32_t{1} << bit)) {
        result = SaturatingRoundingDoublingHighMul(result, kExpBarrel[j + 2]);
      }
    }
  }
  if (integer_bits > 5) {
    // exp(x) for x < −32 underflows Q0.31: −32 is −2^(36 − integer_bits) raw.
    const int32_t clamp = -(int32_t{1} << (36 - integer_bits));
    if (a < clamp) result = 0;
  }
  if (a == 0) result = kInt32Max;
  return result;
}

namespace {

// Newton–Raphson for 2/(1+a) in Q2.29, shared by the two divisions below.
int32_t TwoOverOnePlusXQ2(int32_t a) {
  const int32_t half_denominator = RoundingHalfSum(a, kInt32Max);
  constexpr int32_t k48Over17 = 1515870810;      // 48/17 in Q2.29
  constexpr int32_t kNeg32Over17 = -1010580540;  // −32/17 in Q2.29
  constexpr int32_t kOneQ2 = 1 << 29;
  int32_t x = k48Over17 + SaturatingRoundingDoublingHighMul(half_denominator, kNeg32Over17);
  for (int i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = SaturatingRoundingDoublingHighMul(half_denominator, x);
    const int32_t one_minus = kOneQ2 - half_denominator_times_x;
    // x · one_minus is Q4.27; rescaling to Q2.29 is a saturating left shift by 2.
    x = x + SaturatingLeftShift(SaturatingRoundingDoublingHighMul(x, one_minus), 2);
  }
  return x;
}

}  // namespace

int32_t OneOverOnePlusX(int32_t a) {
  // x ≈ 2/(1+a) in Q2.29 equals 1/(1+a) in Q1.30; Q1.30 → Q0.31 is a shift by 1.
  return SaturatingLeftShift(TwoOverOnePlusXQ2(a), 1);
}

int32_t OneMinusXOverOnePlusX(int32_t a) {
  // (1−a)/(1+a) = 2/(1+a) − 1, Q2.29 → Q0.31 is a shift by 2.
  return SaturatingLeftShift(TwoOverOnePlusXQ2(a) - (1 << 29), 2);
}

int32_t LogisticFixedPoint(int32_t a, int integer_bits) {
  if (a == 0) return 1 << 30;  // 0.5
  const int32_t abs_a = a > 0 ? a : -a;
  const int32_t positive = OneOverOnePlusX(ExpOnNegativeValues(-abs_a, integer_bits));
  return a > 0 ? positive : kInt32Max - positive;
}

int32_t TanhFixedPoint(int32_t a, int integer_bits) {
  if (a == 0) return 0;
  const int32_t negative_abs = a < 0 ? a : -a;
  // exp(2n): the raw value is reinterpreted with one more integer bit (ExactMulByPot<1>).
  const int32_t t = OneMinusXOverOnePlusX(ExpOnNegativeValues(negative_abs, integer_bits + 1));
  return a < 0 ? -t : t;
}

int32_t GetReciprocal(int32_t x, int integer_bits, int* num_bits_over_unit) {
  const int headroom_plus_one = CountLeadingZeros(static_cast<uint32_t>(x));
  *num_bits_over_unit = integer_bits - headroom_plus_one;
  const int32_t shifted_sum_minus_one = static_cast<int32_t>(
      (static_cast<uint32_t>(x) << headroom_plus_one) - (static_cast<uint32_t>(1) << 31));
  return OneOverOnePlusX(shifted_sum_minus_one);
}

}  // namespace bsb::rt::kernels
