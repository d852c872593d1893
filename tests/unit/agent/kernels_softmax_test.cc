// SOFTMAX: float with β, and TFLM's int8 fixed-point path (reference §3).
#include "agent/runtime/kernels/softmax.h"

#include <gtest/gtest.h>

#include <cmath>

namespace bsb::rt::kernels {
namespace {

TEST(KernelsSoftmaxFloat, BetaScalesTheDifferences) {
  const float x[3] = {1.0f, 2.0f, 3.0f};
  for (float beta : {1.0f, 0.5f}) {
    SoftmaxParams p;
    ASSERT_EQ(PrepareSoftmaxFloat(beta, &p), KernelStatus::kOk);
    float y[3];
    SoftmaxFloat(p, 1, 3, x, y);
    // exp(β·(x − 3)) / Σ: differences −2, −1, 0.
    const double e2 = std::exp(-2.0 * beta), e1 = std::exp(-1.0 * beta);
    const double sum = e2 + e1 + 1.0;
    EXPECT_NEAR(y[0], e2 / sum, 1e-6);
    EXPECT_NEAR(y[1], e1 / sum, 1e-6);
    EXPECT_NEAR(y[2], 1.0 / sum, 1e-6);
  }
}

TEST(KernelsSoftmaxFloat, RowsAreIndependent) {
  const float x[4] = {5.0f, 5.0f, -1.0f, 1000.0f};  // the 1000 must not overflow (max shift)
  SoftmaxParams p;
  ASSERT_EQ(PrepareSoftmaxFloat(1.0f, &p), KernelStatus::kOk);
  float y[4];
  SoftmaxFloat(p, 2, 2, x, y);
  EXPECT_FLOAT_EQ(y[0], 0.5f);
  EXPECT_FLOAT_EQ(y[1], 0.5f);
  EXPECT_FLOAT_EQ(y[2], 0.0f);
  EXPECT_FLOAT_EQ(y[3], 1.0f);
}

TEST(KernelsSoftmaxInt8, PrepareMultiplierAndDiffMin) {
  SoftmaxParams p;
  // β·s_in·2^26 = 2^−4·2^26 = 2^22 = 0.5·2^23 → (2^30, 23);
  // diff_min = −⌊31·2^26/2^23⌋ = −248.
  ASSERT_EQ(PrepareSoftmaxInt8(1.0f, 1.0f / 16.0f, QuantType::kInt8, 1.0f / 256.0f, -128, &p),
            KernelStatus::kOk);
  EXPECT_EQ(p.input_multiplier, 1 << 30);
  EXPECT_EQ(p.input_left_shift, 23);
  EXPECT_EQ(p.diff_min, -248);
  // β = 2 doubles the multiplier: shift 24, diff_min = −⌊31·2^26/2^24⌋ = −124.
  ASSERT_EQ(PrepareSoftmaxInt8(2.0f, 1.0f / 16.0f, QuantType::kInt8, 1.0f / 256.0f, -128, &p),
            KernelStatus::kOk);
  EXPECT_EQ(p.input_left_shift, 24);
  EXPECT_EQ(p.diff_min, -124);
  // The output quantization is fixed.
  EXPECT_EQ(PrepareSoftmaxInt8(1.0f, 0.0625f, QuantType::kInt8, 1.0f / 255.0f, -128, &p),
            KernelStatus::kBadParams);
  EXPECT_EQ(PrepareSoftmaxInt8(1.0f, 0.0625f, QuantType::kInt8, 1.0f / 256.0f, 0, &p),
            KernelStatus::kBadParams);
}

TEST(KernelsSoftmaxInt8, UniformRowIsOneQuarter) {
  // Four equal inputs: each exp is INT32_MAX, RDBPOT(·, 12) = 2^19, Σ = 2^21 (Q12.19 = 4.0):
  // clz = 10 → num_bits_over_unit = 2, reciprocal of 1.0 ≈ 2^31; output
  // RDBPOT(≈2^31, 2 + 23) = 64 → 64 − 128 = −64 (0.25 = 64/256).
  SoftmaxParams p;
  ASSERT_EQ(PrepareSoftmaxInt8(1.0f, 0.0625f, QuantType::kInt8, 1.0f / 256.0f, -128, &p),
            KernelStatus::kOk);
  const int8_t x[4] = {-128, -128, -128, -128};
  int8_t y[4];
  SoftmaxInt8(p, 1, 4, x, y);
  for (int8_t v : y) EXPECT_EQ(v, -64);
}

TEST(KernelsSoftmaxInt8, DiffMinCutsOffAndMaxSaturates) {
  // s_in = 1/16: x = [127, −128] → diff −255 < diff_min −248: exp counts as 0, output −128;
  // the maximum is 1.0 → 256 − 128 = 128, clamped to 127.
  SoftmaxParams p;
  ASSERT_EQ(PrepareSoftmaxInt8(1.0f, 0.0625f, QuantType::kInt8, 1.0f / 256.0f, -128, &p),
            KernelStatus::kOk);
  const int8_t x[2] = {127, -128};
  int8_t y[2];
  SoftmaxInt8(p, 1, 2, x, y);
  EXPECT_EQ(y[0], 127);
  EXPECT_EQ(y[1], -128);
}

TEST(KernelsSoftmaxInt8, TwoClassesWithBeta) {
  // s_in = 1/16, x = [0, −16] → real difference −1.
  // β = 1: p = [1/(1+e^−1), e^−1/(1+e^−1)] = [0.7311, 0.2689]·256 = [187.16, 68.84] → [59, −59].
  // β = 2: p = [0.8808, 0.1192]·256 = [225.48, 30.52] → [97, −97].
  const int8_t x[2] = {0, -16};
  struct Case { float beta; int8_t y0, y1; };
  for (const Case c : {Case{1.0f, 59, -59}, Case{2.0f, 97, -97}}) {
    SoftmaxParams p;
    ASSERT_EQ(PrepareSoftmaxInt8(c.beta, 0.0625f, QuantType::kInt8, 1.0f / 256.0f, -128, &p),
              KernelStatus::kOk);
    int8_t y[2];
    SoftmaxInt8(p, 1, 2, x, y);
    EXPECT_EQ(y[0], c.y0) << "beta " << c.beta;
    EXPECT_EQ(y[1], c.y1) << "beta " << c.beta;
  }
}

TEST(KernelsSoftmaxInt8, Int16Output) {
  // Output (1/65536, −32768): the uniform row of four gives RDBPOT(≈2^31, 2 + 15) = 16384
  // → 16384 − 32768 = −16384.
  SoftmaxParams p;
  ASSERT_EQ(PrepareSoftmaxInt8(1.0f, 0.0625f, QuantType::kInt16, 1.0f / 65536.0f, -32768, &p),
            KernelStatus::kOk);
  const int8_t x[4] = {3, 3, 3, 3};
  int16_t y[4];
  SoftmaxInt8ToInt16(p, 1, 4, x, y);
  for (int16_t v : y) EXPECT_EQ(v, -16384);
}

}  // namespace
}  // namespace bsb::rt::kernels
