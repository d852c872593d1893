// Fixed-point primitives against hand-computed values (reference §3).
#include "agent/runtime/kernels/fixedpoint.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace bsb::rt::kernels {
namespace {

constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
constexpr int32_t kOneHalfQ31 = 1 << 30;  // 0.5 as a Q0.31 multiplier

TEST(KernelsQuantizeMultiplier, ZeroIsZeroZero) {
  const QuantizedMultiplier qm = QuantizeMultiplierDoubleRounding(0.0);
  EXPECT_EQ(qm.multiplier, 0);
  EXPECT_EQ(qm.shift, 0);
}

TEST(KernelsQuantizeMultiplier, PowersOfTwoAreHalfWithShift) {
  // frexp(1.0) = 0.5·2^1 → M = 0.5·2^31 = 2^30, shift 1.
  EXPECT_EQ(QuantizeMultiplierDoubleRounding(1.0).multiplier, kOneHalfQ31);
  EXPECT_EQ(QuantizeMultiplierDoubleRounding(1.0).shift, 1);
  // frexp(0.125) = 0.5·2^−2.
  EXPECT_EQ(QuantizeMultiplierDoubleRounding(0.125).multiplier, kOneHalfQ31);
  EXPECT_EQ(QuantizeMultiplierDoubleRounding(0.125).shift, -2);
  // 0.75 = 0.75·2^0 → M = 0.75·2^31 = 1610612736.
  EXPECT_EQ(QuantizeMultiplierDoubleRounding(0.75).multiplier, 1610612736);
  EXPECT_EQ(QuantizeMultiplierDoubleRounding(0.75).shift, 0);
}

TEST(KernelsQuantizeMultiplier, MantissaRoundingUpToOneRenormalises) {
  // 1 − 2^−40 = q·2^0 with q·2^31 = 2^31 − 2^−9, which rounds to 2^31 → (2^30, shift 1).
  const QuantizedMultiplier qm = QuantizeMultiplierDoubleRounding(1.0 - std::ldexp(1.0, -40));
  EXPECT_EQ(qm.multiplier, kOneHalfQ31);
  EXPECT_EQ(qm.shift, 1);
}

TEST(KernelsQuantizeMultiplier, TinyMultipliersFlushToZero) {
  // 2^−32 = 0.5·2^−31: the smallest shift kept.
  EXPECT_EQ(QuantizeMultiplierDoubleRounding(std::ldexp(1.0, -32)).multiplier, kOneHalfQ31);
  EXPECT_EQ(QuantizeMultiplierDoubleRounding(std::ldexp(1.0, -32)).shift, -31);
  // 2^−33 = 0.5·2^−32: shift −32 < −31 → (0, 0).
  EXPECT_EQ(QuantizeMultiplierDoubleRounding(std::ldexp(1.0, -33)).multiplier, 0);
  EXPECT_EQ(QuantizeMultiplierDoubleRounding(std::ldexp(1.0, -33)).shift, 0);
}

TEST(KernelsQuantizeMultiplier, SingleRoundingSaturatesLargeShifts) {
  // 2^40 = 0.5·2^41: double rounding keeps shift 41; single rounding caps at (2^31−1, 30).
  EXPECT_EQ(QuantizeMultiplierDoubleRounding(std::ldexp(1.0, 40)).shift, 41);
  const QuantizedMultiplier single = QuantizeMultiplierSingleRounding(std::ldexp(1.0, 40));
  EXPECT_EQ(single.multiplier, kMax);
  EXPECT_EQ(single.shift, 30);
  // Below the cap both agree: 2^29 = 0.5·2^30.
  EXPECT_EQ(QuantizeMultiplierSingleRounding(std::ldexp(1.0, 29)).shift, 30);
  EXPECT_EQ(QuantizeMultiplierSingleRounding(std::ldexp(1.0, 29)).multiplier, kOneHalfQ31);
}

TEST(KernelsSrdhm, MinTimesMinSaturates) {
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(kMin, kMin), kMax);
  // kMin·kMax does not overflow: −2^31·(2^31−1)·2/2^32 = −(2^31−1) after the nudge.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(kMin, kMax), -kMax);
}

