// QUANTIZE, DEQUANTIZE, integer requantization and float16 → float32.
#include "agent/runtime/kernels/quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kernels_golden.h"

namespace bsb::rt::kernels {
namespace {

TEST(KernelsQuantize, FloatToInt8RoundsHalfAwayAndClamps) {
  QuantizeParams p;
  ASSERT_EQ(PrepareQuantizeFromFloat(0.5f, 0, &p), KernelStatus::kOk);
  // x/0.5 = [0.5, −0.5, 1.5, −1.5] → [1, −1, 2, −2].
  const float x[4] = {0.25f, -0.25f, 0.75f, -0.75f};
  int8_t y[4];
  QuantizeFloatToInt8(p, 4, x, y);
  EXPECT_EQ(y[0], 1);
  EXPECT_EQ(y[1], -1);
  EXPECT_EQ(y[2], 2);
  EXPECT_EQ(y[3], -2);
  // z = −128: −1 → −2 − 128 clamps to −128; 127.5 → 255 − 128 = 127; ±1e30 hit the edges.
  ASSERT_EQ(PrepareQuantizeFromFloat(0.5f, -128, &p), KernelStatus::kOk);
  const float x2[4] = {-1.0f, 127.5f, 1e30f, -1e30f};
  QuantizeFloatToInt8(p, 4, x2, y);
  EXPECT_EQ(y[0], -128);
  EXPECT_EQ(y[1], 127);
  EXPECT_EQ(y[2], 127);
  EXPECT_EQ(y[3], -128);
  EXPECT_EQ(PrepareQuantizeFromFloat(0.0f, 0, &p), KernelStatus::kBadParams);
}

TEST(KernelsQuantize, FloatToInt16) {
  // s = 2^−15: 1.0 → 32768 clamps to 32767; −1.0 → −32768; 0.5 → 16384.
  QuantizeParams p;
  ASSERT_EQ(PrepareQuantizeFromFloat(1.0f / 32768.0f, 0, &p), KernelStatus::kOk);
  const float x[3] = {1.0f, -1.0f, 0.5f};
  int16_t y[3];
  QuantizeFloatToInt16(p, 3, x, y);
  EXPECT_EQ(y[0], 32767);
  EXPECT_EQ(y[1], -32768);
  EXPECT_EQ(y[2], 16384);
}

TEST(KernelsQuantize, RequantizeInt8ToInt8) {
  // s_in 1 → s_out 2: multiplier 0.5 = (2^30, shift 0), z_out = 10. With shift 0 the only
  // rounding is SRDHM's, which rounds ties toward +∞: 1.5 → 2 but −1.5 → −1 (not −2).
  // [3, −3, 100] → [2, −1, 50] + 10.
  QuantizeParams p;
  ASSERT_EQ(PrepareRequantize(1.0f, 0, 2.0f, 10, &p), KernelStatus::kOk);
  const int8_t x[3] = {3, -3, 100};
  int8_t y[3];
  Requantize(p, 3, x, y);
  EXPECT_EQ(y[0], 12);
  EXPECT_EQ(y[1], 9);
  EXPECT_EQ(y[2], 60);
  // Into int16 with s_out = 1/256 (multiplier 256, z_in = −128): (−128 + 128)·256 = 0,
  // (127 + 128)·256 = 65280 → 32767.
  ASSERT_EQ(PrepareRequantize(1.0f, -128, 1.0f / 256.0f, 0, &p), KernelStatus::kOk);
  const int8_t x2[2] = {-128, 127};
  int16_t y2[2];
  Requantize(p, 2, x2, y2);
  EXPECT_EQ(y2[0], 0);
  EXPECT_EQ(y2[1], 32767);
}

TEST(KernelsQuantize, RequantizeInt32ToInt16MatchesI16x8QuantizeGolden) {
  // conformance/i16x8_quantize: INT32 [1, 2, 160, 2] at 1.49011612e-07 → INT16 at
  // 0.000921971456 (both z = 0, from its expect.json).
  QuantizeParams p;
  ASSERT_EQ(PrepareRequantize(1.49011612e-07f, 0, 0.000921971456f, 0, &p), KernelStatus::kOk);
  constexpr size_t kCount = 1 * 2 * 160 * 2;
  for (int k = 0; k < 2; ++k) {
    const auto in = testing::ReadGolden("i16x8_quantize", "in_" + std::to_string(k) + ".bin");
    const auto out = testing::ReadGolden("i16x8_quantize", "out_" + std::to_string(k) + ".bin");
    if (in.empty() || out.empty()) GTEST_SKIP() << "shared conformance set not found: skipped";
    ASSERT_EQ(in.size(), kCount * sizeof(int32_t));
    const auto x = testing::AsArray<int32_t>(in, 0, kCount);
    const auto want = testing::AsArray<int16_t>(out, 0, kCount);
    std::vector<int16_t> y(kCount);
    Requantize(p, static_cast<int64_t>(kCount), x.data(), y.data());
    for (size_t i = 0; i < kCount; ++i) ASSERT_EQ(y[i], want[i]) << "record " << k << " element " << i;
  }
  // A hand case at the same multiplier s_in/s_out ≈ 1.6162e-4: 2^20 → 169.47 → 169.
  const int32_t big[1] = {1 << 20};
  int16_t y[1];
  Requantize(p, 1, big, y);
  EXPECT_EQ(y[0], 169);
}

TEST(KernelsDequantize, Int8AndInt16) {
  // s = 0.5, z = −128: −128 → 0, 127 → 127.5, −100 → 14.
  QuantizeParams p;
  ASSERT_EQ(PrepareDequantize(0.5f, -128, &p), KernelStatus::kOk);
  const int8_t x[3] = {-128, 127, -100};
  float y[3];
  Dequantize(p, 3, x, y);
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[1], 127.5f);
  EXPECT_EQ(y[2], 14.0f);
  ASSERT_EQ(PrepareDequantize(1.0f / 32768.0f, 0, &p), KernelStatus::kOk);
  const int16_t x16[2] = {-32768, 16384};
  Dequantize(p, 2, x16, y);
  EXPECT_EQ(y[0], -1.0f);
  EXPECT_EQ(y[1], 0.5f);
}

TEST(KernelsFloat16, NormalsSubnormalsInfNan) {
  EXPECT_EQ(HalfToFloat(0x3C00), 1.0f);       // exponent 15 = bias, mantissa 0
  EXPECT_EQ(HalfToFloat(0xC000), -2.0f);
  // 0x3555: exponent 0b01101 = 13 → 2^(13−15), mantissa 0x155 = 341 → 0.25·(1 + 341/1024).
  EXPECT_EQ(HalfToFloat(0x3555), 0.25f * (1.0f + 341.0f / 1024.0f));
  EXPECT_EQ(HalfToFloat(0x7BFF), 65504.0f);   // largest finite: (2 − 2^−10)·2^15
  EXPECT_EQ(HalfToFloat(0x0400), std::ldexp(1.0f, -14));  // smallest normal
  EXPECT_EQ(HalfToFloat(0x0001), std::ldexp(1.0f, -24));  // smallest subnormal
  EXPECT_EQ(HalfToFloat(0x03FF), std::ldexp(1023.0f, -24));  // largest subnormal
  EXPECT_EQ(HalfToFloat(0x8001), -std::ldexp(1.0f, -24));
  EXPECT_EQ(HalfToFloat(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(HalfToFloat(0xFC00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(HalfToFloat(0x7E00)));
  EXPECT_TRUE(std::signbit(HalfToFloat(0x8000)));
  EXPECT_EQ(HalfToFloat(0x8000), 0.0f);
  const uint16_t halves[2] = {0x3C00, 0x4000};
  float out[2];
  DequantizeFloat16(2, halves, out);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], 2.0f);
}

}  // namespace
}  // namespace bsb::rt::kernels
