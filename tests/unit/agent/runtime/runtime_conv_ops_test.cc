// The rt-conv operator glue of agent/runtime/ops on one-operator models with hand-computed outputs:
// MEAN (float and quantized, several axis sets), MAX_POOL_2D and AVERAGE_POOL_2D, PAD with the
// zero point, hybrid CONV_2D and DEPTHWISE_CONV_2D, and Prepare's errors naming the operator.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "agent/runtime/hosted_interpreter.h"
#include "agent/runtime/model.h"
#include "tests/unit/agent/tflite_test_model.h"

namespace bsb::rt {
namespace {

using testing::AlignedCopy;
using testing::BuildModel;
using testing::Bytes;
using testing::ModelSpec;
using testing::TensorSpec;

// One prepared model; status()/message() tell why Prepare failed.
class Prepared {
 public:
  explicit Prepared(const ModelSpec& spec) : copy_(BuildModel(spec)) {
    status_ = LoadModel(copy_.data(), copy_.size(), &model_, &err_);
    if (status_ == Status::kOk) status_ = hosted_.Prepare(model_, &err_);
  }
  Status status() const { return status_; }
  std::string message() const { return err_.message(); }
  Interpreter& interp() { return hosted_.interpreter(); }

  template <typename T>
  std::vector<T> Run(const std::vector<T>& input) {
    Tensor* in = interp().input(0);
    EXPECT_EQ(in->bytes, input.size() * sizeof(T));
    std::memcpy(in->data, input.data(), in->bytes);
    EXPECT_EQ(interp().Invoke(), Status::kOk) << message();
    const Tensor* out = interp().output(0);
    std::vector<T> result(out->bytes / sizeof(T));
    std::memcpy(result.data(), out->data, out->bytes);
    return result;
  }