TEST(KernelsSrdhm, HalfProductsRoundTowardPlusInfinity) {
  // 2^30·2^30·2/2^32 = 2^29 exactly.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(kOneHalfQ31, kOneHalfQ31), 1 << 29);
  // (2^31−1)²/2^31 = 2^31 − 2 + 1/2^31 → 2147483646.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(kMax, kMax), 2147483646);
  // 1·0.5 = 0.5 → 1; −1·0.5 = −0.5 → 0 (nudge 1−2^30, then truncation); −3·0.5 = −1.5 → −1.
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(1, kOneHalfQ31), 1);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-1, kOneHalfQ31), 0);
  EXPECT_EQ(SaturatingRoundingDoublingHighMul(-3, kOneHalfQ31), -1);
}

TEST(KernelsRdbpot, TiesRoundAwayFromZero) {
  EXPECT_EQ(RoundingDivideByPOT(5, 1), 3);    // 2.5 → 3
  EXPECT_EQ(RoundingDivideByPOT(-5, 1), -3);  // −2.5 → −3
  EXPECT_EQ(RoundingDivideByPOT(6, 2), 2);    // 1.5 → 2
  EXPECT_EQ(RoundingDivideByPOT(-6, 2), -2);  // −1.5 → −2
  EXPECT_EQ(RoundingDivideByPOT(-3, 2), -1);  // −0.75 → −1
  EXPECT_EQ(RoundingDivideByPOT(-2, 3), 0);   // −0.25 → 0
  EXPECT_EQ(RoundingDivideByPOT(-7, 0), -7);  // exponent 0 is the identity
  EXPECT_EQ(RoundingDivideByPOT(kMin, 31), -1);
}

TEST(KernelsSaturatingLeftShift, SaturatesBeyondThreshold) {
  // Threshold for n = 4 is 2^27 − 1.
  EXPECT_EQ(SaturatingLeftShift((1 << 27) - 1, 4), ((1 << 27) - 1) * 16);
  EXPECT_EQ(SaturatingLeftShift(1 << 27, 4), kMax);
  EXPECT_EQ(SaturatingLeftShift(-(1 << 27), 4), kMin);
  EXPECT_EQ(SaturatingLeftShift(-3, 2), -12);
}

TEST(KernelsMbqm, DoubleAndSingleRoundingDiffer) {
  // M = 3·2^29 (0.75), shift −1: real multiplier 0.375; x = 1 → exact 0.375.
  // Double: SRDHM(1, M) = round(0.75) = 1, then RDBPOT(1, 1) = round(0.5) = 1.
  // Single: (1·M + 2^31) >> 32 = floor(0.875) = 0.
  constexpr int32_t kThreeQuarters = 3 << 29;
  EXPECT_EQ(MultiplyByQuantizedMultiplierDoubleRounding(1, kThreeQuarters, -1), 1);
  EXPECT_EQ(MultiplyByQuantizedMultiplierSingleRounding(1, kThreeQuarters, -1), 0);
  EXPECT_EQ(MultiplyByQuantizedMultiplier(1, kThreeQuarters, -1), BSB_SINGLE_ROUNDING ? 0 : 1);
}

TEST(KernelsMbqm, LeftShiftAndRightShift) {
  // 0.5·2^3 = 4: 7·4 = 28 in both modes.
  EXPECT_EQ(MultiplyByQuantizedMultiplierDoubleRounding(7, kOneHalfQ31, 3), 28);
  EXPECT_EQ(MultiplyByQuantizedMultiplierSingleRounding(7, kOneHalfQ31, 3), 28);
  // 0.5·2^−2 = 0.125: 20 → 2.5 → 3 and −20 → −2.5 → −3 (double rounding, ties away).
  EXPECT_EQ(MultiplyByQuantizedMultiplierDoubleRounding(20, kOneHalfQ31, -2), 3);
  EXPECT_EQ(MultiplyByQuantizedMultiplierDoubleRounding(-20, kOneHalfQ31, -2), -3);
  // Single rounding adds half and floors: −2.5 → −2.
  EXPECT_EQ(MultiplyByQuantizedMultiplierSingleRounding(-20, kOneHalfQ31, -2), -2);
}

