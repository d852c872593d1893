// artifacts/quantize on tiny hand-built models: the numbers the spec prescribes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "agent/runtime/model.h"
#include "artifacts/calibrate.h"
#include "artifacts/quantize.h"

namespace bsb::artifacts {
namespace {

using ::testing::HasSubstr;

// input [1,4,4,1] → CONV_2D 3x3 SAME, 2 channels, ReLU → MAX_POOL 2x2 → RESHAPE [1,8]
// → FULLY_CONNECTED 3 → SOFTMAX. Tensor indices are fixed below.
enum : int32_t { kIn, kConvW, kConvB, kConvOut, kPoolOut, kShape, kFlat, kFcW, kFcB, kLogits, kProbs };

Model TinyModel() {
  Model m;
  auto add = [&](const std::string& name, std::vector<int32_t> shape, std::vector<float> data = {}) {
    Tensor t;
    t.name = name, t.shape = std::move(shape);
    if (!data.empty()) SetFloatData(&t, data);
    m.AddTensor(std::move(t));
  };
  std::vector<float> conv_w(2 * 9);
  for (size_t i = 0; i < conv_w.size(); ++i) conv_w[i] = (i < 9 ? 0.1f : -0.4f) * static_cast<float>(int(i % 5) - 2);
  add("in", {1, 4, 4, 1});
  add("conv_w", {2, 3, 3, 1}, conv_w);
  add("conv_b", {2}, {0.05f, -0.02f});
  add("conv_out", {1, 4, 4, 2});
  add("pool_out", {1, 2, 2, 2});
  Tensor shape;
  shape.name = "shape", shape.shape = {2}, shape.type = TensorType::kInt32, shape.data = ToBytes(std::vector<int32_t>{1, 8});
  m.AddTensor(shape);
  add("flat", {1, 8});
  std::vector<float> fc_w(3 * 8);
  for (size_t i = 0; i < fc_w.size(); ++i) fc_w[i] = 0.3f * std::sin(static_cast<float>(i));
  add("fc_w", {3, 8}, fc_w);
  add("fc_b", {3}, {0.1f, 0.0f, -0.1f});
  add("logits", {1, 3});
  add("probs", {1, 3});
  Operator conv{static_cast<int32_t>(Op::kConv2D), 1, {kIn, kConvW, kConvB}, {kConvOut}, {}};
  conv.options.fused_activation = 1;
  Operator pool{static_cast<int32_t>(Op::kMaxPool2D), 1, {kConvOut}, {kPoolOut}, {}};
  pool.options.padding = 1, pool.options.stride_w = pool.options.stride_h = 2;
  pool.options.filter_w = pool.options.filter_h = 2;
  Operator reshape{static_cast<int32_t>(Op::kReshape), 1, {kPoolOut, kShape}, {kFlat}, {}};
  reshape.options.new_shape = {1, 8};
  m.operators = {conv, pool, reshape, Operator{static_cast<int32_t>(Op::kFullyConnected), 1, {kFlat, kFcW, kFcB}, {kLogits}, {}},
                 Operator{static_cast<int32_t>(Op::kSoftmax), 1, {kLogits}, {kProbs}, {}}};
  m.inputs = {kIn};
  m.outputs = {kProbs};
  return m;
}

idx::Images Calibration() {
  idx::Images im;
  im.count = 8, im.rows = 4, im.cols = 4;
  for (uint32_t i = 0; i < 8 * 16; ++i) im.pixels.push_back(static_cast<uint8_t>((i * 37) % 256));
  return im;
}

QuantizeOptions Options(Scheme s, const idx::Images* images) {
  QuantizeOptions o;
  o.scheme = s, o.calibration = images, o.samples = 8;
  return o;
}

template <typename T>
std::vector<T> Values(const Tensor& t) {
  std::vector<T> v(t.data.size() / sizeof(T));
  std::memcpy(v.data(), t.data.data(), t.data.size());
  return v;
}

TEST(Quantize, Int8ActivationParamsFollowCalibration) {
  const auto images = Calibration();
  const Model f = TinyModel();
  auto ranges = Calibrate(f, images, 8, 1.0f / 255.0f, 0.0f);
  ASSERT_TRUE(ranges.ok()) << ranges.error().message;
  auto q = Quantize(f, Options(Scheme::kInt8, &images));
  ASSERT_TRUE(q.ok()) << q.error().message;
  for (int32_t t : {kConvOut, kLogits}) {
    const TensorRange r = (*ranges)[t];
    const float lo = std::min(r.min, 0.0f), hi = std::max(r.max, 0.0f);
    const float s = (hi - lo) / 255.0f;
    EXPECT_EQ(q->tensors[t].type, TensorType::kInt8);
    EXPECT_FLOAT_EQ(q->tensors[t].quant.scale[0], s) << t;
    EXPECT_EQ(q->tensors[t].quant.zero_point[0], std::clamp<int64_t>(std::lround(-128.0f - lo / s), -128, 127)) << t;
  }
  // ReLU output is ≥ 0, so min widens to 0 and z = -128.
  EXPECT_EQ(q->tensors[kConvOut].quant.zero_point[0], -128);
  // Pass-through: pool and reshape keep their input's parameters.
  EXPECT_EQ(q->tensors[kPoolOut].quant.scale, q->tensors[kConvOut].quant.scale);
  EXPECT_EQ(q->tensors[kFlat].quant.zero_point, q->tensors[kConvOut].quant.zero_point);
  // Fixed: softmax output (1/256, -128).
  EXPECT_FLOAT_EQ(q->tensors[kProbs].quant.scale[0], 1.0f / 256.0f);
  EXPECT_EQ(q->tensors[kProbs].quant.zero_point[0], -128);
}

TEST(Quantize, ConvWeightsPerChannelFcPerTensorBiasScale) {
  const auto images = Calibration();
  const Model f = TinyModel();
  auto q = Quantize(f, Options(Scheme::kInt8, &images));
  ASSERT_TRUE(q.ok());
  const Tensor& w = q->tensors[kConvW];
  EXPECT_EQ(w.type, TensorType::kInt8);
  ASSERT_EQ(w.quant.scale.size(), 2u);  // one per output channel
  EXPECT_EQ(w.quant.quantized_dimension, 0);
  // Channel 0 holds 0.1*{-2..2}: max 0.2; channel 1 holds -0.4*{-2..2}: max 0.8.
  EXPECT_FLOAT_EQ(w.quant.scale[0], 0.2f / 127.0f);
  EXPECT_FLOAT_EQ(w.quant.scale[1], 0.8f / 127.0f);
  const auto wq = Values<int8_t>(w);
  EXPECT_EQ(*std::max_element(wq.begin(), wq.begin() + 9), 127);
  EXPECT_EQ(*std::min_element(wq.begin() + 9, wq.end()), -127);
  // Bias: int32, scale s_in * s_w[c], value round(b / scale).
  const Tensor& b = q->tensors[kConvB];
  EXPECT_EQ(b.type, TensorType::kInt32);
  const float s_in = q->tensors[kIn].quant.scale[0];
  EXPECT_FLOAT_EQ(b.quant.scale[1], s_in * w.quant.scale[1]);
  EXPECT_EQ(Values<int32_t>(b)[0], std::lround(0.05f / (s_in * w.quant.scale[0])));
  // FULLY_CONNECTED: per-tensor.
  EXPECT_EQ(q->tensors[kFcW].quant.scale.size(), 1u);
  EXPECT_EQ(q->tensors[kFcB].quant.scale.size(), 3u);
}

TEST(Quantize, Int8FloatIoWrapsWithQuantizeDequantize) {
  const auto images = Calibration();
  auto q = Quantize(TinyModel(), Options(Scheme::kInt8, &images));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->operators.front().op, static_cast<int32_t>(Op::kQuantize));
  EXPECT_EQ(q->operators.back().op, static_cast<int32_t>(Op::kDequantize));
  EXPECT_EQ(q->tensors[q->inputs[0]].type, TensorType::kFloat32);
  EXPECT_EQ(q->tensors[q->outputs[0]].type, TensorType::kFloat32);
  auto only = Quantize(TinyModel(), Options(Scheme::kInt8Only, &images));
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only->operators.size(), 5u);
  EXPECT_EQ(only->tensors[only->inputs[0]].type, TensorType::kInt8);
  EXPECT_EQ(only->tensors[only->outputs[0]].type, TensorType::kInt8);
}

