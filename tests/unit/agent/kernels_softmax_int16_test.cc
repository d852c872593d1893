// SOFTMAX int16 → int16: TFLM's interpolated exp and 1/(1+x) tables (gen_lut) and the
// reciprocal normalization, on hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "agent/runtime/kernels/softmax.h"

namespace bsb::rt::kernels {
namespace {

struct Prepared {
  SoftmaxParams params;
  std::unique_ptr<SoftmaxInt16Luts> luts = std::make_unique<SoftmaxInt16Luts>();
};

Prepared Prepare(float beta, float input_scale) {
  Prepared p;
  EXPECT_EQ(PrepareSoftmaxInt16(beta, input_scale, 1.0f / 32768.0f, 0, &p.params, p.luts.get()), KernelStatus::kOk);
  return p;
}

TEST(KernelsSoftmaxInt16, TablesHoldTheirFunctionsInQ015) {
  const Prepared p = Prepare(1.0f, 1.0f / 1024.0f);
  // Ends: exp(0) = 1 saturates to 32767, exp(−10)·32768 = 1.49; 1/(1+0) saturates, 1/2 = 16384.
  EXPECT_EQ(p.luts->exp[512], 32767);
  EXPECT_NEAR(p.luts->exp[0], 1, 1);
  EXPECT_EQ(p.luts->one_over_one_plus_x[0], 32767);
  EXPECT_EQ(p.luts->one_over_one_plus_x[512], 16384);
  for (int i = 0; i < 512; ++i) {
    // Each entry is biased by half its midpoint interpolation error: at most a few steps.
    EXPECT_NEAR(p.luts->exp[i], 32768.0 * std::exp(-10.0 + 10.0 * i / 512), 3.0) << i;
    EXPECT_NEAR(p.luts->one_over_one_plus_x[i], std::min(32767.0, 32768.0 / (1.0 + i / 512.0)), 1.0) << i;
  }
}

TEST(KernelsSoftmaxInt16, LookupInterpolatesBetweenEntries) {
  int16_t lut[513];
  for (int i = 0; i < 513; ++i) lut[i] = static_cast<int16_t>(i * 10);
  // value v → entry 256 + (v >> 7), fraction (v & 127)/128 of the slope 10, rounded.
  EXPECT_EQ(LutLookupInt16(0, lut), 2560);
  EXPECT_EQ(LutLookupInt16(64, lut), 2565);
  EXPECT_EQ(LutLookupInt16(-128, lut), 2550);
  EXPECT_EQ(LutLookupInt16(-32768, lut), 0);
  EXPECT_EQ(LutLookupInt16(32767, lut), 5120);  // entry 511 (5110) + round(127/128 · 10) = 5120
}

TEST(KernelsSoftmaxInt16, EqualInputsGiveAQuarterEach) {
  const Prepared p = Prepare(1.0f, 1.0f / 1024.0f);
  const int16_t x[4] = {100, 100, 100, 100};
  int16_t y[4];
  SoftmaxInt16(p.params, *p.luts, 1, 4, x, y);
  for (int16_t v : y) EXPECT_EQ(v, 8192);  // 0.25 in Q0.15
}

TEST(KernelsSoftmaxInt16, AgreesWithFloatSoftmaxWithinAFewSteps) {
  // s_in = 10/32768: the int16 range spans ±10, the range of the exp table.
  const float scale = 10.0f / 32768.0f;
  const Prepared p = Prepare(1.0f, scale);
  const std::vector<int16_t> x = {-32768, -3000, 0, 1000, 3276, 3300, -100, 20000};
  std::vector<int16_t> y(x.size());
  SoftmaxInt16(p.params, *p.luts, 1, static_cast<int32_t>(x.size()), x.data(), y.data());
  double sum = 0;
  for (int16_t v : x) sum += std::exp(scale * (v - 20000.0));
  for (size_t i = 0; i < x.size(); ++i) {
    const double want = 32768.0 * std::exp(scale * (x[i] - 20000.0)) / sum;
    EXPECT_NEAR(y[i], std::min(want, 32767.0), 4.0) << i;
  }
}

TEST(KernelsSoftmaxInt16, RefusesOtherOutputQuantization) {
  SoftmaxParams params;
  auto luts = std::make_unique<SoftmaxInt16Luts>();
  EXPECT_EQ(PrepareSoftmaxInt16(1.0f, 0.001f, 1.0f / 32768.0f, 5, &params, luts.get()), KernelStatus::kBadParams);
  EXPECT_EQ(PrepareSoftmaxInt16(1.0f, 0.001f, 1.0f / 256.0f, 0, &params, luts.get()), KernelStatus::kBadParams);
}

}  // namespace
}  // namespace bsb::rt::kernels