 private:
  AlignedCopy copy_;
  Model model_;
  ErrorReporter err_;
  HostedInterpreter hosted_;
  Status status_ = Status::kOk;
};

TensorSpec Activation(std::vector<int32_t> shape, tflite::TensorType type, float scale = 0.0f, int64_t zero_point = 0) {
  TensorSpec t{std::move(shape), type};
  if (scale > 0.0f) {
    t.scales = {scale};
    t.zero_points = {zero_point};
  }
  return t;
}

TensorSpec Int32Constant(std::vector<int32_t> shape, const std::vector<int32_t>& values) {
  TensorSpec t{std::move(shape), tflite::TensorType_INT32};
  t.data = Bytes(values);
  return t;
}

flatbuffers::Offset<void> KeepDims(flatbuffers::FlatBufferBuilder& fbb) { return tflite::CreateReducerOptions(fbb, true).Union(); }
flatbuffers::Offset<void> DropDims(flatbuffers::FlatBufferBuilder& fbb) { return tflite::CreateReducerOptions(fbb, false).Union(); }

ModelSpec MeanSpec(TensorSpec input, std::vector<int32_t> axes, TensorSpec output, bool keep_dims) {
  ModelSpec spec;
  const int32_t n = static_cast<int32_t>(axes.size());
  spec.tensors = {std::move(input), Int32Constant({n}, axes), std::move(output)};
  spec.ops = {{tflite::BuiltinOperator_MEAN, {0, 1}, {2}, tflite::BuiltinOptions_ReducerOptions, keep_dims ? KeepDims : DropDims}};
  spec.inputs = {0};
  spec.outputs = {2};
  return spec;
}

TEST(RuntimeOpsMean, FloatSpatialAxesKeepDims) {
  Prepared p(MeanSpec(Activation({1, 2, 2, 3}, tflite::TensorType_FLOAT32), {1, 2}, Activation({1, 1, 1, 3}, tflite::TensorType_FLOAT32),
                      true));
  ASSERT_EQ(p.status(), Status::kOk) << p.message();
  const auto y = p.Run<float>({1, 10, -1, 2, 20, -2, 3, 30, -3, 4, 40, -4});
  EXPECT_EQ(y, (std::vector<float>{2.5f, 25.0f, -2.5f}));
}

TEST(RuntimeOpsMean, FloatNegativeAndRepeatedAxisWithoutKeepDims) {
  // Axis −1 given twice = the last axis once: [2, 3] → [2].
  Prepared p(MeanSpec(Activation({2, 3}, tflite::TensorType_FLOAT32), {-1, 1}, Activation({2}, tflite::TensorType_FLOAT32), false));
  ASSERT_EQ(p.status(), Status::kOk) << p.message();
  EXPECT_EQ(p.Run<float>({1, 2, 6, -3, 0, 0}), (std::vector<float>{3.0f, -1.0f}));
}

TEST(RuntimeOpsMean, FloatOuterAxisKeepsInnerOrder) {
  // [2, 2, 2] over axis 0 → [1, 2, 2] (keep_dims).
  Prepared p(MeanSpec(Activation({2, 2, 2}, tflite::TensorType_FLOAT32), {0}, Activation({1, 2, 2}, tflite::TensorType_FLOAT32), true));
  ASSERT_EQ(p.status(), Status::kOk) << p.message();
  EXPECT_EQ(p.Run<float>({0, 1, 2, 3, 10, 11, 12, 13}), (std::vector<float>{5, 6, 7, 8}));
}

TEST(RuntimeOpsMean, Int8RequantizesInFloatAndRoundsHalfAway) {
  // s_in 0.5, z_in −1; s_out 0.25, z_out 3. x = {1, 2, 3, 5}: S = 11, mean 2.75;
  // 2.75·2 + (1·2) = 7.5 → 8 (half away from zero), + 3 = 11.
  Prepared p(MeanSpec(Activation({1, 2, 2, 1}, tflite::TensorType_INT8, 0.5f, -1), {1, 2},
                      Activation({1, 1}, tflite::TensorType_INT8, 0.25f, 3), false));
  ASSERT_EQ(p.status(), Status::kOk) << p.message();
  EXPECT_EQ(p.Run<int8_t>({1, 2, 3, 5}), (std::vector<int8_t>{11}));
  // Saturates: real mean 0.5·(100+1) = 50.5 → 202 + 3 > 127.
  EXPECT_EQ(p.Run<int8_t>({100, 100, 100, 100}), (std::vector<int8_t>{127}));
  // −2.5 rounds to −3: x = {−2, −3, −3, −3} → S = −11, mean −2.75, ·2 + 2 = −3.5 → −4, + 3 = −1.
  EXPECT_EQ(p.Run<int8_t>({-2, -3, -3, -3}), (std::vector<int8_t>{-1}));
}

TEST(RuntimeOpsMean, Int16SameScale) {
  Prepared p(MeanSpec(Activation({1, 1, 3, 2}, tflite::TensorType_INT16, 0.001f, 0), {2},
                      Activation({1, 1, 1, 2}, tflite::TensorType_INT16, 0.001f, 0), true));
  ASSERT_EQ(p.status(), Status::kOk) << p.message();
  // Channel 0: (30000 + 30000 + 30001)/3 = 30000.33 → 30000; channel 1: −5/3 = −1.67 → −2.
  EXPECT_EQ(p.Run<int16_t>({30000, -1, 30000, -2, 30001, -2}), (std::vector<int16_t>{30000, -2}));
}

TEST(RuntimeOpsMean, ErrorsNameTheOperatorAndTheProblem) {
  Prepared bad_axis(
      MeanSpec(Activation({1, 2, 2, 1}, tflite::TensorType_FLOAT32), {4}, Activation({1, 2, 2, 1}, tflite::TensorType_FLOAT32), true));
  EXPECT_EQ(bad_axis.status(), Status::kMalformedModel);
  EXPECT_NE(bad_axis.message().find("operator 0 (MEAN): axis 4 is out of range"), std::string::npos) << bad_axis.message();
  Prepared bad_shape(
      MeanSpec(Activation({1, 2, 2, 1}, tflite::TensorType_FLOAT32), {1, 2}, Activation({1, 1, 1, 1}, tflite::TensorType_FLOAT32), false));
  EXPECT_EQ(bad_shape.status(), Status::kMalformedModel);
  EXPECT_NE(bad_shape.message().find("keep_dims=false"), std::string::npos) << bad_shape.message();
}

template <int kFilter, int kStride, tflite::Padding kPadding>
flatbuffers::Offset<void> PoolOptions(flatbuffers::FlatBufferBuilder& fbb) {
  return tflite::CreatePool2DOptions(fbb, kPadding, kStride, kStride, kFilter, kFilter).Union();
}

TEST(RuntimeOpsPool, MaxPoolInt8Valid) {
  ModelSpec spec;
  spec.tensors = {Activation({1, 2, 4, 1}, tflite::TensorType_INT8, 0.1f, -3), Activation({1, 1, 2, 1}, tflite::TensorType_INT8, 0.1f, -3)};
  spec.ops = {{tflite::BuiltinOperator_MAX_POOL_2D, {0}, {1}, tflite::BuiltinOptions_Pool2DOptions, PoolOptions<2, 2, tflite::Padding_VALID>}};
  spec.inputs = {0};
  spec.outputs = {1};
  Prepared p(spec);
  ASSERT_EQ(p.status(), Status::kOk) << p.message();
  EXPECT_EQ(p.Run<int8_t>({-128, 5, 7, -9, 4, -1, 100, 0}), (std::vector<int8_t>{5, 100}));
}

TEST(RuntimeOpsPool, AveragePoolFloatSameClipsTheWindow) {
  ModelSpec spec;
  spec.tensors = {Activation({1, 2, 2, 1}, tflite::TensorType_FLOAT32), Activation({1, 2, 2, 1}, tflite::TensorType_FLOAT32)};
  spec.ops = {{tflite::BuiltinOperator_AVERAGE_POOL_2D, {0}, {1}, tflite::BuiltinOptions_Pool2DOptions, PoolOptions<2, 1, tflite::Padding_SAME>}};
  spec.inputs = {0};
  spec.outputs = {1};
  Prepared p(spec);
  ASSERT_EQ(p.status(), Status::kOk) << p.message();
  // SAME with a 2×2 window, stride 1: padding goes after, so output (y, x) averages rows y..1, cols x..1.
  EXPECT_EQ(p.Run<float>({1, 2, 3, 6}), (std::vector<float>{3, 4, 4.5f, 6}));
}

TEST(RuntimeOpsPool, QuantizedOutputMustKeepTheInputScale) {
  ModelSpec spec;
  spec.tensors = {Activation({1, 2, 2, 1}, tflite::TensorType_INT8, 0.1f, 0), Activation({1, 1, 1, 1}, tflite::TensorType_INT8, 0.2f, 0)};
  spec.ops = {{tflite::BuiltinOperator_MAX_POOL_2D, {0}, {1}, tflite::BuiltinOptions_Pool2DOptions, PoolOptions<2, 2, tflite::Padding_VALID>}};
  spec.inputs = {0};
  spec.outputs = {1};
  Prepared p(spec);
  EXPECT_EQ(p.status(), Status::kUnsupported);
  EXPECT_NE(p.message().find("operator 0 (MAX_POOL_2D): output quantization"), std::string::npos) << p.message();
}

TEST(RuntimeOpsPad, Int8PadsWithTheZeroPoint) {
  ModelSpec spec;
  spec.tensors = {Activation({1, 2}, tflite::TensorType_INT8, 0.5f, -5), Int32Constant({2, 2}, {0, 0, 1, 2}),
                  Activation({1, 5}, tflite::TensorType_INT8, 0.5f, -5)};
  spec.ops = {{tflite::BuiltinOperator_PAD, {0, 1}, {2}}};
  spec.inputs = {0};
  spec.outputs = {2};
  Prepared p(spec);
  ASSERT_EQ(p.status(), Status::kOk) << p.message();
  EXPECT_EQ(p.Run<int8_t>({7, -8}), (std::vector<int8_t>{-5, 7, -8, -5, -5}));
}

TEST(RuntimeOpsPad, FloatPadsWithZeroAndChecksTheOutputShape) {
  ModelSpec spec;
  spec.tensors = {Activation({2, 1}, tflite::TensorType_FLOAT32), Int32Constant({2, 2}, {1, 0, 0, 1}), Activation({3, 2}, tflite::TensorType_FLOAT32)};
  spec.ops = {{tflite::BuiltinOperator_PAD, {0, 1}, {2}}};
  spec.inputs = {0};
  spec.outputs = {2};
  Prepared p(spec);
  ASSERT_EQ(p.status(), Status::kOk) << p.message();
  EXPECT_EQ(p.Run<float>({1.5f, -2}), (std::vector<float>{0, 0, 1.5f, 0, -2, 0}));

  spec.tensors[2] = Activation({3, 3}, tflite::TensorType_FLOAT32);
  Prepared wrong(spec);
  EXPECT_EQ(wrong.status(), Status::kMalformedModel);
  EXPECT_NE(wrong.message().find("operator 0 (PAD): output shape differs"), std::string::npos) << wrong.message();
}

TEST(RuntimeOpsPad, NonConstantPaddingsAreRefused) {
  ModelSpec spec;
  spec.tensors = {Activation({2}, tflite::TensorType_FLOAT32), Activation({1, 2}, tflite::TensorType_INT32), Activation({4}, tflite::TensorType_FLOAT32)};
  spec.ops = {{tflite::BuiltinOperator_PAD, {0, 1}, {2}}};
  spec.inputs = {0, 1};
  spec.outputs = {2};
  Prepared p(spec);
  EXPECT_EQ(p.status(), Status::kUnsupported);
  EXPECT_NE(p.message().find("paddings are not a constant tensor"), std::string::npos) << p.message();
}

flatbuffers::Offset<void> ConvValid(flatbuffers::FlatBufferBuilder& fbb) {
  return tflite::CreateConv2DOptions(fbb, tflite::Padding_VALID, 1, 1).Union();
}

flatbuffers::Offset<void> DepthwiseValid(flatbuffers::FlatBufferBuilder& fbb) {
  return tflite::CreateDepthwiseConv2DOptions(fbb, tflite::Padding_VALID, 1, 1, 1).Union();
}

TensorSpec Int8Filter(std::vector<int32_t> shape, const std::vector<int8_t>& values, float scale) {
  TensorSpec t{std::move(shape), tflite::TensorType_INT8};
  t.data = Bytes(values);
  t.scales = {scale};
  t.zero_points = {0};
  return t;
}

TEST(RuntimeOpsConv, HybridQuantizesTheInputSymmetricallyPerBatch) {
  // x = {1, −0.5}: r = 1, q = {127, round(−63.5) = −64}, s_b = 1/127. w = {127, −64}·0.01.
  // acc = 127·127 + 64·64 = 20225; y = acc·(s_b·s_w) + bias.
  ModelSpec spec;
  TensorSpec bias{{1}, tflite::TensorType_FLOAT32};
  bias.data = Bytes(std::vector<float>{0.25f});
  spec.tensors = {Activation({1, 1, 1, 2}, tflite::TensorType_FLOAT32), Int8Filter({1, 1, 1, 2}, {127, -64}, 0.01f), bias,
                  Activation({1, 1, 1, 1}, tflite::TensorType_FLOAT32)};
  spec.ops = {{tflite::BuiltinOperator_CONV_2D, {0, 1, 2}, {3}, tflite::BuiltinOptions_Conv2DOptions, ConvValid}};
  spec.inputs = {0};
  spec.outputs = {3};
  Prepared p(spec);
  ASSERT_EQ(p.status(), Status::kOk) << p.message();
  const float expected = 20225.0f * ((1.0f / 127.0f) * 0.01f) + 0.25f;
  const auto y = p.Run<float>({1.0f, -0.5f});
  ASSERT_EQ(y.size(), 1u);
  EXPECT_FLOAT_EQ(y[0], expected);
  EXPECT_NEAR(y[0], 1.27f + 0.32f + 0.25f, 0.01f);  // the float convolution it approximates
}

TEST(RuntimeOpsConv, OutputShapeMustMatchTheGeometry) {
  ModelSpec spec;
  TensorSpec filter{{1, 1, 1, 1}, tflite::TensorType_FLOAT32};
  filter.data = Bytes(std::vector<float>{2.0f});
  spec.tensors = {Activation({1, 3, 3, 1}, tflite::TensorType_FLOAT32), filter, Activation({1, 2, 3, 1}, tflite::TensorType_FLOAT32)};
  spec.ops = {{tflite::BuiltinOperator_CONV_2D, {0, 1}, {2}, tflite::BuiltinOptions_Conv2DOptions, ConvValid}};
  spec.inputs = {0};
  spec.outputs = {2};
  Prepared p(spec);
  EXPECT_EQ(p.status(), Status::kMalformedModel);
  EXPECT_NE(p.message().find("operator 0 (CONV_2D): output shape [1, 2, 3, 1] differs from the computed [1, 3, 3, 1]"), std::string::npos)
      << p.message();
}

TEST(RuntimeOpsConv, AsymmetricInt8FilterIsRefused) {
  ModelSpec spec;
  TensorSpec filter = Int8Filter({1, 1, 1, 1}, {3}, 0.5f);
  filter.zero_points = {2};
  spec.tensors = {Activation({1, 1, 1, 1}, tflite::TensorType_INT8, 0.5f, 0), filter, Activation({1, 1, 1, 1}, tflite::TensorType_INT8, 0.5f, 0)};
  spec.ops = {{tflite::BuiltinOperator_CONV_2D, {0, 1}, {2}, tflite::BuiltinOptions_Conv2DOptions, ConvValid}};
  spec.inputs = {0};
  spec.outputs = {2};
  Prepared p(spec);
  EXPECT_EQ(p.status(), Status::kUnsupported);
  EXPECT_NE(p.message().find("filter zero point 2"), std::string::npos) << p.message();
}

TEST(RuntimeOpsDepthwise, Int8MultiplierTwoAndTheOptionIsChecked) {
  // Input [1,1,1,1] x = 3 (s 1, z 0); filter [1,1,1,2] {2, −1} (s 1): outputs 6, −3 (s 1, z 0).
  ModelSpec spec;
  spec.tensors = {Activation({1, 1, 1, 1}, tflite::TensorType_INT8, 1.0f, 0), Int8Filter({1, 1, 1, 2}, {2, -1}, 1.0f),
                  Activation({1, 1, 1, 2}, tflite::TensorType_INT8, 1.0f, 0)};
  spec.ops = {{tflite::BuiltinOperator_DEPTHWISE_CONV_2D, {0, 1}, {2}, tflite::BuiltinOptions_DepthwiseConv2DOptions, DepthwiseValid}};
  spec.inputs = {0};
  spec.outputs = {2};
  {
    // The option says depth_multiplier 1; the filter says 2: a contradiction is reported.
    Prepared p(spec);
    EXPECT_EQ(p.status(), Status::kMalformedModel);
    EXPECT_NE(p.message().find("depth_multiplier option 1 contradicts the filter"), std::string::npos) << p.message();
  }
  spec.ops[0].options = [](flatbuffers::FlatBufferBuilder& fbb) {
    return tflite::CreateDepthwiseConv2DOptions(fbb, tflite::Padding_VALID, 1, 1, 2).Union();
  };
  Prepared p(spec);
  ASSERT_EQ(p.status(), Status::kOk) << p.message();
  EXPECT_EQ(p.Run<int8_t>({3}), (std::vector<int8_t>{6, -3}));
}

TEST(RuntimeOpsDepthwise, HybridQuantizesTheInputAsymmetricallyPerBatch) {
  // x = {1, −0.5}: rmin −0.5, rmax 1, s_b = 1.5/255, z_b = −43, q = {127, −128}.
  // Filter {100, −50} with per-channel scales {0.01, 0.02}:
  // y0 = 100·(127+43)·(0.01·s_b) = 1.0, y1 = −50·(−128+43)·(0.02·s_b) = 0.5 (the float results).
  ModelSpec spec;
  TensorSpec filter = Int8Filter({1, 1, 1, 2}, {100, -50}, 0.01f);
  filter.scales = {0.01f, 0.02f};
  filter.zero_points = {0, 0};
  filter.quantized_dimension = 3;
  spec.tensors = {Activation({1, 1, 1, 2}, tflite::TensorType_FLOAT32), filter, Activation({1, 1, 1, 2}, tflite::TensorType_FLOAT32)};
  spec.ops = {{tflite::BuiltinOperator_DEPTHWISE_CONV_2D, {0, 1}, {2}, tflite::BuiltinOptions_DepthwiseConv2DOptions, DepthwiseValid}};
  spec.inputs = {0};
  spec.outputs = {2};
  Prepared p(spec);
  ASSERT_EQ(p.status(), Status::kOk) << p.message();
  const float s_b = static_cast<float>(1.5 / 255.0);
  const auto y = p.Run<float>({1.0f, -0.5f});
  ASSERT_EQ(y.size(), 2u);
  EXPECT_FLOAT_EQ(y[0], 17000.0f * (0.01f * s_b));
  EXPECT_FLOAT_EQ(y[1], 4250.0f * (0.02f * s_b));
  EXPECT_NEAR(y[0], 1.0f, 1e-5f);
  EXPECT_NEAR(y[1], 0.5f, 1e-5f);

  // Per-channel scales along another dimension (here the filter's height, also 2 long, so the
  // loader accepts them) are refused with the dimension named.
  TensorSpec tall = Int8Filter({1, 2, 1, 2}, {1, 2, 3, 4}, 0.01f);
  tall.scales = {0.01f, 0.02f};
  tall.zero_points = {0, 0};
  tall.quantized_dimension = 1;
  spec.tensors = {Activation({1, 2, 1, 2}, tflite::TensorType_FLOAT32), tall, Activation({1, 1, 1, 2}, tflite::TensorType_FLOAT32)};
  Prepared wrong_axis(spec);
  EXPECT_EQ(wrong_axis.status(), Status::kUnsupported);
  EXPECT_NE(wrong_axis.message().find("quantized along dimension 1; only 3 is supported"), std::string::npos) << wrong_axis.message();
}

}  // namespace
}  // namespace bsb::rt
