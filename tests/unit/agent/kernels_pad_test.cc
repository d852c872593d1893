// PAD: hand case with a zero-point pad value, and the i16x8_pad golden.
#include "agent/runtime/kernels/pad.h"

#include <gtest/gtest.h>

#include "kernels_golden.h"

namespace bsb::rt::kernels {
namespace {

TEST(KernelsPad, Int8PadsWithTheZeroPoint) {
  // [[1, 2, 3], [4, 5, 6]] padded by rows (1, 0) and columns (2, 1) → 3×6, pad value z = −5.
  const Shape input = MakeShape({2, 3});
  const int8_t x[6] = {1, 2, 3, 4, 5, 6};
  const int32_t paddings[4] = {1, 0, 2, 1};
  PadParams p;
  Shape output;
  ASSERT_EQ(PreparePad(input, paddings, &p, &output), KernelStatus::kOk);
  ASSERT_EQ(output.rank, 2);
  EXPECT_EQ(output.Dim(0), 3);
  EXPECT_EQ(output.Dim(1), 6);
  int8_t y[18];
  PadInt8(p, input, x, -5, output, y);
  const int8_t want[18] = {-5, -5, -5, -5, -5, -5,  //
                           -5, -5, 1,  2,  3,  -5,  //
                           -5, -5, 4,  5,  6,  -5};
  for (int i = 0; i < 18; ++i) EXPECT_EQ(y[i], want[i]) << i;
  const int32_t negative[4] = {0, 0, -1, 0};
  EXPECT_EQ(PreparePad(input, negative, &p, &output), KernelStatus::kBadParams);
}

TEST(KernelsPad, FloatFourDimensions) {
  // 1×1×2×1 [7, 8] padded on H by (1, 1): 1×3×2×1 = [0, 0, 7, 8, 0, 0].
  const Shape input = MakeShape({1, 1, 2, 1});
  const float x[2] = {7, 8};
  const int32_t paddings[8] = {0, 0, 1, 1, 0, 0, 0, 0};
  PadParams p;
  Shape output;
  ASSERT_EQ(PreparePad(input, paddings, &p, &output), KernelStatus::kOk);
  float y[6];
  PadFloat(p, input, x, 0.0f, output, y);
  const float want[6] = {0, 0, 7, 8, 0, 0};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(y[i], want[i]);
}

TEST(KernelsPad, Int16MatchesI16x8PadGolden) {
  // conformance/i16x8_pad: [1, 2, 160, 2] → [1, 2, 166, 2]; z = 0. The W padding (3, 3) is
  // read off the golden itself: each output row starts with 3 zero pixels (6 values).
  const Shape input = MakeShape({1, 2, 160, 2});
  const int32_t paddings[8] = {0, 0, 0, 0, 3, 3, 0, 0};
  PadParams p;
  Shape output;
  ASSERT_EQ(PreparePad(input, paddings, &p, &output), KernelStatus::kOk);
  ASSERT_EQ(output.FlatSize(), 1 * 2 * 166 * 2);
  for (int k = 0; k < 2; ++k) {
    const auto in = testing::ReadGolden("i16x8_pad", "in_" + std::to_string(k) + ".bin");
    const auto out = testing::ReadGolden("i16x8_pad", "out_" + std::to_string(k) + ".bin");
    if (in.empty() || out.empty()) GTEST_SKIP() << "shared conformance set not found: skipped";
    const auto x = testing::AsArray<int16_t>(in, 0, 640);
    const auto want = testing::AsArray<int16_t>(out, 0, 664);
    std::vector<int16_t> y(664);
    PadInt16(p, input, x.data(), 0, output, y.data());
    EXPECT_EQ(y, want) << "record " << k;
  }
}

}  // namespace
}  // namespace bsb::rt::kernels
