// AVERAGE_POOL_2D / MAX_POOL_2D: clipped windows, integer rounding, fused activations.
#include "agent/runtime/kernels/pooling.h"

#include <gtest/gtest.h>

namespace bsb::rt::kernels {
namespace {

// 3×3 input 1…9, 2×2 window, stride 2, SAME: out 2×2, total padding 2 + 2 − 3 = 1 → 0 before,
// so the right/bottom windows are clipped: {1,2,4,5}, {3,6}, {7,8}, {9}.
PoolOptions ClippedOptions() {
  PoolOptions o;
  o.padding = Padding::kSame;
  o.stride_h = o.stride_w = 2;
  o.filter_h = o.filter_w = 2;
  return o;
}

TEST(KernelsPoolFloat, ClippedWindows) {
  const Shape input = MakeShape({1, 3, 3, 1});
  const Shape output = MakeShape({1, 2, 2, 1});
  const float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  PoolParams p;
  ASSERT_EQ(PreparePoolFloat(ClippedOptions(), input, &p), KernelStatus::kOk);
  EXPECT_EQ(p.output_height, 2);
  EXPECT_EQ(p.padding.height, 0);
  float y[4];
  AveragePoolFloat(p, input, x, output, y);  // 12/4, 9/2, 15/2, 9/1
  EXPECT_EQ(y[0], 3.0f);
  EXPECT_EQ(y[1], 4.5f);
  EXPECT_EQ(y[2], 7.5f);
  EXPECT_EQ(y[3], 9.0f);
  MaxPoolFloat(p, input, x, output, y);
  EXPECT_EQ(y[0], 5.0f);
  EXPECT_EQ(y[1], 6.0f);
  EXPECT_EQ(y[2], 8.0f);
  EXPECT_EQ(y[3], 9.0f);
}

TEST(KernelsPoolInt8, AverageRoundsHalfAwayFromZero) {
  const Shape input = MakeShape({1, 3, 3, 1});
  const Shape output = MakeShape({1, 2, 2, 1});
  const int8_t x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  PoolParams p;
  ASSERT_EQ(PreparePoolQuantized(QuantType::kInt8, ClippedOptions(), input, 1.0f, 0, &p),
            KernelStatus::kOk);
  int8_t y[4];
  // 12/4 = 3; 9/2 = 4.5 → (9 + 1)/2 = 5; 15/2 = 7.5 → 8; 9.
  AveragePoolInt8(p, input, x, output, y);
  EXPECT_EQ(y[0], 3);
  EXPECT_EQ(y[1], 5);
  EXPECT_EQ(y[2], 8);
  EXPECT_EQ(y[3], 9);
  // Negated: −12/4 = −3; −4.5 → (−9 − 1)/2 = −5; −7.5 → −8; −9.
  int8_t neg[9];
  for (int i = 0; i < 9; ++i) neg[i] = static_cast<int8_t>(-x[i]);
  AveragePoolInt8(p, input, neg, output, y);
  EXPECT_EQ(y[0], -3);
  EXPECT_EQ(y[1], -5);
  EXPECT_EQ(y[2], -8);
  EXPECT_EQ(y[3], -9);
  // 2×2 VALID over {−1, −2, −3, −5}: −11 → (−11 − 2)/4 = −3 (−2.75).
  PoolOptions valid;
  valid.filter_h = valid.filter_w = 2;
  const Shape small = MakeShape({1, 2, 2, 1});
  ASSERT_EQ(PreparePoolQuantized(QuantType::kInt8, valid, small, 1.0f, 0, &p), KernelStatus::kOk);
  const int8_t x2[4] = {-1, -2, -3, -5};
  AveragePoolInt8(p, small, x2, MakeShape({1, 1, 1, 1}), y);
  EXPECT_EQ(y[0], -3);
}

TEST(KernelsPoolInt8, MaxWithRelu6AndZeroPoint) {
  // s = 0.5, z = −128: RELU6 range [Q(0), Q(6)] = [−128, −116].
  const Shape input = MakeShape({1, 3, 3, 1});
  const int8_t x[9] = {-128, -127, -126, -125, -124, -123, -122, -121, -100};
  PoolOptions o = ClippedOptions();
  o.activation = Activation::kRelu6;
  PoolParams p;
  ASSERT_EQ(PreparePoolQuantized(QuantType::kInt8, o, input, 0.5f, -128, &p), KernelStatus::kOk);
  EXPECT_EQ(p.quantized_range.min, -128);
  EXPECT_EQ(p.quantized_range.max, -116);
  int8_t y[4];
  MaxPoolInt8(p, input, x, MakeShape({1, 2, 2, 1}), y);  // maxima −124, −123, −121, −100
  EXPECT_EQ(y[0], -124);
  EXPECT_EQ(y[1], -123);
  EXPECT_EQ(y[2], -121);
  EXPECT_EQ(y[3], -116);
}

TEST(KernelsPoolInt16, AverageAndMax) {
  // 2 channels interleaved, 1×2×1 image, window 2×1: ch0 {1000, −3001}, ch1 {7, 8}.
  // ch0 avg −2001/2 = −1000.5 → (−2001 − 1)/2 = −1001; ch1 15/2 → 8. Max: 1000, 8.
  const Shape input = MakeShape({1, 2, 1, 2});
  const int16_t x[4] = {1000, 7, -3001, 8};
  PoolOptions o;
  o.filter_h = 2;
  PoolParams p;
  ASSERT_EQ(PreparePoolQuantized(QuantType::kInt16, o, input, 1.0f, 0, &p), KernelStatus::kOk);
  int16_t y[2];
  AveragePoolInt16(p, input, x, MakeShape({1, 1, 1, 2}), y);
  EXPECT_EQ(y[0], -1001);
  EXPECT_EQ(y[1], 8);
  MaxPoolInt16(p, input, x, MakeShape({1, 1, 1, 2}), y);
  EXPECT_EQ(y[0], 1000);
  EXPECT_EQ(y[1], 8);
}

TEST(KernelsPool, RejectsWindowLargerThanValidInput) {
  PoolOptions o;
  o.filter_h = o.filter_w = 3;
  PoolParams p;
  EXPECT_EQ(PreparePoolFloat(o, MakeShape({1, 2, 2, 1}), &p), KernelStatus::kBadParams);
}

}  // namespace
}  // namespace bsb::rt::kernels
