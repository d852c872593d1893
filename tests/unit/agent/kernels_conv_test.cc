// CONV_2D and DEPTHWISE_CONV_2D on hand-computed cases: SAME/VALID, strides, dilation,
// groups, per-channel and per-tensor weights, extreme zero points, int16x8 with int64 bias,
// hybrid inputs.
#include <gtest/gtest.h>

#include <vector>

#include "agent/runtime/kernels/conv.h"
#include "agent/runtime/kernels/depthwise_conv.h"
#include "agent/runtime/kernels/padding.h"

namespace bsb::rt::kernels {
namespace {

TEST(KernelsPadding, SameAndValidWithStridesAndDilation) {
  // in 5, k 3, s 2: SAME out = ⌈5/2⌉ = 3, total = 2·2 + 3 − 5 = 2 → before 1.
  EXPECT_EQ(ComputeOutputSize(Padding::kSame, 5, 3, 2, 1), 3);
  EXPECT_EQ(ComputePaddingBefore(2, 1, 5, 3, 3), 1);
  // VALID out = ⌊(5 − 3 + 2)/2⌋ = 2, total = 2 + 3 − 5 = 0.
  EXPECT_EQ(ComputeOutputSize(Padding::kValid, 5, 3, 2, 1), 2);
  EXPECT_EQ(ComputePaddingBefore(2, 1, 5, 3, 2), 0);
  // Dilation 2 makes k 3 span eff = 5: SAME out 5, total 4 + 5 − 5 = 4 → 2; VALID out 1.
  EXPECT_EQ(ComputeOutputSize(Padding::kSame, 5, 3, 1, 2), 5);
  EXPECT_EQ(ComputePaddingBefore(1, 2, 5, 3, 5), 2);
  EXPECT_EQ(ComputeOutputSize(Padding::kValid, 5, 3, 1, 2), 1);
  // Even filter: in 4, k 2, SAME: total = 3 + 2 − 4 = 1 → 0 before, the odd one after.
  EXPECT_EQ(ComputePaddingBefore(1, 1, 4, 2, 4), 0);
  // VALID with a window larger than the input has no output.
  EXPECT_EQ(ComputeOutputSize(Padding::kValid, 2, 3, 1, 1), 0);
  EXPECT_EQ(ComputeOutputSize(Padding::kSame, 2, 3, 0, 1), 0) << "stride 0";
}

// Input 1×3×3×1 holding 1…9, a 3×3 filter of ones.
struct Plane3x3 {
  Shape input = MakeShape({1, 3, 3, 1});
  float x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  Shape filter = MakeShape({1, 3, 3, 1});
  float w[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
};

std::vector<float> RunConvFloat(const ConvOptions& o, const Shape& input, const float* x,
                                const Shape& filter, const float* w, const float* bias) {
  ConvParams p;
  EXPECT_EQ(PrepareConvFloat(o, input, filter, &p), KernelStatus::kOk);
  const Shape out = MakeShape({input.Dim(0), p.output_height, p.output_width, p.output_channels});
  std::vector<float> y(static_cast<size_t>(out.FlatSize()));
  if (o.depthwise) {
    DepthwiseConvFloat(p, input, x, filter, w, bias, out, y.data());
  } else {
    ConvFloat(p, input, x, filter, w, bias, out, y.data());
  }
  return y;
}

TEST(KernelsConvFloat, SameValidStrideDilation) {
  Plane3x3 c;
  ConvOptions o;
  o.padding = Padding::kSame;
  // Each output sums the in-image 3×3 neighbourhood: corner 1+2+4+5 = 12, centre 45, …
  EXPECT_EQ(RunConvFloat(o, c.input, c.x, c.filter, c.w, nullptr),
            (std::vector<float>{12, 21, 16, 27, 45, 33, 24, 39, 28}));
  // Stride 2: out 2×2, pad 1 before → the four corner sums.
  o.stride_h = o.stride_w = 2;
  EXPECT_EQ(RunConvFloat(o, c.input, c.x, c.filter, c.w, nullptr),
            (std::vector<float>{12, 16, 24, 28}));
  // VALID, stride 1: one output, the whole sum.
  o = ConvOptions{};
  EXPECT_EQ(RunConvFloat(o, c.input, c.x, c.filter, c.w, nullptr), (std::vector<float>{45}));
  // Dilation 2 with a 2×2 filter spans 3×3: taps at the corners 1 + 3 + 7 + 9 = 20.
  o.dilation_h = o.dilation_w = 2;
  const float w2[4] = {1, 1, 1, 1};
  EXPECT_EQ(RunConvFloat(o, c.input, c.x, MakeShape({1, 2, 2, 1}), w2, nullptr),
            (std::vector<float>{20}));
}

TEST(KernelsConvFloat, BiasAndFusedActivation) {
  Plane3x3 c;
  ConvOptions o;
  o.padding = Padding::kSame;
  o.activation = Activation::kRelu;
  const float bias[1] = {-30.0f};  // SAME sums − 30, negatives clamped
  EXPECT_EQ(RunConvFloat(o, c.input, c.x, c.filter, c.w, bias),
            (std::vector<float>{0, 0, 0, 0, 15, 3, 0, 9, 0}));
  o.activation = Activation::kRelu6;
  EXPECT_EQ(RunConvFloat(o, c.input, c.x, c.filter, c.w, bias),
            (std::vector<float>{0, 0, 0, 0, 6, 3, 0, 6, 0}));
  o.activation = Activation::kReluN1To1;
  EXPECT_EQ(RunConvFloat(o, c.input, c.x, c.filter, c.w, bias),
            (std::vector<float>{-1, -1, -1, -1, 1, 1, -1, 1, -1}));
}

TEST(KernelsConvFloat, Groups) {
  // Input channels [1, 2, 3, 4], filter [2, 1, 1, 2] → 2 groups of 2 channels:
  // oc0 = 1·1 + 2·1 = 3 over channels 0–1; oc1 = 3·1 + 4·(−1) = −1 over channels 2–3.
  const float x[4] = {1, 2, 3, 4};
  const float w[4] = {1, 1, 1, -1};
  EXPECT_EQ(RunConvFloat(ConvOptions{}, MakeShape({1, 1, 1, 4}), x, MakeShape({2, 1, 1, 2}), w,
                         nullptr),
            (std::vector<float>{3, -1}));
  ConvParams p;
  EXPECT_EQ(PrepareConvFloat(ConvOptions{}, MakeShape({1, 1, 1, 4}), MakeShape({3, 1, 1, 3}), &p),
            KernelStatus::kBadParams)
      << "4 input channels are not a multiple of 3";
}

// s_in = 0.5, z_in = −128: x = [−126, −124, −122, −120] is real [1, 2, 3, 4] (x − z = 2…8).
// Filter 2×(2×2×1): w0 = [1, 1, 1, 1] at 0.25, w1 = [1, 0, 0, −1] at 1.0; bias [4, 2].
// acc0 = 2+4+6+8 + 4 = 24, acc1 = 2 − 8 + 2 = −4.
// s_out = 0.25: multipliers 0.5·0.25/0.25 = 0.5 and 0.5·1/0.25 = 2 → 12 and −8.
TEST(KernelsConvInt8, PerChannelWithExtremeZeroPoints) {
  const int8_t x[4] = {-126, -124, -122, -120};
  const int8_t w[8] = {1, 1, 1, 1, 1, 0, 0, -1};
  const int32_t bias[2] = {4, 2};
  const float s_w[2] = {0.25f, 1.0f};
  const Shape input = MakeShape({1, 2, 2, 1});
  const Shape filter = MakeShape({2, 2, 2, 1});
  const Shape output = MakeShape({1, 1, 1, 2});
  int32_t multipliers[2];
  int8_t shifts[2];
  ConvParams p;
  ASSERT_EQ(PrepareConvInt8(ConvOptions{}, input, filter, 0.5f, -128, s_w, 2, 0.25f, 100,
                            multipliers, shifts, &p),
            KernelStatus::kOk);
  EXPECT_EQ(multipliers[0], 1 << 30);  // 0.5 = 0.5·2^0
  EXPECT_EQ(shifts[0], 0);
  EXPECT_EQ(multipliers[1], 1 << 30);  // 2 = 0.5·2^2
  EXPECT_EQ(shifts[1], 2);
  int8_t y[2];
  ConvInt8(p, input, x, filter, w, bias, output, y);
  EXPECT_EQ(y[0], 100 + 12);
  EXPECT_EQ(y[1], 100 - 8);
  // z_out = 127: 127 + 12 saturates; 127 − 8 = 119.
  ASSERT_EQ(PrepareConvInt8(ConvOptions{}, input, filter, 0.5f, -128, s_w, 2, 0.25f, 127,
                            multipliers, shifts, &p),
            KernelStatus::kOk);
  ConvInt8(p, input, x, filter, w, bias, output, y);
  EXPECT_EQ(y[0], 127);
  EXPECT_EQ(y[1], 119);
  // A per-tensor scale 0.25 is broadcast: both channels use 0.5 → 12 and −2.
  ASSERT_EQ(PrepareConvInt8(ConvOptions{}, input, filter, 0.5f, -128, s_w, 1, 0.25f, 0,
                            multipliers, shifts, &p),
            KernelStatus::kOk);
  ConvInt8(p, input, x, filter, w, bias, output, y);
  EXPECT_EQ(y[0], 12);
  EXPECT_EQ(y[1], -2);
  // RELU with z_out = 0 clamps −2 to Q(0) = 0.
  ConvOptions relu;
  relu.activation = Activation::kRelu;
  ASSERT_EQ(PrepareConvInt8(relu, input, filter, 0.5f, -128, s_w, 1, 0.25f, 0, multipliers,
                            shifts, &p),
            KernelStatus::kOk);
  ConvInt8(p, input, x, filter, w, bias, output, y);
  EXPECT_EQ(y[1], 0);
}

TEST(KernelsConvInt8, RejectsAMultiplierWhoseShiftDoesNotFitInt8) {
  // s_in·s_w/s_out = 1e30·1/1e-10 = 1e40 ≈ 2^133: no int32 requantization can apply it, and the
  // shift would not fit the int8 per-channel shift array.
  const Shape one = MakeShape({1, 1, 1, 1});
  const float s_w = 1.0f;
  int32_t multipliers[1];
  int8_t shifts[1];
  ConvParams p;
  EXPECT_EQ(PrepareConvInt8(ConvOptions{}, one, one, 1e30f, 0, &s_w, 1, 1e-10f, 0, multipliers, shifts, &p),
            KernelStatus::kBadParams);
  // The extreme that still fits: 2^-31 (shift −30) is accepted.
  EXPECT_EQ(PrepareConvInt8(ConvOptions{}, one, one, 1.0f, 0, &s_w, 1, 2147483648.0f, 0, multipliers, shifts, &p),
            KernelStatus::kOk);
  EXPECT_EQ(shifts[0], -30);
}

TEST(KernelsConvInt8, SamePaddingSkipsTapsInsteadOfUsingZeroPoint) {
  // 1×1×2×1 input at z_in = −128 holding real [1, 1] (x = −127), 1×3 filter of ones, SAME:
  // pad 1 each side; output 0 sees taps {pad, 0, 1} → 2 (real), not 2 + the zero point.
  const int8_t x[2] = {-127, -127};
  const int8_t w[3] = {1, 1, 1};
  const float s_w = 1.0f;
  const Shape input = MakeShape({1, 1, 2, 1});
  const Shape filter = MakeShape({1, 1, 3, 1});
  ConvOptions o;
  o.padding = Padding::kSame;
  int32_t multipliers[1];
  int8_t shifts[1];
  ConvParams p;
  ASSERT_EQ(PrepareConvInt8(o, input, filter, 1.0f, -128, &s_w, 1, 1.0f, 0, multipliers, shifts,
                            &p),
            KernelStatus::kOk);
  ASSERT_EQ(p.padding.width, 1);
  int8_t y[2];
  ConvInt8(p, input, x, filter, w, nullptr, MakeShape({1, 1, 2, 1}), y);
  EXPECT_EQ(y[0], 2);
  EXPECT_EQ(y[1], 2);
}

TEST(KernelsConvInt16, SixtyFourBitBias) {
  // s_in = s_w = 2^−10, s_out = 2^5: multiplier 2^−25 = (2^30, −24).
  // acc = 1000·100 + 2^39 (beyond int32) → 2^39/2^25 = 16384 plus 100000/2^25 ≈ 0.003 → 16384.
  const float s = 1.0f / 1024.0f;
  const int16_t x[1] = {1000};
  const int8_t w[1] = {100};
  const int64_t bias[1] = {int64_t{1} << 39};
  const Shape one = MakeShape({1, 1, 1, 1});
  int32_t multipliers[1];
  int8_t shifts[1];
  ConvParams p;
  ASSERT_EQ(PrepareConvInt16(ConvOptions{}, one, one, s, 0, &s, 1, 32.0f, 0, multipliers, shifts,
                             &p),
            KernelStatus::kOk);
  EXPECT_EQ(shifts[0], -24);
  int16_t y[1];
  ConvInt16(p, one, x, one, w, bias, one, y);
  EXPECT_EQ(y[0], 16384);
  // −2^39 with RELU: −16384 → Q(0) = 0.
  ConvOptions relu;
  relu.activation = Activation::kRelu;
  ASSERT_EQ(PrepareConvInt16(relu, one, one, s, 0, &s, 1, 32.0f, 0, multipliers, shifts, &p),
            KernelStatus::kOk);
  const int64_t bias_neg[1] = {-(int64_t{1} << 39)};
  ConvInt16(p, one, x, one, w, bias_neg, one, y);
  EXPECT_EQ(y[0], 0);
  // int32 bias variant: 1000·100 + 28 = 100028 at multiplier 2^−20/2^−15 = 2^−5
  // (s_out = 2^−15) → 100028/32 = 3125.875 → 3126.
  ASSERT_EQ(PrepareConvInt16(ConvOptions{}, one, one, s, 0, &s, 1, 1.0f / 32768.0f, 0,
                             multipliers, shifts, &p),
            KernelStatus::kOk);
  const int32_t bias32[1] = {28};
  ConvInt16(p, one, x, one, w, bias32, one, y);
  EXPECT_EQ(y[0], 3126);
}

TEST(KernelsConvHybrid, PerTensorSymmetricAndPerChannelAsymmetric) {
  // Per-tensor: x = [0.5, −1] → q = [64, −127] (63.5 rounds away), s_b = 1/127;
  // w = [2, 1] at 0.5: acc = 128 − 127 = 1; y = 1·(s_b·0.5) + 0.1.
  const Shape input = MakeShape({1, 1, 2, 1});
  const float x[2] = {0.5f, -1.0f};
  const int8_t w[2] = {2, 1};
  const float s_w = 0.5f;
  const float bias[1] = {0.1f};
  ConvParams p;
  ASSERT_EQ(PrepareConvHybrid(ConvOptions{}, input, MakeShape({1, 1, 2, 1}), &s_w, 1, &p),
            KernelStatus::kOk);
  alignas(16) uint8_t scratch[128];
  ASSERT_LE(ConvHybridScratchBytes(input), sizeof(scratch));
  float y[2];
  ConvHybrid(p, input, x, MakeShape({1, 1, 2, 1}), w, bias, MakeShape({1, 1, 1, 1}), scratch, y);
  EXPECT_FLOAT_EQ(y[0], 1.0f * ((1.0f / 127.0f) * 0.5f) + 0.1f);
  // Per-channel: x = [0, 1] → s = 1/255, z = −128, q = [−128, 127].
  // w0 = [1, 1] at 1.0: acc = 0·1 + 255·1 = 255 → 255·1·s ≈ 1; w1 = [2, 0] at 0.5: acc 0 → 0.
  const float x2[2] = {0.0f, 1.0f};
  const int8_t w2[4] = {1, 1, 2, 0};
  const float s_w2[2] = {1.0f, 0.5f};
  const Shape filter2 = MakeShape({2, 1, 2, 1});
  ASSERT_EQ(PrepareConvHybrid(ConvOptions{}, input, filter2, s_w2, 2, &p), KernelStatus::kOk);
  ConvHybrid(p, input, x2, filter2, w2, nullptr, MakeShape({1, 1, 1, 2}), scratch, y);
  EXPECT_FLOAT_EQ(y[0], 255.0f * 1.0f * static_cast<float>(1.0 / 255.0));
  EXPECT_EQ(y[1], 0.0f);
}

TEST(KernelsDepthwiseFloat, MultiplierTwo) {
  // Input 1×1×2×2: pixel0 = [1, 2], pixel1 = [3, 4]; filter 1×1×2×4, oc = ic·2 + m:
  // kx0 = [1, 2, 3, 4], kx1 = [5, 6, 7, 8]. VALID → oc0 = 1·1 + 3·5 = 16, oc1 = 1·2 + 3·6 = 20,
  // oc2 = 2·3 + 4·7 = 34, oc3 = 2·4 + 4·8 = 40.
  const float x[4] = {1, 2, 3, 4};
  const float w[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  ConvOptions o;
  o.depthwise = true;
  EXPECT_EQ(RunConvFloat(o, MakeShape({1, 1, 2, 2}), x, MakeShape({1, 1, 2, 4}), w, nullptr),
            (std::vector<float>{16, 20, 34, 40}));
}

TEST(KernelsDepthwiseFloat, SameWithDilation) {
  // 4×4 input 0…15, 3×3 ones dilated by 2 (span 5), SAME stride 1: pad 2 before.
  // (0,0) taps rows/cols {−2, 0, 2} → 0 + 2 + 8 + 10 = 20; (0,1) cols {−1, 1, 3} → 1+3+9+11 = 24;
  // (1,1) rows/cols {−1, 1, 3} → 5 + 7 + 13 + 15 = 40.
  float x[16];
  for (int i = 0; i < 16; ++i) x[i] = static_cast<float>(i);
  const float w[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  ConvOptions o;
  o.depthwise = true;
  o.padding = Padding::kSame;
  o.dilation_h = o.dilation_w = 2;
  const std::vector<float> y =
      RunConvFloat(o, MakeShape({1, 4, 4, 1}), x, MakeShape({1, 3, 3, 1}), w, nullptr);
  ASSERT_EQ(y.size(), 16u);
  EXPECT_EQ(y[0], 20);
  EXPECT_EQ(y[1], 24);
  EXPECT_EQ(y[5], 40);
  EXPECT_EQ(y[15], 40);  // (3,3) sees rows/cols {1, 3, 5} → the same four taps as (1,1)
}

TEST(KernelsDepthwiseInt8, RequantizesPerChannelWithTies) {
  // The MultiplierTwo case quantized: s_in = 1, z_in = 1 (x = real + 1), s_w = 1, s_out = 2:
  // multiplier 0.5. bias [0, 1, 0, 1] → acc 16, 21, 34, 41 → 8, 10.5 → 11, 17, 20.5 → 21.
  const int8_t x[4] = {2, 3, 4, 5};
  const int8_t w[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  const int32_t bias[4] = {0, 1, 0, 1};
  const float s_w = 1.0f;
  const Shape input = MakeShape({1, 1, 2, 2});
  const Shape filter = MakeShape({1, 1, 2, 4});
  ConvOptions o;
  o.depthwise = true;
  int32_t multipliers[4];
  int8_t shifts[4];
  ConvParams p;
  ASSERT_EQ(PrepareConvInt8(o, input, filter, 1.0f, 1, &s_w, 1, 2.0f, 0, multipliers, shifts, &p),
            KernelStatus::kOk);
  EXPECT_EQ(p.depth_multiplier, 2);
  int8_t y[4];
  DepthwiseConvInt8(p, input, x, filter, w, bias, MakeShape({1, 1, 1, 4}), y);
  EXPECT_EQ(y[0], 8);
  EXPECT_EQ(y[1], 11);
  EXPECT_EQ(y[2], 17);
  EXPECT_EQ(y[3], 21);
}

TEST(KernelsDepthwiseInt16, SixtyFourBitBias) {
  // One channel: as KernelsConvInt16.SixtyFourBitBias → 16384.
  const float s = 1.0f / 1024.0f;
  const int16_t x[1] = {1000};
  const int8_t w[1] = {100};
  const int64_t bias[1] = {int64_t{1} << 39};
  const Shape one = MakeShape({1, 1, 1, 1});
  ConvOptions o;
  o.depthwise = true;
  int32_t multipliers[1];
  int8_t shifts[1];
  ConvParams p;
  ASSERT_EQ(PrepareConvInt16(o, one, one, s, 0, &s, 1, 32.0f, 0, multipliers, shifts, &p),
            KernelStatus::kOk);
  int16_t y[1];
  DepthwiseConvInt16(p, one, x, one, w, bias, one, y);
  EXPECT_EQ(y[0], 16384);
}

}  // namespace
}  // namespace bsb::rt::kernels
