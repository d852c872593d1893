// Input quantization and top-1 (agent/linux/input_prep.h): the arithmetic that decides what
// the model sees and which label it predicted.
#include "agent/linux/input_prep.h"

#include <gtest/gtest.h>

namespace bsb::agent {
namespace {

struct TensorFixture {
  explicit TensorFixture(tflite::TensorType type, int32_t elements, float scale = 0, int64_t zero_point = 0)
      : scale_(scale), zero_point_(zero_point) {
    tensor.type = type;
    tensor.shape.rank = 2;
    tensor.shape.dims[0] = 1;
    tensor.shape.dims[1] = elements;
    tensor.data = storage;
    tensor.name = "t";
    if (scale != 0) {
      tensor.quant.scales = &scale_;
      tensor.quant.zero_points = &zero_point_;
      tensor.quant.count = 1;
    }
  }
  float scale_;
  int64_t zero_point_;
  alignas(16) uint8_t storage[64] = {};
  rt::Tensor tensor;
};

TEST(AgentInputPrep, Int8InputIsRoundedOffsetAndClamped) {
  // scale 0.5, zero point -10: q = round(x / 0.5) - 10, x = pixel · 0.01
  TensorFixture f(tflite::TensorType_INT8, 5, 0.5f, -10);
  const uint8_t pixels[] = {0, 25, 75, 255, 200};
  // x = 0, 0.25, 0.75, 2.55, 2.00 → x/0.5 = 0, 0.5, 1.5, 5.1, 4 → round half away: 0, 1, 2, 5, 4
  FillInput(pixels, 5, 0.01, &f.tensor);
  const int8_t* q = f.tensor.As<int8_t>();
  EXPECT_EQ(q[0], -10);
  EXPECT_EQ(q[1], -9);
  EXPECT_EQ(q[2], -8);
  EXPECT_EQ(q[3], -5);
  EXPECT_EQ(q[4], -6);
  // A tiny scale saturates instead of wrapping: 255 / 0.001 ≫ 127.
  TensorFixture g(tflite::TensorType_INT8, 2, 0.001f, 0);
  const uint8_t extremes[] = {255, 0};
  FillInput(extremes, 2, 1.0, &g.tensor);
  EXPECT_EQ(g.tensor.As<int8_t>()[0], 127);
  EXPECT_EQ(g.tensor.As<int8_t>()[1], 0);
}

TEST(AgentInputPrep, Int16AndUint8AndFloatInputs) {
  TensorFixture i16(tflite::TensorType_INT16, 2, 1.0f / 32768, 0);
  const uint8_t pixels[] = {255, 128};
  FillInput(pixels, 2, 1.0 / 255, &i16.tensor);
  EXPECT_EQ(i16.tensor.As<int16_t>()[0], 32767);  // 1.0 · 32768 clamps to the int16 maximum
  EXPECT_EQ(i16.tensor.As<int16_t>()[1], 16448);  // 128/255 · 32768 = 16448.25 → 16448

  TensorFixture u8(tflite::TensorType_UINT8, 2, 2.0f, 128);
  FillInput(pixels, 2, 1.0, &u8.tensor);
  EXPECT_EQ(u8.tensor.As<uint8_t>()[0], 255);  // 127.5 → 128, + 128 = 256 → clamped
  EXPECT_EQ(u8.tensor.As<uint8_t>()[1], 192);  // 64 + 128

  TensorFixture f32(tflite::TensorType_FLOAT32, 2);
  FillInput(pixels, 2, 0.5, &f32.tensor);
  EXPECT_FLOAT_EQ(f32.tensor.As<float>()[0], 127.5f);
  EXPECT_FLOAT_EQ(f32.tensor.As<float>()[1], 64.0f);
}

TEST(AgentInputPrep, Top1TakesTheFirstMaximum) {
  TensorFixture i8(tflite::TensorType_INT8, 4, 0.1f, 0);
  int8_t* v = i8.tensor.As<int8_t>();
  v[0] = -5; v[1] = 7; v[2] = 7; v[3] = -128;
  EXPECT_EQ(Top1(i8.tensor), 1u);
  TensorFixture f(tflite::TensorType_FLOAT32, 3);
  float* x = f.tensor.As<float>();
  x[0] = -1.f; x[1] = -0.5f; x[2] = -2.f;
  EXPECT_EQ(Top1(f.tensor), 1u);
}

TEST(AgentInputPrep, ChecksNameTheMismatch) {
  TensorFixture in(tflite::TensorType_INT8, 10, 0.1f, 0);
  EXPECT_EQ(CheckInputTensor(in.tensor, 10), "");
  const std::string wrong = CheckInputTensor(in.tensor, 784);
  EXPECT_NE(wrong.find("dataset shape mismatch"), std::string::npos) << wrong;
  EXPECT_NE(wrong.find("784"), std::string::npos) << wrong;

  TensorFixture unquantized(tflite::TensorType_INT8, 10);
  EXPECT_NE(CheckInputTensor(unquantized.tensor, 10).find("quantization"), std::string::npos);
  TensorFixture wrong_type(tflite::TensorType_INT32, 10);
  EXPECT_NE(CheckInputTensor(wrong_type.tensor, 10).find("INT32"), std::string::npos);

  TensorFixture out(tflite::TensorType_INT8, 10, 0.1f, 0);
  EXPECT_EQ(CheckOutputTensor(out.tensor, 9), "");
  EXPECT_NE(CheckOutputTensor(out.tensor, 10).find("labels go up to 10"), std::string::npos);
}

}  // namespace
}  // namespace bsb::agent