TEST(Quantize, Int16x8IsSymmetricWithInt64Bias) {
  const auto images = Calibration();
  auto q = Quantize(TinyModel(), Options(Scheme::kInt16x8Only, &images));
  ASSERT_TRUE(q.ok()) << q.error().message;
  for (int32_t t : {kIn, kConvOut, kPoolOut, kFlat, kLogits, kProbs}) {
    EXPECT_EQ(q->tensors[t].type, TensorType::kInt16) << t;
    EXPECT_EQ(q->tensors[t].quant.zero_point[0], 0) << t;
  }
  EXPECT_FLOAT_EQ(q->tensors[kProbs].quant.scale[0], 1.0f / 32768.0f);
  EXPECT_EQ(q->tensors[kConvW].type, TensorType::kInt8);
  EXPECT_EQ(q->tensors[kConvB].type, TensorType::kInt64);
  // Input range [0, 1] (pixels/255, max pixel 255 occurs): s = 1/32767.
  EXPECT_FLOAT_EQ(q->tensors[kIn].quant.scale[0], 1.0f / 32767.0f);
}

TEST(Quantize, Float16StoresHalfWeightsBehindDequantize) {
  auto q = Quantize(TinyModel(), Options(Scheme::kFloat16, nullptr));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->tensors[kConvW].type, TensorType::kFloat16);
  EXPECT_EQ(q->tensors[kFcB].type, TensorType::kFloat16);
  size_t dequantize = 0;
  for (const Operator& op : q->operators) dequantize += op.op == static_cast<int32_t>(Op::kDequantize);
  EXPECT_EQ(dequantize, 4u);  // conv w, conv b, fc w, fc b
  EXPECT_EQ(FloatToHalf(1.0f), 0x3c00);
  EXPECT_EQ(FloatToHalf(-2.0f), 0xc000);
  EXPECT_EQ(FloatToHalf(65504.0f), 0x7bff);   // largest half
  EXPECT_EQ(FloatToHalf(70000.0f), 0x7c00);   // overflow → inf
  EXPECT_EQ(FloatToHalf(0.1f), 0x2e66);
  EXPECT_EQ(FloatToHalf(5.960464477539063e-08f), 0x0001);  // smallest subnormal 2^-24
  EXPECT_EQ(FloatToHalf(1.0f + 1.0f / 2048.0f), 0x3c00);   // tie → even
}

