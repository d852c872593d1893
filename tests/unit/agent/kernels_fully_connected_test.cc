// FULLY_CONNECTED on hand-computed cases: every fused activation, per-tensor and per-channel
// weights, extreme zero points, int16x8 with a 64-bit bias, hybrid rows.
#include "agent/runtime/kernels/fully_connected.h"

#include <gtest/gtest.h>

#include "agent/runtime/kernels/fixedpoint.h"

namespace bsb::rt::kernels {
namespace {

// x = [1, 2], w = [[1, 2], [3, −4]], bias = [0.5, −1] → [1+4+0.5, 3−8−1] = [5.5, −6].
struct FloatCase {
  float x[2] = {1.0f, 2.0f};
  float w[4] = {1.0f, 2.0f, 3.0f, -4.0f};
  float bias[2] = {0.5f, -1.0f};
  FullyConnectedDims dims{1, 2, 2};
};

TEST(KernelsFullyConnectedFloat, EveryActivation) {
  FloatCase c;
  struct Expect { Activation act; float y0, y1; };
  const Expect cases[] = {{Activation::kNone, 5.5f, -6.0f},
                          {Activation::kRelu, 5.5f, 0.0f},
                          {Activation::kRelu6, 5.5f, 0.0f},
                          {Activation::kReluN1To1, 1.0f, -1.0f}};
  for (const Expect& e : cases) {
    FullyConnectedParams p;
    ASSERT_EQ(PrepareFullyConnectedFloat(e.act, &p), KernelStatus::kOk);
    float y[2];
    FullyConnectedFloat(p, c.dims, c.x, c.w, c.bias, y);
    EXPECT_EQ(y[0], e.y0) << static_cast<int>(e.act);
    EXPECT_EQ(y[1], e.y1) << static_cast<int>(e.act);
  }
  FullyConnectedParams p;
  EXPECT_EQ(PrepareFullyConnectedFloat(Activation::kTanh, &p), KernelStatus::kUnsupported);
}

TEST(KernelsFullyConnectedFloat, BatchesAndNoBias) {
  // Two rows: [1, 2] and [−1, 0]; second row → [−1, −3].
  const float x[4] = {1.0f, 2.0f, -1.0f, 0.0f};
  const float w[4] = {1.0f, 2.0f, 3.0f, -4.0f};
  FullyConnectedParams p;
  ASSERT_EQ(PrepareFullyConnectedFloat(Activation::kNone, &p), KernelStatus::kOk);
  float y[4];
  FullyConnectedFloat(p, {2, 2, 2}, x, w, nullptr, y);
  EXPECT_EQ(y[0], 5.0f);
  EXPECT_EQ(y[1], -5.0f);
  EXPECT_EQ(y[2], -1.0f);
  EXPECT_EQ(y[3], -3.0f);
}

// s_in = 0.5, z_in = 10, s_w = 0.25, s_out = 1, z_out = −5: multiplier 0.125 = 2^30·2^(−2−31).
// x = [14, 6] → real [2, −2]; w = [[8, 4], [−4, 12]] → real [[2, 1], [−1, 3]];
// bias [8, 0] at scale 0.125 → real [1, 0].
// acc0 = 8·4 + 4·(−4) + 8 = 24 → 3 → y0 = −2 (real 2·2 − 2 + 1 = 3).
// acc1 = −4·4 + 12·(−4) = −64 → −8 → y1 = −13 (real −2 − 6 = −8).
TEST(KernelsFullyConnectedInt8, PerTensor) {
  const float s_w = 0.25f;
  int8_t x[2] = {14, 6};
  const int8_t w[4] = {8, 4, -4, 12};
  const int32_t bias[2] = {8, 0};
  FullyConnectedParams p;
  ASSERT_EQ(PrepareFullyConnectedInt8(0.5f, 10, &s_w, 1, 0, 1.0f, -5, Activation::kNone, nullptr,
                                      nullptr, &p),
            KernelStatus::kOk);
  EXPECT_EQ(p.output_multiplier, 1 << 30);
  EXPECT_EQ(p.output_shift, -2);
  int8_t y[2];
  FullyConnectedInt8(p, {1, 2, 2}, x, w, bias, y);
  EXPECT_EQ(y[0], -2);
  EXPECT_EQ(y[1], -13);

  // RELU clamps at Q(0) = z_out = −5; RELU6 at Q(6) = 1 as well.
  ASSERT_EQ(PrepareFullyConnectedInt8(0.5f, 10, &s_w, 1, 0, 1.0f, -5, Activation::kRelu, nullptr,
                                      nullptr, &p),
            KernelStatus::kOk);
  FullyConnectedInt8(p, {1, 2, 2}, x, w, bias, y);
  EXPECT_EQ(y[0], -2);
  EXPECT_EQ(y[1], -5);
  // RELU_N1_TO_1: [Q(−1), Q(1)] = [−6, −4].
  ASSERT_EQ(PrepareFullyConnectedInt8(0.5f, 10, &s_w, 1, 0, 1.0f, -5, Activation::kReluN1To1,
                                      nullptr, nullptr, &p),
            KernelStatus::kOk);
  FullyConnectedInt8(p, {1, 2, 2}, x, w, bias, y);
  EXPECT_EQ(y[0], -4);
  EXPECT_EQ(y[1], -6);
  // RELU6: [Q(0), Q(6)] = [−5, 1]; raise x0 so y0 = 3 + 2·... : x = [22, 6] → real [6, −2]:
  // acc0 = 8·12 + 4·(−4) + 8 = 88 → 11 → 6 before clamp → clamped to 1.
  ASSERT_EQ(PrepareFullyConnectedInt8(0.5f, 10, &s_w, 1, 0, 1.0f, -5, Activation::kRelu6, nullptr,
                                      nullptr, &p),
            KernelStatus::kOk);
  x[0] = 22;
  FullyConnectedInt8(p, {1, 2, 2}, x, w, bias, y);
  EXPECT_EQ(y[0], 1);
  EXPECT_EQ(y[1], -5);
}

TEST(KernelsFullyConnectedInt8, RequantizationTiesRoundAwayFromZero) {
  // Multiplier 0.125, no offsets: acc 20 → 2.5 → 3; acc −20 → −2.5 → −3.
  const float s_w = 0.25f;
  const int8_t x[1] = {1};
  const int8_t w[2] = {20, -20};
  FullyConnectedParams p;
  ASSERT_EQ(PrepareFullyConnectedInt8(0.5f, 0, &s_w, 1, 0, 1.0f, 0, Activation::kNone, nullptr,
                                      nullptr, &p),
            KernelStatus::kOk);
  int8_t y[2];
  FullyConnectedInt8(p, {1, 1, 2}, x, w, nullptr, y);
  EXPECT_EQ(y[0], 3);
  EXPECT_EQ(y[1], -3);
}

TEST(KernelsFullyConnectedInt8, PerTensorProductIsTakenInFloat) {
  // 0.1f·0.3f rounded to float, then widened, differs from the double product; TFLite uses
  // the float one for per-tensor weights.
  const float s_in = 0.1f;
  const float s_w = 0.3f;
  const float s_out = 0.7f;
  const QuantizedMultiplier via_float = QuantizeMultiplier(
      static_cast<double>(s_in * s_w) / static_cast<double>(s_out));
  const QuantizedMultiplier via_double = QuantizeMultiplier(
      static_cast<double>(s_in) * static_cast<double>(s_w) / static_cast<double>(s_out));
  ASSERT_NE(via_float.multiplier, via_double.multiplier) << "scales do not exercise the rule";
  FullyConnectedParams p;
  ASSERT_EQ(PrepareFullyConnectedInt8(s_in, 0, &s_w, 1, 0, s_out, 0, Activation::kNone, nullptr,
                                      nullptr, &p),
            KernelStatus::kOk);
  EXPECT_EQ(p.output_multiplier, via_float.multiplier);
  EXPECT_EQ(p.output_shift, via_float.shift);
}

TEST(KernelsFullyConnectedInt8, PerChannelMultipliers) {
  // s_in = 0.5, s_w = [0.25, 0.5], s_out = 1 → 0.125 = (2^30, −2) and 0.25 = (2^30, −1).
  const float s_w[2] = {0.25f, 0.5f};
  int32_t multipliers[2];
  int32_t shifts[2];
  FullyConnectedParams p;
  ASSERT_EQ(PrepareFullyConnectedInt8(0.5f, 0, s_w, 2, 0, 1.0f, 0, Activation::kNone,
                                      multipliers, shifts, &p),
            KernelStatus::kOk);
  EXPECT_EQ(multipliers[0], 1 << 30);
  EXPECT_EQ(shifts[0], -2);
  EXPECT_EQ(multipliers[1], 1 << 30);
  EXPECT_EQ(shifts[1], -1);
  // x = [4, 8], w = [[2, 2], [2, 2]] → acc 24 for both: 24·0.125 = 3 and 24·0.25 = 6.
  const int8_t x[2] = {4, 8};
  const int8_t w[4] = {2, 2, 2, 2};
  int8_t y[2];
  FullyConnectedInt8(p, {1, 2, 2}, x, w, nullptr, y);
  EXPECT_EQ(y[0], 3);
  EXPECT_EQ(y[1], 6);
}

TEST(KernelsFullyConnectedInt8, ExtremeZeroPoints) {
  // z_in = −128 (x = −128 is real 0), z_out = 127: all outputs sit at the top of the range
  // unless negative. s_in = 1, s_w = 1, s_out = 1 → multiplier 1 = (2^30, 1).
  const float s_w = 1.0f;
  const int8_t x[2] = {-128, -125};  // real [0, 3]
  const int8_t w[2] = {5, -2};       // one output: 0·5 + 3·(−2) = −6 → 127 − 6 = 121
  FullyConnectedParams p;
  ASSERT_EQ(PrepareFullyConnectedInt8(1.0f, -128, &s_w, 1, 0, 1.0f, 127, Activation::kNone,
                                      nullptr, nullptr, &p),
            KernelStatus::kOk);
  int8_t y[1];
  FullyConnectedInt8(p, {1, 2, 1}, x, w, nullptr, y);
  EXPECT_EQ(y[0], 121);
  // w = [5, 2] → +6 → 133 saturates at 127.
  const int8_t w_up[2] = {5, 2};
  FullyConnectedInt8(p, {1, 2, 1}, x, w_up, nullptr, y);
  EXPECT_EQ(y[0], 127);
  // RELU with z_out = 127 leaves only [127, 127].
  ASSERT_EQ(PrepareFullyConnectedInt8(1.0f, -128, &s_w, 1, 0, 1.0f, 127, Activation::kRelu,
                                      nullptr, nullptr, &p),
            KernelStatus::kOk);
  FullyConnectedInt8(p, {1, 2, 1}, x, w, nullptr, y);
  EXPECT_EQ(y[0], 127);
}

TEST(KernelsFullyConnectedInt16, SixtyFourBitBias) {
  // s_in = s_w = 2^−10 (product 2^−20, exact in float), s_out = 2^10: multiplier 2^−30 =
  // (2^30, −29). bias = 3·2^32 + 2^29 does not fit int32; acc = 3·2^32 + 2^29 + Σ.
  // x = [100, −49], w = [2, 4] → Σ = 200 − 196 = 4; real output 12.5 + 4·2^−30.
  // 64-bit MBQM: M' = 2^14, t = 44: (acc·2^14 + 2^43) >> 44 = 13.
  const float s = 1.0f / 1024.0f;
  const int16_t x[2] = {100, -49};
  const int8_t w[2] = {2, 4};
  const int64_t bias[1] = {(int64_t{3} << 32) + (int64_t{1} << 29)};
  FullyConnectedParams p;
  ASSERT_EQ(PrepareFullyConnectedInt16(s, 0, &s, 1, 0, 1024.0f, 0, Activation::kNone, nullptr,
                                       nullptr, &p),
            KernelStatus::kOk);
  EXPECT_EQ(p.output_multiplier, 1 << 30);
  EXPECT_EQ(p.output_shift, -29);
  int16_t y[1];
  FullyConnectedInt16(p, {1, 2, 1}, x, w, bias, y);
  EXPECT_EQ(y[0], 13);
  // Σ = −4 with −bias: real −12.5 − 4·2^−30, just below the tie → −13.
  const int16_t x_neg[2] = {-100, 49};
  const int64_t bias_neg[1] = {-bias[0]};
  FullyConnectedInt16(p, {1, 2, 1}, x_neg, w, bias_neg, y);
  EXPECT_EQ(y[0], -13);
  // Σ = 0 with −bias: exactly −12.5; (−12.5·2^44 + 2^43) >> 44 = −12 (the tie rounds up).
  const int16_t x_zero[2] = {0, 0};
  FullyConnectedInt16(p, {1, 2, 1}, x_zero, w, bias_neg, y);
  EXPECT_EQ(y[0], -12);
}

TEST(KernelsFullyConnectedInt16, Int32BiasAndRangeClamp) {
  // Multiplier 1 (s_in = s_w = s_out = 1): 300·200 = 60000 saturates at 32767; RELU clamps
  // −60000 to 0.
  const float s = 1.0f;
  const int16_t x[1] = {300};
  const int8_t w[2] = {100, -100};
  const int32_t bias[2] = {30000, -30000};
  FullyConnectedParams p;
  ASSERT_EQ(PrepareFullyConnectedInt16(s, 0, &s, 1, 0, s, 0, Activation::kRelu, nullptr, nullptr,
                                       &p),
            KernelStatus::kOk);
  int16_t y[2];
  FullyConnectedInt16(p, {1, 1, 2}, x, w, bias, y);
  EXPECT_EQ(y[0], 32767);
  EXPECT_EQ(y[1], 0);
  EXPECT_EQ(PrepareFullyConnectedInt16(s, 1, &s, 1, 0, s, 0, Activation::kNone, nullptr, nullptr,
                                       &p),
            KernelStatus::kBadParams)
      << "int16 activations are symmetric";
}

TEST(KernelsFullyConnectedHybrid, SymmetricRowQuantization) {
  // x = [0.5, −1, 0.25]: r = 1, s_b = 1/127, q = round(x·127) = [64 (63.5 away), −127, 32].
  // w = [1, 2, 3] at s_w = 0.5: dot = 64 − 254 + 96 = −94; y = 0.25 + (−94)·(s_b·0.5).
  const float x[3] = {0.5f, -1.0f, 0.25f};
  const int8_t w[3] = {1, 2, 3};
  const float s_w = 0.5f;
  const float bias[1] = {0.25f};
  FullyConnectedParams p;
  ASSERT_EQ(PrepareFullyConnectedHybrid(&s_w, 1, false, Activation::kNone, &p), KernelStatus::kOk);
  const FullyConnectedDims dims{1, 3, 1};
  alignas(16) uint8_t scratch[256];
  ASSERT_LE(FullyConnectedHybridScratchBytes(dims), sizeof(scratch));
  float y[1];
  FullyConnectedHybrid(p, dims, x, w, bias, scratch, y);
  const float s_b = 1.0f / 127.0f;
  EXPECT_FLOAT_EQ(y[0], 0.25f + -94.0f * (s_b * 0.5f));
  // RELU on the same row clamps the negative result.
  ASSERT_EQ(PrepareFullyConnectedHybrid(&s_w, 1, false, Activation::kRelu, &p), KernelStatus::kOk);
  FullyConnectedHybrid(p, dims, x, w, bias, scratch, y);
  EXPECT_EQ(y[0], 0.0f);
}

TEST(KernelsFullyConnectedHybrid, AsymmetricRowQuantizationAndZeroRow) {
  // Row 0 = [0, 1]: rmin 0, rmax 1, s = 1/255, z = −128 → q = [−128, 127].
  // dot with w = [1, 1] = −1, minus Σw·z = 2·(−128) → −1 + 256 = 255; y = 255·(s·1) ≈ 1.
  // Row 1 = [0, 0]: q = 0, s = 1 → y = bias only.
  const float x[4] = {0.0f, 1.0f, 0.0f, 0.0f};
  const int8_t w[2] = {1, 1};
  const float s_w = 1.0f;
  const float bias[1] = {0.0f};
  FullyConnectedParams p;
  ASSERT_EQ(PrepareFullyConnectedHybrid(&s_w, 1, true, Activation::kNone, &p), KernelStatus::kOk);
  const FullyConnectedDims dims{2, 2, 1};
  alignas(16) uint8_t scratch[256];
  float y[2];
  FullyConnectedHybrid(p, dims, x, w, bias, scratch, y);
  EXPECT_FLOAT_EQ(y[0], 255.0f * static_cast<float>(1.0 / 255.0));
  EXPECT_EQ(y[1], 0.0f);
}

}  // namespace
}  // namespace bsb::rt::kernels