TEST(KernelsMbqm, SixtyFourBitInputUsesReducedMultiplier) {
  // M = 2^30 → M' = (2^30 + 2^15) >> 16 = 2^14; shift −4 → t = 19.
  // x = 3·2^33 (beyond int32): (3·2^47 + 2^18) >> 19 = 3·2^28.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{3} << 33, kOneHalfQ31, -4), 3 << 28);
  // −3·0.5 = −1.5 rounds half up to −1: (−3·2^14 + 2^14) >> 15 = −1.
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{-3}, kOneHalfQ31, 0), -1);
  // M ≥ 0x7FFF0000 uses M' = 0x7FFF: 2^20·(32767/32768) = 1048544 (not 2^20).
  EXPECT_EQ(MultiplyByQuantizedMultiplier(int64_t{1} << 20, kMax, 0), 1048544);
}

TEST(KernelsFixedPointExp, AnchorsAndAccuracy) {
  EXPECT_EQ(ExpOnNegativeValues(0, 5), kMax);
  // With more than 5 integer bits, inputs below −32 give exactly 0: −33 in Q6.25.
  EXPECT_EQ(ExpOnNegativeValues(-33 * (1 << 25), 6), 0);
  // Q5.26 inputs across [−31, 0]. The quarter interval uses a 4th-order Taylor series around
  // −1/8, whose remainder reaches e^(−1/8)·(1/8)^5/5! ≈ 2.3e-7 at the interval ends.
  for (int32_t i = 1; i <= 31 * 64; ++i) {
    const int32_t raw = -i * (1 << 20);  // −i/64
    const double got = ExpOnNegativeValues(raw, 5) / 2147483648.0;
    EXPECT_NEAR(got, std::exp(-i / 64.0), 3e-7) << "x = " << -i / 64.0;
  }
}

TEST(KernelsFixedPointExp, QuarterIntervalMatchesExp) {
  for (int i = 1; i < 256; ++i) {
    const int32_t raw = -i * (1 << 21);  // −i/1024 in Q0.31, within [−1/4, 0)
    const double got = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(raw) / 2147483648.0;
    EXPECT_NEAR(got, std::exp(-i / 1024.0), 3e-7);  // see the remainder above
  }
}

TEST(KernelsFixedPointDivision, OneOverOnePlusX) {
  for (int i = 0; i < 64; ++i) {
    const double a = i / 64.0;
    const int32_t raw = static_cast<int32_t>(a * 2147483648.0);
    EXPECT_NEAR(OneOverOnePlusX(raw) / 2147483648.0, 1.0 / (1.0 + a), 1e-8);
    EXPECT_NEAR(OneMinusXOverOnePlusX(raw) / 2147483648.0, (1.0 - a) / (1.0 + a), 1e-8);
  }
}

TEST(KernelsFixedPointSigmoid, LogisticAndTanhInQ4) {
  EXPECT_EQ(LogisticFixedPoint(0, 4), 1 << 30);  // 0.5
  EXPECT_EQ(TanhFixedPoint(0, 4), 0);
  for (int i = -15 * 16; i <= 15 * 16; ++i) {
    const double x = i / 16.0;
    const int32_t raw = i * (1 << 23);  // Q4.27
    // exp's 3e-7 error, scaled by the derivative of 1/(1+e) (≤ 1) or (1−e)/(1+e) (≤ 2).
    EXPECT_NEAR(LogisticFixedPoint(raw, 4) / 2147483648.0, 1.0 / (1.0 + std::exp(-x)), 3e-7);
    EXPECT_NEAR(TanhFixedPoint(raw, 4) / 2147483648.0, std::tanh(x), 6e-7);
  }
}

TEST(KernelsFixedPointReciprocal, GetReciprocal) {
  // x = 3.0 with 12 integer bits is raw 3·2^19, highest bit 20 → clz 11, so
  // num_bits_over_unit = 12 − 11 = 1 and x is scaled to 3·2^30 = 1.5 in Q1.31:
  // the result is 1/1.5 in Q0.31, and 1/3 = (1/1.5)·2^−1.
  int bits = 0;
  const int32_t r = GetReciprocal(3 << 19, 12, &bits);
  EXPECT_EQ(bits, 1);
  EXPECT_NEAR(r / 2147483648.0, 1.0 / 1.5, 1e-8);
}

TEST(KernelsFixedPoint, CountLeadingZeros) {
  EXPECT_EQ(CountLeadingZeros(0), 32);
  EXPECT_EQ(CountLeadingZeros(1), 31);
  EXPECT_EQ(CountLeadingZeros(0x80000000u), 0);
}

}  // namespace
}  // namespace bsb::rt::kernels