TEST(Quantize, DynamicQuantizesOnlyLargeWeights) {
  Model m = TinyModel();
  auto q = Quantize(m, Options(Scheme::kDynamic, nullptr));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->tensors[kFcW].type, TensorType::kFloat32);  // 24 < 1024 elements
  // Widen the FC to 8 → 128: 1024 weights, the threshold, so they become int8 per-tensor.
  m.tensors[kFcW].shape = {128, 8};
  SetFloatData(&m.tensors[kFcW], std::vector<float>(1024, 0.25f));
  m.tensors[kFcB].shape = {128};
  SetFloatData(&m.tensors[kFcB], std::vector<float>(128, 0.0f));
  q = Quantize(m, Options(Scheme::kDynamic, nullptr));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->tensors[kFcW].type, TensorType::kInt8);
  EXPECT_FLOAT_EQ(q->tensors[kFcW].quant.scale[0], 0.25f / 127.0f);
  EXPECT_EQ(q->tensors[kFcB].type, TensorType::kFloat32);
  EXPECT_EQ(q->tensors[kLogits].type, TensorType::kFloat32);
}

TEST(Quantize, UnsupportedOpIsNamed) {
  const auto images = Calibration();
  Model m = TinyModel();
  m.operators[1].op = 0;  // ADD
  auto q = Quantize(m, Options(Scheme::kInt8, &images));
  ASSERT_FALSE(q.ok());
  EXPECT_THAT(q.error().message, HasSubstr("operator 1 (ADD)"));
}

TEST(Quantize, OutputsLoadInTheRuntime) {
  const auto images = Calibration();
  for (Scheme s : {Scheme::kFloat16, Scheme::kDynamic, Scheme::kInt8, Scheme::kInt8Only, Scheme::kInt16x8,
                   Scheme::kInt16x8Only}) {
    auto q = Quantize(TinyModel(), Options(s, &images));
    ASSERT_TRUE(q.ok()) << SchemeName(s);
    const auto bytes = Serialize(*q);
    std::vector<uint8_t> aligned(bytes.size() + 16);
    auto* base = reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(aligned.data()) + 15) & ~uintptr_t{15});
    std::copy(bytes.begin(), bytes.end(), base);
    rt::Model loaded;
    EXPECT_EQ(rt::LoadModel(base, bytes.size(), &loaded, nullptr), rt::Status::kOk) << SchemeName(s);
    auto back = Parse(bytes, SchemeName(s));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(Serialize(*back), bytes);
  }
  auto bad = ParseScheme("int4");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error().message, HasSubstr("int8-only"));
  // The runtime's "matches no scheme" is not a name one can ask for, nor a target to quantize to.
  EXPECT_FALSE(ParseScheme("unknown").ok());
  QuantizeOptions unknown;
  unknown.scheme = Scheme::kUnknown;
  auto refused = Quantize(TinyModel(), unknown);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.error().message, HasSubstr("scheme unknown"));
}

}  // namespace
}  // namespace bsb::artifacts
