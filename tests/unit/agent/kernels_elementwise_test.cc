// ADD and MUL: hand-computed int8/float cases, broadcasting, and the int16 ADD golden.
#include "agent/runtime/kernels/elementwise.h"

#include <gtest/gtest.h>

#include "kernels_golden.h"

namespace bsb::rt::kernels {
namespace {

BroadcastPlan Plan(const Shape& a, const Shape& b, const Shape& out) {
  BroadcastPlan plan;
  EXPECT_TRUE(MakeBroadcastPlan(a, b, out, &plan));
  return plan;
}

TEST(KernelsBroadcast, RowPlusColumn) {
  // [2, 1] + [1, 3] → [2, 3]: [1, 2] + [10, 20, 30].
  const float a[2] = {1, 2};
  const float b[3] = {10, 20, 30};
  ArithmeticParams p;
  ASSERT_EQ(PrepareArithmeticFloat(Activation::kNone, &p), KernelStatus::kOk);
  float y[6];
  AddFloat(p, Plan(MakeShape({2, 1}), MakeShape({1, 3}), MakeShape({2, 3})), a, b, y);
  const float want[6] = {11, 21, 31, 12, 22, 32};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(y[i], want[i]);
  BroadcastPlan plan;
  EXPECT_FALSE(MakeBroadcastPlan(MakeShape({2, 2}), MakeShape({3}), MakeShape({2, 3}), &plan));
}

TEST(KernelsAddFloat, Activations) {
  const float a[3] = {-5, 0.5f, 7};
  const float b[3] = {1, 1, 1};
  const Shape s = MakeShape({3});
  ArithmeticParams p;
  float y[3];
  ASSERT_EQ(PrepareArithmeticFloat(Activation::kRelu6, &p), KernelStatus::kOk);
  AddFloat(p, Plan(s, s, s), a, b, y);  // [−4, 1.5, 8] → [0, 1.5, 6]
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[1], 1.5f);
  EXPECT_EQ(y[2], 6.0f);
  MulFloat(p, Plan(s, s, s), a, a, y);  // [25, 0.25, 49] → [6, 0.25, 6]
  EXPECT_EQ(y[0], 6.0f);
  EXPECT_EQ(y[1], 0.25f);
  EXPECT_EQ(y[2], 6.0f);
}

// s1 = 0.5, s2 = 0.25, s_out = 1: T = 1, input multipliers 0.5 = (2^30, 0) and
// 0.25 = (2^30, −1), output 1/2^20 = (2^30, −19).
TEST(KernelsAddInt8, LeftShift20Path) {
  ArithmeticParams p;
  ASSERT_EQ(PrepareAddQuantized(QuantType::kInt8, 0.5f, 0, 0.25f, 0, 1.0f, 0, Activation::kNone, &p),
            KernelStatus::kOk);
  EXPECT_EQ(p.left_shift, 20);
  EXPECT_EQ(p.input1_shift, 0);
  EXPECT_EQ(p.input2_shift, -1);
  EXPECT_EQ(p.output_shift, -19);
  const Shape s = MakeShape({4});
  // [3, 1, −1, 100] at 0.5 plus [6, 0, 0, 100] at 0.25 → real [3, 0.5, −0.5, 75]:
  // 0.5 → 1 and −0.5 → −1 (RDBPOT ties away from zero).
  const int8_t a[4] = {3, 1, -1, 100};
  const int8_t b[4] = {6, 0, 0, 100};
  int8_t y[4];
  AddInt8(p, Plan(s, s, s), a, b, y);
  EXPECT_EQ(y[0], 3);
  EXPECT_EQ(y[1], 1);
  EXPECT_EQ(y[2], -1);
  EXPECT_EQ(y[3], 75);
}

TEST(KernelsAddInt8, ExtremeZeroPointsAndRelu) {
  // z1 = −128, z2 = 127, z_out = −128, all scales 1: real a + b, stored at −128 + (a + b).
  // a = [−128, −100], b = [127, 120] → real [0, 28 − 7 = 21] → [−128, −107].
  ArithmeticParams p;
  ASSERT_EQ(PrepareAddQuantized(QuantType::kInt8, 1.0f, -128, 1.0f, 127, 1.0f, -128,
                                Activation::kRelu, &p),
            KernelStatus::kOk);
  const Shape s = MakeShape({2});
  const int8_t a[2] = {-128, -100};
  const int8_t b[2] = {127, 120};
  int8_t y[2];
  AddInt8(p, Plan(s, s, s), a, b, y);
  EXPECT_EQ(y[0], -128);
  EXPECT_EQ(y[1], -107);
  // b = [0, 0] is real −127: RELU clamps at Q(0) = −128.
  const int8_t b2[2] = {0, 0};
  AddInt8(p, Plan(s, s, s), a, b2, y);
  EXPECT_EQ(y[0], -128);
  EXPECT_EQ(y[1], -128);
}

TEST(KernelsAddInt16, MatchesTflmGoldenOfI16x8Add) {
  // conformance/i16x8_add: one ADD, all_io records = input0 ‖ input1 (1×1×5×64 int16 each),
  // scales from its expect.json (9 significant digits recover the float32 exactly), z = 0.
  ArithmeticParams p;
  ASSERT_EQ(PrepareAddQuantized(QuantType::kInt16, 0.000585250091f, 0, 0.000806929602f, 0,
                                0.00102444214f, 0, Activation::kNone, &p),
            KernelStatus::kOk);
  EXPECT_EQ(p.left_shift, 15);
  constexpr size_t kCount = 1 * 1 * 5 * 64;
  const Shape s = MakeShape({1, 1, 5, 64});
  for (int k = 0; k < 2; ++k) {
    const auto in = testing::ReadGolden("i16x8_add", "in_" + std::to_string(k) + ".bin");
    const auto out = testing::ReadGolden("i16x8_add", "out_" + std::to_string(k) + ".bin");
    if (in.empty() || out.empty()) GTEST_SKIP() << "shared conformance set not found: skipped";
    ASSERT_EQ(in.size(), 2 * kCount * sizeof(int16_t));
    ASSERT_EQ(out.size(), kCount * sizeof(int16_t));
    const auto a = testing::AsArray<int16_t>(in, 0, kCount);
    const auto b = testing::AsArray<int16_t>(in, kCount * sizeof(int16_t), kCount);
    const auto want = testing::AsArray<int16_t>(out, 0, kCount);
    std::vector<int16_t> y(kCount);
    AddInt16(p, Plan(s, s, s), a.data(), b.data(), y.data());
    for (size_t i = 0; i < kCount; ++i) ASSERT_EQ(y[i], want[i]) << "record " << k << " element " << i;
  }
}

TEST(KernelsMulInt8, RequantizesTheProduct) {
  // s1 = s2 = 0.5, s_out = 0.25 → multiplier 1 = (2^30, 1). 3·(−4) → real 1.5·(−2) = −3 → −12;
  // z_out = 5 → −7. 11·11 = 121 → real 30.25 → 121 + 5 = 126; 12·12 → 149 saturates at 127.
  ArithmeticParams p;
  ASSERT_EQ(PrepareMulQuantized(QuantType::kInt8, 0.5f, 0, 0.5f, 0, 0.25f, 5, Activation::kNone, &p),
            KernelStatus::kOk);
  const Shape s = MakeShape({3});
  const int8_t a[3] = {3, 11, 12};
  const int8_t b[3] = {-4, 11, 12};
  int8_t y[3];
  MulInt8(p, Plan(s, s, s), a, b, y);
  EXPECT_EQ(y[0], -7);
  EXPECT_EQ(y[1], 126);
  EXPECT_EQ(y[2], 127);
}

TEST(KernelsMulInt16, ScalarBroadcast) {
  // [1000, −1000] · [3] with scales 1, 1, 4 → 3000/4 = 750, −750.
  ArithmeticParams p;
  ASSERT_EQ(PrepareMulQuantized(QuantType::kInt16, 1.0f, 0, 1.0f, 0, 4.0f, 0, Activation::kNone, &p),
            KernelStatus::kOk);
  const int16_t a[2] = {1000, -1000};
  const int16_t b[1] = {3};
  int16_t y[2];
  MulInt16(p, Plan(MakeShape({2}), MakeShape({1}), MakeShape({2})), a, b, y);
  EXPECT_EQ(y[0], 750);
  EXPECT_EQ(y[1], -750);
  EXPECT_EQ(PrepareMulQuantized(QuantType::kInt16, 1.0f, 3, 1.0f, 0, 4.0f, 0, Activation::kNone, &p),
            KernelStatus::kBadParams);
}

}  // namespace
}  // namespace bsb::rt::kernels
