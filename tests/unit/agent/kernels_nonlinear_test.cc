// Standalone activations (kernels/nonlinear.h) on hand-computed cases: RELU requantization,
// RELU6 bounds, LOGISTIC/TANH int8 prepare (multiplier, shift, radius) and saturation,
// HARD_SWISH int8 multipliers and values.
#include "agent/runtime/kernels/nonlinear.h"

#include <gtest/gtest.h>

#include <cmath>

namespace bsb::rt::kernels {
namespace {

TEST(KernelsRelu, Int8RequantizesAndClampsAtTheOutputZero) {
  ReluParams p;
  // s_in/s_out = 2 → M = 2^30, shift 2.
  ASSERT_EQ(PrepareReluQuantized(QuantType::kInt8, 1.0f, -10, 0.5f, -128, &p), KernelStatus::kOk);
  EXPECT_EQ(p.multiplier, 1 << 30);
  EXPECT_EQ(p.shift, 2);
  EXPECT_EQ(p.range.min, -128);
  EXPECT_EQ(p.range.max, 127);
  const int8_t x[4] = {-20, -10, 0, 60};
  int8_t y[4];
  ReluInt8(p, 4, x, y);
  EXPECT_EQ(y[0], -128);  // 2·(−10) − 128 clamps
  EXPECT_EQ(y[1], -128);
  EXPECT_EQ(y[2], -108);
  EXPECT_EQ(y[3], 12);
}

TEST(KernelsRelu, Relu6BoundsAreOnTheInputScale) {
  ReluParams p;
  ASSERT_EQ(PrepareRelu6Quantized(QuantType::kInt8, 0.1f, -5, &p), KernelStatus::kOk);
  EXPECT_EQ(p.range.min, -5);
  EXPECT_EQ(p.range.max, 55);
  ASSERT_EQ(PrepareRelu6Quantized(QuantType::kInt8, 0.01f, 0, &p), KernelStatus::kOk);
  EXPECT_EQ(p.range.max, 127);  // Q(6) = 600 clipped to the type
  ASSERT_EQ(PrepareRelu6Quantized(QuantType::kInt16, 0.001f, 0, &p), KernelStatus::kOk);
  EXPECT_EQ(p.range.max, 6000);
  const int16_t x[3] = {-7, 5000, 7000};
  int16_t y[3];
  Relu6Int16(p, 3, x, y);
  EXPECT_EQ(y[0], 0);
  EXPECT_EQ(y[1], 5000);
  EXPECT_EQ(y[2], 6000);
}

TEST(KernelsRelu, Int16NeedsZeroPointsZero) {
  ReluParams p;
  EXPECT_EQ(PrepareReluQuantized(QuantType::kInt16, 1.0f, 1, 1.0f, 0, &p), KernelStatus::kBadParams);
  EXPECT_EQ(PrepareReluQuantized(QuantType::kInt8, 0.0f, 0, 1.0f, 0, &p), KernelStatus::kBadParams);
}

TEST(KernelsLogistic, PrepareUsesFrexpOfTheScaleTimes2To27) {
  SigmoidParams p;
  // s_in = 1/16: 2^23 = 0.5·2^24 → M = 2^30, shift 24, radius ⌊15·2^27/2^24⌋ = 120.
  ASSERT_EQ(PrepareLogisticInt8(1.0f / 16.0f, 3, -128, &p), KernelStatus::kOk);
  EXPECT_EQ(p.input_multiplier, 1 << 30);
  EXPECT_EQ(p.input_left_shift, 24);
  EXPECT_EQ(p.input_range_radius, 120);
  EXPECT_EQ(p.input_zero_point, 3);
  // s_in = 0.1: 0.1·2^27 = 13421772.8 = 0.8·2^24 → M = round(0.8·2^31) = 1717986918.
  ASSERT_EQ(PrepareLogisticInt8(0.1f, 0, -128, &p), KernelStatus::kOk);
  EXPECT_EQ(p.input_left_shift, 24);
  EXPECT_EQ(p.input_multiplier, static_cast<int32_t>(std::round(std::frexp(static_cast<double>(0.1f) * (1 << 27), &p.input_left_shift) * 2147483648.0)));
  EXPECT_EQ(p.input_range_radius, 120);
  EXPECT_EQ(PrepareLogisticInt8(0.1f, 0, 0, &p), KernelStatus::kBadParams);  // z_out must be −128
  EXPECT_EQ(PrepareTanhInt8(0.1f, 0, -128, &p), KernelStatus::kBadParams);   // z_out must be 0
}

TEST(KernelsLogistic, Int8SaturatesBeyondTheRadiusAndIsHalfAtZero) {
  SigmoidParams p;
  ASSERT_EQ(PrepareLogisticInt8(0.1f, 10, -128, &p), KernelStatus::kOk);  // radius 120
  const int8_t x[5] = {10, -111, -110, 127, 11};
  int8_t y[5];
  LogisticInt8(p, 5, x, y);
  EXPECT_EQ(y[0], 0);     // 0.5 → 128 − 128
  EXPECT_EQ(y[1], -128);  // x − z = −121 ≤ −radius
  EXPECT_EQ(y[2], -128);  // −12.0: 256·σ = 0.0016 → 0
  EXPECT_EQ(y[3], 127);   // 11.7 saturates at the top of int8
  EXPECT_EQ(y[4], 6);     // σ(0.1) = 0.52498 → 134.39 → 134 − 128
}

TEST(KernelsTanh, Int8OnHandValues) {
  SigmoidParams p;
  ASSERT_EQ(PrepareTanhInt8(1.0f / 32.0f, 0, 0, &p), KernelStatus::kOk);
  const int8_t x[4] = {0, 32, -32, 127};
  int8_t y[4];
  TanhInt8(p, 4, x, y);
  EXPECT_EQ(y[0], 0);
  EXPECT_EQ(y[1], 97);   // tanh(1) = 0.76159 → 97.48
  EXPECT_EQ(y[2], -97);
  EXPECT_EQ(y[3], 127);  // tanh(3.97) = 0.99928 → 127.9 → clamped
}

TEST(KernelsSigmoidInt16, TableIsSigmaOfIOver24In016) {
  uint16_t t[kSigmoidTableSize];
  SigmoidTable(t);
  EXPECT_EQ(t[0], 32768);   // σ(0) = 1/2
  EXPECT_EQ(t[1], 33451);   // σ(1/24)·65536 = 33451.0
  EXPECT_EQ(t[24], 47911);  // σ(1)·65536 = 47910.8
  EXPECT_EQ(t[48], 57724);  // σ(2)·65536 = 57723.6, lowered by nothing visible
  EXPECT_EQ(t[254], 65534);
  EXPECT_EQ(t[255], 65535);
  for (int i = 1; i < kSigmoidTableSize; ++i) EXPECT_GE(t[i], t[i - 1]) << i;
}

TEST(KernelsSigmoidInt16, PrepareScalesTheInputToOneOver3Times4096) {
  SigmoidInt16Params p;
  // 2^-12 is the power-of-two shortcut: multiplier 3, no shift.
  ASSERT_EQ(PrepareLogisticInt16(1.0f / 4096.0f, 0, 1.0f / 32768.0f, 0, &p), KernelStatus::kOk);
  EXPECT_EQ(p.input_multiplier, 3);
  EXPECT_EQ(p.input_right_shift, 0);
  // 2^-11: TANH takes the shortcut (3 << 1), LOGISTIC the general path (12288·2^-11 = 6 → 6·2^12).
  ASSERT_EQ(PrepareTanhInt16(1.0f / 2048.0f, 0, 1.0f / 32768.0f, 0, &p), KernelStatus::kOk);
  EXPECT_EQ(p.input_multiplier, 6);
  EXPECT_EQ(p.input_right_shift, 0);
  ASSERT_EQ(PrepareLogisticInt16(1.0f / 2048.0f, 0, 1.0f / 32768.0f, 0, &p), KernelStatus::kOk);
  EXPECT_EQ(p.input_multiplier, 24576);
  EXPECT_EQ(p.input_right_shift, 12);
  // 0.001·12288 = 12.288, doubled 11 times to 25165.8, truncated.
  ASSERT_EQ(PrepareTanhInt16(0.001f, 0, 1.0f / 32768.0f, 0, &p), KernelStatus::kOk);
  EXPECT_EQ(p.input_multiplier, 25165);
  EXPECT_EQ(p.input_right_shift, 11);
  EXPECT_EQ(PrepareTanhInt16(0.001f, 1, 1.0f / 32768.0f, 0, &p), KernelStatus::kBadParams);
  EXPECT_EQ(PrepareTanhInt16(0.001f, 0, 1.0f / 16384.0f, 0, &p), KernelStatus::kBadParams);
}

TEST(KernelsSigmoidInt16, LogisticAndTanhOnTableEntries) {
  uint16_t t[kSigmoidTableSize];
  SigmoidTable(t);
  SigmoidInt16Params p;
  ASSERT_EQ(PrepareLogisticInt16(1.0f / 4096.0f, 0, 1.0f / 32768.0f, 0, &p), KernelStatus::kOk);
  const int16_t x[4] = {0, 4096, -4096, 32767};  // 0, 1, −1, 8
  int16_t y[4];
  LogisticInt16(p, t, 4, x, y);
  EXPECT_EQ(y[0], 16384);  // (32768·2^9 + 2^9) >> 10
  EXPECT_EQ(y[1], 23956);  // (47911·2^9 + 2^9) >> 10; σ(1)·32768 = 23955.4
  EXPECT_EQ(y[2], 8812);   // (2^25 − 47911·2^9 + 2^9 − 1) >> 10
  EXPECT_NEAR(y[3], 32768.0 / (1.0 + std::exp(-8.0)), 2.0);
  ASSERT_EQ(PrepareTanhInt16(1.0f / 4096.0f, 0, 1.0f / 32768.0f, 0, &p), KernelStatus::kOk);
  TanhInt16(p, t, 4, x, y);
  EXPECT_EQ(y[0], 0);
  EXPECT_EQ(y[1], 24956);  // (57724·2^8 − 2^23 + 2^7) >> 8; tanh(1)·32768 = 24956.2
  EXPECT_EQ(y[2], -24956);  // (−57724·2^8 + 2^23 + 2^7 − 1) >> 8 = ⌊−24955.5⌋
  EXPECT_EQ(y[3], 32767);
}

TEST(KernelsHardSwish, Int8MultipliersAndValues) {
  HardSwishParams p;
  // s_in = s_out = 1/16: output multiplier (1/2048)/(1/16) = 1/128 → 16384 (Q0.15 of 0.5), exponent −6;
  // reluish (1/2048)/(3/32768) = 16/3 → 0.6667·2^3 → 21845, exponent 3.
  ASSERT_EQ(PrepareHardSwishInt8(1.0f / 16.0f, 0, 1.0f / 16.0f, 0, &p), KernelStatus::kOk);
  EXPECT_EQ(p.output_multiplier, 16384);
  EXPECT_EQ(p.output_exponent, -6);
  EXPECT_EQ(p.reluish_multiplier, 21845);
  EXPECT_EQ(p.reluish_exponent, 3);
  const int8_t x[6] = {0, 16, -16, 48, -48, 127};  // 0, 1, −1, 3, −3, 7.94
  int8_t y[6];
  HardSwishInt8(p, 6, x, y);
  EXPECT_EQ(y[0], 0);
  EXPECT_EQ(y[1], 11);   // 1·4/6 = 0.667 → 10.67
  EXPECT_EQ(y[2], -5);   // −1·2/6 = −0.333 → −5.33
  EXPECT_EQ(y[3], 48);   // 3 → 3
  EXPECT_EQ(y[4], 0);
  EXPECT_EQ(y[5], 127);  // 7.94 → 127
  // An output scale needing a left shift is refused, as TFLM refuses it.
  EXPECT_EQ(PrepareHardSwishInt8(1.0f, 0, 1.0f / 1024.0f, 0, &p), KernelStatus::kBadParams);
}

TEST(KernelsHardSwish, FloatFormula) {
  const float x[5] = {-4.0f, -3.0f, -1.5f, 1.0f, 3.5f};
  float y[5];
  HardSwishFloat(5, x, y);
  EXPECT_FLOAT_EQ(y[0], 0.0f);
  EXPECT_FLOAT_EQ(y[1], 0.0f);
  EXPECT_FLOAT_EQ(y[2], -0.375f);
  EXPECT_FLOAT_EQ(y[3], 1.0f * 4.0f / 6.0f);
  EXPECT_FLOAT_EQ(y[4], 3.5f);
}

}  // namespace
}  // namespace bsb::rt::kernels
