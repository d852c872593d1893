// The ops layer through the interpreter: tiny hand-built models for SOFTMAX, QUANTIZE,
// DEQUANTIZE, ADD, MUL, RELU, RELU6, LOGISTIC, TANH, HARD_SWISH and CONCATENATION, with
// hand-computed outputs, and the Prepare errors for what the runtime refuses.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "agent/runtime/hosted_interpreter.h"
#include "agent/runtime/model.h"
#include "tests/unit/agent/tflite_test_model.h"

namespace bsb::rt::testing {
namespace {

using tflite::TensorType_FLOAT16;
using tflite::TensorType_FLOAT32;
using tflite::TensorType_INT16;
using tflite::TensorType_INT32;
using tflite::TensorType_INT8;

// A model held with its interpreter; status() and message() tell why Prepare failed.
class Runner {
 public:
  explicit Runner(const ModelSpec& spec) : copy_(BuildModel(spec)) {
    status_ = LoadModel(copy_.data(), copy_.size(), &model_, &err_);
    if (status_ == Status::kOk) status_ = hosted_.Prepare(model_, &err_);
  }
  Status status() const { return status_; }
  std::string message() const { return err_.message(); }
  Interpreter& interp() { return hosted_.interpreter(); }

  template <typename T>
  void SetInput(int i, const std::vector<T>& values) {
    ASSERT_EQ(interp().input(i)->bytes, values.size() * sizeof(T));
    std::memcpy(interp().input(i)->data, values.data(), interp().input(i)->bytes);
  }
  template <typename T>
  std::vector<T> Output(int i = 0) {
    const Tensor* t = interp().output(i);
    std::vector<T> out(t->bytes / sizeof(T));
    std::memcpy(out.data(), t->data, t->bytes);
    return out;
  }
  // Runs once; empty vector (and a test failure) when Invoke fails.
  template <typename T, typename In>
  std::vector<T> Run(const std::vector<In>& input) {
    SetInput(0, input);
    EXPECT_EQ(interp().Invoke(), Status::kOk) << message();
    return Output<T>();
  }

 private:
  AlignedCopy copy_;
  Model model_;
  ErrorReporter err_;
  HostedInterpreter hosted_;
  Status status_ = Status::kOk;
};

TensorSpec Act(std::vector<int32_t> shape, tflite::TensorType type, float scale = 0.0f, int64_t zero_point = 0) {
  TensorSpec t;
  t.shape = std::move(shape);
  t.type = type;
  if (scale > 0.0f) {
    t.scales = {scale};
    t.zero_points = {zero_point};
  }
  return t;
}

// One operator from tensor 0 (and 1 for binary ops) to the last tensor.
ModelSpec Single(int32_t op, std::vector<TensorSpec> tensors, tflite::BuiltinOptions options_type = tflite::BuiltinOptions_NONE,
                 flatbuffers::Offset<void> (*options)(flatbuffers::FlatBufferBuilder&) = nullptr) {
  ModelSpec spec;
  const int32_t out = static_cast<int32_t>(tensors.size()) - 1;
  OpSpec o;
  o.builtin_code = op;
  for (int32_t i = 0; i < out; ++i) o.inputs.push_back(i);
  o.outputs = {out};
  o.options_type = options_type;
  o.options = options;
  spec.tensors = std::move(tensors);
  spec.ops = {o};
  for (int32_t i = 0; i < out; ++i) {
    if (spec.tensors[i].data.empty()) spec.inputs.push_back(i);
  }
  spec.outputs = {out};
  return spec;
}

// ---- SOFTMAX ----

TEST(RuntimeOpsSoftmax, FloatWithBeta) {
  Runner r(Single(tflite::BuiltinOperator_SOFTMAX, {Act({2, 3}, TensorType_FLOAT32), Act({2, 3}, TensorType_FLOAT32)},
                  tflite::BuiltinOptions_SoftmaxOptions,
                  [](flatbuffers::FlatBufferBuilder& b) { return tflite::CreateSoftmaxOptions(b, 0.5f).Union(); }));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  const auto y = r.Run<float>(std::vector<float>{1, 2, 3, 0, 0, 0});
  const double z = std::exp(-1.0) + std::exp(-0.5) + 1.0;
  EXPECT_NEAR(y[0], std::exp(-1.0) / z, 1e-6);
  EXPECT_NEAR(y[1], std::exp(-0.5) / z, 1e-6);
  EXPECT_NEAR(y[2], 1.0 / z, 1e-6);
  for (int i = 3; i < 6; ++i) EXPECT_NEAR(y[i], 1.0 / 3.0, 1e-6);  // each row on its own
}

TEST(RuntimeOpsSoftmax, Int8EqualInputsGiveAQuarterEach) {
  Runner r(Single(tflite::BuiltinOperator_SOFTMAX,
                  {Act({1, 4}, TensorType_INT8, 0.1f, 0), Act({1, 4}, TensorType_INT8, 1.0f / 256.0f, -128)}));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  EXPECT_EQ(r.Run<int8_t>(std::vector<int8_t>{5, 5, 5, 5}), (std::vector<int8_t>{-64, -64, -64, -64}));
  // One element 127 − (−128) = 255 steps of 0.1 above the rest: it takes everything.
  EXPECT_EQ(r.Run<int8_t>(std::vector<int8_t>{127, -128, -128, -128}), (std::vector<int8_t>{127, -128, -128, -128}));
}

TEST(RuntimeOpsSoftmax, Int8ToInt16Output) {
  Runner r(Single(tflite::BuiltinOperator_SOFTMAX,
                  {Act({1, 4}, TensorType_INT8, 0.1f, 0), Act({1, 4}, TensorType_INT16, 1.0f / 65536.0f, -32768)}));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  EXPECT_EQ(r.Run<int16_t>(std::vector<int8_t>{-3, -3, -3, -3}), (std::vector<int16_t>{-16384, -16384, -16384, -16384}));
}

TEST(RuntimeOpsSoftmax, WrongOutputQuantizationIsRefused) {
  Runner r(Single(tflite::BuiltinOperator_SOFTMAX, {Act({1, 4}, TensorType_INT8, 0.1f, 0), Act({1, 4}, TensorType_INT8, 0.1f, 0)}));
  EXPECT_EQ(r.status(), Status::kUnsupported);
  EXPECT_NE(r.message().find("operator 0 (SOFTMAX)"), std::string::npos) << r.message();
  EXPECT_NE(r.message().find("(1/256, -128)"), std::string::npos) << r.message();
}

TEST(RuntimeOpsSoftmax, Int16ThroughTheLookupTables) {
  Runner r(Single(tflite::BuiltinOperator_SOFTMAX,
                  {Act({2, 4}, TensorType_INT16, 0.001f, 0), Act({2, 4}, TensorType_INT16, 1.0f / 32768.0f, 0)}));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  // Row 0: equal inputs, a quarter each; row 1: one input 32 above the rest takes nearly all.
  const auto y = r.Run<int16_t>(std::vector<int16_t>{7, 7, 7, 7, 32000, 0, 0, 0});
  EXPECT_EQ(y[0], 8192);
  EXPECT_EQ(y[3], 8192);
  EXPECT_GE(y[4], 32760);
  EXPECT_LE(y[5], 2);
}

TEST(RuntimeOpsSoftmax, Int16WrongOutputQuantizationIsRefused) {
  Runner r(Single(tflite::BuiltinOperator_SOFTMAX,
                  {Act({1, 4}, TensorType_INT16, 0.001f, 0), Act({1, 4}, TensorType_INT16, 1.0f / 65536.0f, 0)}));
  EXPECT_EQ(r.status(), Status::kUnsupported);
  EXPECT_NE(r.message().find("(1/32768, 0)"), std::string::npos) << r.message();
}

// ---- QUANTIZE / DEQUANTIZE ----

TEST(RuntimeOpsQuantize, FloatToInt8RoundsHalfAwayAndClamps) {
  Runner r(Single(tflite::BuiltinOperator_QUANTIZE, {Act({4}, TensorType_FLOAT32), Act({4}, TensorType_INT8, 0.5f, 1)}));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  EXPECT_EQ(r.Run<int8_t>(std::vector<float>{-1.0f, 0.25f, -0.25f, 100.0f}), (std::vector<int8_t>{-1, 2, 0, 127}));
}

TEST(RuntimeOpsQuantize, FloatToInt16) {
  Runner r(Single(tflite::BuiltinOperator_QUANTIZE, {Act({3}, TensorType_FLOAT32), Act({3}, TensorType_INT16, 1.0f / 1024.0f, 0)}));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  EXPECT_EQ(r.Run<int16_t>(std::vector<float>{1.0f, -40.0f, 0.0f}), (std::vector<int16_t>{1024, -32768, 0}));
}

TEST(RuntimeOpsQuantize, RequantizesInt8ToInt16AndBack) {
  Runner up(Single(tflite::BuiltinOperator_QUANTIZE, {Act({3}, TensorType_INT8, 0.5f, 1), Act({3}, TensorType_INT16, 0.25f, 0)}));
  ASSERT_EQ(up.status(), Status::kOk) << up.message();
  EXPECT_EQ(up.Run<int16_t>(std::vector<int8_t>{3, 1, -128}), (std::vector<int16_t>{4, 0, -258}));
  Runner down(Single(tflite::BuiltinOperator_QUANTIZE, {Act({3}, TensorType_INT16, 0.25f, 0), Act({3}, TensorType_INT8, 0.5f, 1)}));
  ASSERT_EQ(down.status(), Status::kOk) << down.message();
  EXPECT_EQ(down.Run<int8_t>(std::vector<int16_t>{4, 0, 1000}), (std::vector<int8_t>{3, 1, 127}));
}

TEST(RuntimeOpsQuantize, ScaleRatiosBeyond2To31AreRefused) {
  Runner q(Single(tflite::BuiltinOperator_QUANTIZE, {Act({2}, TensorType_INT8, 1e10f, 0), Act({2}, TensorType_INT16, 1e-10f, 0)}));
  EXPECT_EQ(q.status(), Status::kUnsupported);
  EXPECT_NE(q.message().find("requantization needs a shift of"), std::string::npos) << q.message();
  Runner relu(Single(tflite::BuiltinOperator_RELU, {Act({2}, TensorType_INT8, 1e10f, 0), Act({2}, TensorType_INT8, 1e-10f, 0)}));
  EXPECT_EQ(relu.status(), Status::kUnsupported);
  Runner mul(Single(tflite::BuiltinOperator_MUL,
                    {Act({2}, TensorType_INT8, 1e10f, 0), Act({2}, TensorType_INT8, 1e10f, 0), Act({2}, TensorType_INT8, 1e-10f, 0)}));
  EXPECT_EQ(mul.status(), Status::kUnsupported);
  EXPECT_NE(mul.message().find("output rescaling"), std::string::npos) << mul.message();
}

TEST(RuntimeOpsQuantize, ShapeMismatchIsRefused) {
  Runner r(Single(tflite::BuiltinOperator_QUANTIZE, {Act({4}, TensorType_FLOAT32), Act({2, 2}, TensorType_INT8, 0.5f, 1)}));
  EXPECT_EQ(r.status(), Status::kMalformedModel);
  EXPECT_NE(r.message().find("operator 0 (QUANTIZE)"), std::string::npos) << r.message();
}

TEST(RuntimeOpsDequantize, Int8AndInt16ToFloat) {
  Runner r8(Single(tflite::BuiltinOperator_DEQUANTIZE, {Act({3}, TensorType_INT8, 0.5f, 1), Act({3}, TensorType_FLOAT32)}));
  ASSERT_EQ(r8.status(), Status::kOk) << r8.message();
  EXPECT_EQ(r8.Run<float>(std::vector<int8_t>{-1, 3, 127}), (std::vector<float>{-1.0f, 1.0f, 63.0f}));
  Runner r16(Single(tflite::BuiltinOperator_DEQUANTIZE, {Act({2}, TensorType_INT16, 0.25f, 0), Act({2}, TensorType_FLOAT32)}));
  ASSERT_EQ(r16.status(), Status::kOk) << r16.message();
  EXPECT_EQ(r16.Run<float>(std::vector<int16_t>{-32768, 6}), (std::vector<float>{-8192.0f, 1.5f}));
}

// float16 weights → DEQUANTIZE → ADD: the constant is converted once, at Prepare, into
// persistent memory; Invoke never touches it again.
TEST(RuntimeOpsDequantize, Float16ConstantIsFoldedAtPrepare) {
  ModelSpec spec;
  TensorSpec half = Act({3}, TensorType_FLOAT16);
  half.data = Bytes(std::vector<uint16_t>{0x3C00, 0xC100, 0x3800});  // 1.0, −2.5, 0.5
  spec.tensors = {Act({3}, TensorType_FLOAT32), half, Act({3}, TensorType_FLOAT32), Act({3}, TensorType_FLOAT32)};
  OpSpec dq;
  dq.builtin_code = tflite::BuiltinOperator_DEQUANTIZE;
  dq.inputs = {1};
  dq.outputs = {2};
  OpSpec add;
  add.builtin_code = tflite::BuiltinOperator_ADD;
  add.inputs = {0, 2};
  add.outputs = {3};
  spec.ops = {dq, add};
  spec.inputs = {0};
  spec.outputs = {3};
  Runner r(spec);
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  const Tensor* folded = r.interp().tensor(2);
  EXPECT_TRUE(folded->is_constant);
  ASSERT_NE(folded->data, nullptr);
  std::vector<float> values(3);
  std::memcpy(values.data(), folded->data, sizeof(float) * 3);
  EXPECT_EQ(values, (std::vector<float>{1.0f, -2.5f, 0.5f}));  // already there before any Invoke
  EXPECT_EQ(r.Run<float>(std::vector<float>{10, 20, 30}), (std::vector<float>{11.0f, 17.5f, 30.5f}));
  EXPECT_EQ(r.Run<float>(std::vector<float>{0, 0, 0}), (std::vector<float>{1.0f, -2.5f, 0.5f}));
}

// ---- ADD / MUL ----

TEST(RuntimeOpsAdd, FloatBroadcastsAndFusesRelu) {
  Runner r(Single(tflite::BuiltinOperator_ADD, {Act({2, 3}, TensorType_FLOAT32), Act({3}, TensorType_FLOAT32), Act({2, 3}, TensorType_FLOAT32)},
                  tflite::BuiltinOptions_AddOptions, [](flatbuffers::FlatBufferBuilder& b) {
                    return tflite::CreateAddOptions(b, tflite::ActivationFunctionType_RELU).Union();
                  }));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  r.SetInput(0, std::vector<float>{1, 2, 3, 4, 5, 6});
  r.SetInput(1, std::vector<float>{-2, 0, 10});
  ASSERT_EQ(r.interp().Invoke(), Status::kOk);
  EXPECT_EQ(r.Output<float>(), (std::vector<float>{0, 2, 13, 2, 5, 16}));
}

TEST(RuntimeOpsAdd, Int8WithZeroPoints) {
  // s = 1 everywhere: y = (x1 − 1) + (x2 + 2) − 3, saturating.
  Runner r(Single(tflite::BuiltinOperator_ADD,
                  {Act({4}, TensorType_INT8, 1.0f, 1), Act({4}, TensorType_INT8, 1.0f, -2), Act({4}, TensorType_INT8, 1.0f, -3)}));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  r.SetInput(0, std::vector<int8_t>{1, 11, 100, -128});
  r.SetInput(1, std::vector<int8_t>{-2, 5, 100, -128});
  ASSERT_EQ(r.interp().Invoke(), Status::kOk);
  EXPECT_EQ(r.Output<int8_t>(), (std::vector<int8_t>{-3, 14, 127, -128}));
}

TEST(RuntimeOpsAdd, Int16NeedsZeroPointZero) {
  Runner r(Single(tflite::BuiltinOperator_ADD,
                  {Act({2}, TensorType_INT16, 0.5f, 3), Act({2}, TensorType_INT16, 0.5f, 0), Act({2}, TensorType_INT16, 0.5f, 0)}));
  EXPECT_EQ(r.status(), Status::kUnsupported);
  EXPECT_NE(r.message().find("zero point 0"), std::string::npos) << r.message();
}

TEST(RuntimeOpsAdd, ShapesThatDoNotBroadcastAreRefused) {
  Runner r(Single(tflite::BuiltinOperator_ADD, {Act({2, 3}, TensorType_FLOAT32), Act({2}, TensorType_FLOAT32), Act({2, 3}, TensorType_FLOAT32)}));
  EXPECT_EQ(r.status(), Status::kMalformedModel);
  EXPECT_NE(r.message().find("do not broadcast"), std::string::npos) << r.message();
}

TEST(RuntimeOpsAdd, MixedInputTypesHaveNoKernel) {
  Runner r(Single(tflite::BuiltinOperator_ADD, {Act({2}, TensorType_FLOAT32), Act({2}, TensorType_INT8, 1.0f, 0), Act({2}, TensorType_FLOAT32)}));
  EXPECT_EQ(r.status(), Status::kUnsupported);
  EXPECT_NE(r.message().find("[FLOAT32, INT8]"), std::string::npos) << r.message();
}

TEST(RuntimeOpsMul, Int8AndInt16ExactProducts) {
  // s1·s2/s_out = 1: y = x1·x2 (zero points 0), clamped.
  Runner r8(Single(tflite::BuiltinOperator_MUL,
                   {Act({3}, TensorType_INT8, 0.5f, 0), Act({1}, TensorType_INT8, 0.5f, 0), Act({3}, TensorType_INT8, 0.25f, 0)}));
  ASSERT_EQ(r8.status(), Status::kOk) << r8.message();
  r8.SetInput(0, std::vector<int8_t>{3, -7, 100});
  r8.SetInput(1, std::vector<int8_t>{5});
  ASSERT_EQ(r8.interp().Invoke(), Status::kOk);
  EXPECT_EQ(r8.Output<int8_t>(), (std::vector<int8_t>{15, -35, 127}));
  Runner r16(Single(tflite::BuiltinOperator_MUL,
                    {Act({2}, TensorType_INT16, 0.5f, 0), Act({2}, TensorType_INT16, 0.5f, 0), Act({2}, TensorType_INT16, 0.25f, 0)}));
  ASSERT_EQ(r16.status(), Status::kOk) << r16.message();
  r16.SetInput(0, std::vector<int16_t>{300, -300});
  r16.SetInput(1, std::vector<int16_t>{100, 200});
  ASSERT_EQ(r16.interp().Invoke(), Status::kOk);
  EXPECT_EQ(r16.Output<int16_t>(), (std::vector<int16_t>{30000, -32768}));
}

TEST(RuntimeOpsMul, Float) {
  Runner r(Single(tflite::BuiltinOperator_MUL, {Act({2}, TensorType_FLOAT32), Act({2}, TensorType_FLOAT32), Act({2}, TensorType_FLOAT32)}));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  r.SetInput(0, std::vector<float>{1.5f, -2});
  r.SetInput(1, std::vector<float>{2, 4});
  ASSERT_EQ(r.interp().Invoke(), Status::kOk);
  EXPECT_EQ(r.Output<float>(), (std::vector<float>{3, -8}));
}

// ---- RELU / RELU6 ----

TEST(RuntimeOpsRelu, FloatAndRelu6Float) {
  Runner relu(Single(tflite::BuiltinOperator_RELU, {Act({4}, TensorType_FLOAT32), Act({4}, TensorType_FLOAT32)}));
  ASSERT_EQ(relu.status(), Status::kOk) << relu.message();
  EXPECT_EQ(relu.Run<float>(std::vector<float>{-1, 0, 2.5f, 7}), (std::vector<float>{0, 0, 2.5f, 7}));
  Runner relu6(Single(tflite::BuiltinOperator_RELU6, {Act({4}, TensorType_FLOAT32), Act({4}, TensorType_FLOAT32)}));
  ASSERT_EQ(relu6.status(), Status::kOk) << relu6.message();
  EXPECT_EQ(relu6.Run<float>(std::vector<float>{-1, 0, 2.5f, 7}), (std::vector<float>{0, 0, 2.5f, 6}));
}

TEST(RuntimeOpsRelu, Int8RequantizesToTheOutputScale) {
  // y = −128 + 2·(x + 10), at least −128.
  Runner r(Single(tflite::BuiltinOperator_RELU, {Act({4}, TensorType_INT8, 1.0f, -10), Act({4}, TensorType_INT8, 0.5f, -128)}));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  EXPECT_EQ(r.Run<int8_t>(std::vector<int8_t>{-20, 0, 50, 127}), (std::vector<int8_t>{-128, -108, -8, 127}));
}

TEST(RuntimeOpsRelu, Int16AndRelu6Int8) {
  Runner r16(Single(tflite::BuiltinOperator_RELU, {Act({3}, TensorType_INT16, 0.5f, 0), Act({3}, TensorType_INT16, 0.5f, 0)}));
  ASSERT_EQ(r16.status(), Status::kOk) << r16.message();
  EXPECT_EQ(r16.Run<int16_t>(std::vector<int16_t>{-300, 0, 300}), (std::vector<int16_t>{0, 0, 300}));
  // RELU6 clamps the raw values to [z, z + round(6/s)] = [−5, 55].
  Runner r6(Single(tflite::BuiltinOperator_RELU6, {Act({4}, TensorType_INT8, 0.1f, -5), Act({4}, TensorType_INT8, 0.1f, -5)}));
  ASSERT_EQ(r6.status(), Status::kOk) << r6.message();
  EXPECT_EQ(r6.Run<int8_t>(std::vector<int8_t>{-100, -5, 30, 100}), (std::vector<int8_t>{-5, -5, 30, 55}));
}

TEST(RuntimeOpsRelu, Int16WithZeroPointIsRefused) {
  Runner r(Single(tflite::BuiltinOperator_RELU, {Act({3}, TensorType_INT16, 0.5f, 4), Act({3}, TensorType_INT16, 0.5f, 0)}));
  EXPECT_EQ(r.status(), Status::kUnsupported);
  EXPECT_NE(r.message().find("zero point 0"), std::string::npos) << r.message();
}

// ---- LOGISTIC / TANH ----

std::vector<int8_t> AllInt8() {
  std::vector<int8_t> v;
  for (int q = -128; q <= 127; ++q) v.push_back(static_cast<int8_t>(q));
  return v;
}

TEST(RuntimeOpsLogistic, Int8FixedPointWithinOneStepOfTheTruth) {
  Runner r(Single(tflite::BuiltinOperator_LOGISTIC,
                  {Act({256}, TensorType_INT8, 1.0f / 16.0f, 0), Act({256}, TensorType_INT8, 1.0f / 256.0f, -128)}));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  const auto y = r.Run<int8_t>(AllInt8());
  for (int i = 0; i < 256; ++i) {
    const double x = (i - 128) / 16.0;
    const double want = std::min(127.0, std::round(256.0 / (1.0 + std::exp(-x))) - 128.0);
    EXPECT_NEAR(y[i], want, 1.0) << "x = " << x;
  }
  EXPECT_EQ(y[128], 0);     // logistic(0) = 0.5 exactly
  EXPECT_EQ(y[0], -128);    // x = −8
  EXPECT_EQ(y[255], 127);   // x = 7.94 saturates
}

TEST(RuntimeOpsTanh, Int8FixedPointWithinOneStepOfTheTruth) {
  Runner r(Single(tflite::BuiltinOperator_TANH, {Act({256}, TensorType_INT8, 1.0f / 32.0f, 0), Act({256}, TensorType_INT8, 1.0f / 128.0f, 0)}));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  const auto y = r.Run<int8_t>(AllInt8());
  for (int i = 0; i < 256; ++i) {
    const double x = (i - 128) / 32.0;
    const double want = std::max(-128.0, std::min(127.0, std::round(128.0 * std::tanh(x))));
    EXPECT_NEAR(y[i], want, 1.0) << "x = " << x;
  }
  EXPECT_EQ(y[128], 0);
}

TEST(RuntimeOpsLogistic, FloatAndTanhFloat) {
  Runner lg(Single(tflite::BuiltinOperator_LOGISTIC, {Act({3}, TensorType_FLOAT32), Act({3}, TensorType_FLOAT32)}));
  ASSERT_EQ(lg.status(), Status::kOk) << lg.message();
  const auto y = lg.Run<float>(std::vector<float>{0.0f, 2.0f, -20.0f});
  EXPECT_FLOAT_EQ(y[0], 0.5f);
  EXPECT_NEAR(y[1], 1.0 / (1.0 + std::exp(-2.0)), 1e-7);
  EXPECT_NEAR(y[2], std::exp(-20.0), 1e-12);
  Runner th(Single(tflite::BuiltinOperator_TANH, {Act({2}, TensorType_FLOAT32), Act({2}, TensorType_FLOAT32)}));
  ASSERT_EQ(th.status(), Status::kOk) << th.message();
  const auto t = th.Run<float>(std::vector<float>{0.5f, -3.0f});
  EXPECT_NEAR(t[0], std::tanh(0.5), 1e-7);
  EXPECT_NEAR(t[1], std::tanh(-3.0), 1e-7);
}

TEST(RuntimeOpsLogistic, WrongOutputZeroPointAndInt16AreRefused) {
  Runner zp(Single(tflite::BuiltinOperator_LOGISTIC, {Act({2}, TensorType_INT8, 0.1f, 0), Act({2}, TensorType_INT8, 1.0f / 256.0f, 0)}));
  EXPECT_EQ(zp.status(), Status::kUnsupported);
  EXPECT_NE(zp.message().find("needs -128"), std::string::npos) << zp.message();
  Runner i16(Single(tflite::BuiltinOperator_TANH, {Act({2}, TensorType_INT16, 1.0f / 4096.0f, 0), Act({2}, TensorType_INT16, 1.0f / 16384.0f, 0)}));
  EXPECT_EQ(i16.status(), Status::kUnsupported);
  EXPECT_NE(i16.message().find("operator 0 (TANH): INT16 needs zero points 0 and output scale 2^-15"), std::string::npos) << i16.message();
}

TEST(RuntimeOpsLogistic, Int16AndTanhInt16ThroughTheSigmoidTable) {
  std::vector<int16_t> x;
  for (int q = -32768; q <= 32767; q += 97) x.push_back(static_cast<int16_t>(q));
  const int n = static_cast<int>(x.size());
  constexpr float kIn = 0.0003f;  // ±9.8: the general (non power-of-two) path
  Runner lg(Single(tflite::BuiltinOperator_LOGISTIC, {Act({n}, TensorType_INT16, kIn, 0), Act({n}, TensorType_INT16, 1.0f / 32768.0f, 0)}));
  ASSERT_EQ(lg.status(), Status::kOk) << lg.message();
  const auto y = lg.Run<int16_t>(x);
  Runner th(Single(tflite::BuiltinOperator_TANH, {Act({n}, TensorType_INT16, kIn, 0), Act({n}, TensorType_INT16, 1.0f / 32768.0f, 0)}));
  ASSERT_EQ(th.status(), Status::kOk) << th.message();
  const auto t = th.Run<int16_t>(x);
  for (int i = 0; i < n; ++i) {
    const double v = kIn * x[i];
    EXPECT_NEAR(y[i], std::min(32767.0, 32768.0 / (1.0 + std::exp(-v))), 3.0) << v;
    EXPECT_NEAR(t[i], std::max(-32768.0, std::min(32767.0, 32768.0 * std::tanh(v))), 6.0) << v;
  }
}

// ---- HARD_SWISH ----

TEST(RuntimeOpsHardSwish, FloatAndInt8WithinOneStep) {
  Runner f(Single(tflite::BuiltinOperator_HARD_SWISH, {Act({4}, TensorType_FLOAT32), Act({4}, TensorType_FLOAT32)}));
  ASSERT_EQ(f.status(), Status::kOk) << f.message();
  EXPECT_EQ(f.Run<float>(std::vector<float>{-4, -1.5f, 0, 4}), (std::vector<float>{0, -0.375f, 0, 4}));

  constexpr float kIn = 0.05f, kOut = 0.03f;
  Runner q(Single(tflite::BuiltinOperator_HARD_SWISH, {Act({256}, TensorType_INT8, kIn, -20), Act({256}, TensorType_INT8, kOut, -100)}));
  ASSERT_EQ(q.status(), Status::kOk) << q.message();
  const auto y = q.Run<int8_t>(AllInt8());
  for (int i = 0; i < 256; ++i) {
    const double x = kIn * (i - 128 + 20);
    const double hs = x * std::min(6.0, std::max(0.0, x + 3.0)) / 6.0;
    const double want = std::max(-128.0, std::min(127.0, std::round(hs / kOut) - 100.0));
    EXPECT_NEAR(y[i], want, 1.0) << "x = " << x;
  }
  EXPECT_EQ(y[128 - 20], -100);  // x = 0 → the output zero point
}

// ---- CONCATENATION ----

TEST(RuntimeOpsConcatenation, FloatAlongTheLastAxis) {
  Runner r(Single(tflite::BuiltinOperator_CONCATENATION,
                  {Act({2, 1}, TensorType_FLOAT32), Act({2, 2}, TensorType_FLOAT32), Act({2, 3}, TensorType_FLOAT32)},
                  tflite::BuiltinOptions_ConcatenationOptions,
                  [](flatbuffers::FlatBufferBuilder& b) { return tflite::CreateConcatenationOptions(b, -1).Union(); }));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  r.SetInput(0, std::vector<float>{1, 4});
  r.SetInput(1, std::vector<float>{2, 3, 5, 6});
  ASSERT_EQ(r.interp().Invoke(), Status::kOk);
  EXPECT_EQ(r.Output<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
}

TEST(RuntimeOpsConcatenation, Int8WithAConstantAlongAxis0) {
  TensorSpec constant = Act({1, 2}, TensorType_INT8, 0.5f, 3);
  constant.data = Bytes(std::vector<int8_t>{-7, 9});
  Runner r(Single(tflite::BuiltinOperator_CONCATENATION,
                  {Act({2, 2}, TensorType_INT8, 0.5f, 3), constant, Act({3, 2}, TensorType_INT8, 0.5f, 3)},
                  tflite::BuiltinOptions_ConcatenationOptions,
                  [](flatbuffers::FlatBufferBuilder& b) { return tflite::CreateConcatenationOptions(b, 0).Union(); }));
  ASSERT_EQ(r.status(), Status::kOk) << r.message();
  EXPECT_EQ(r.Run<int8_t>(std::vector<int8_t>{1, 2, 3, 4}), (std::vector<int8_t>{1, 2, 3, 4, -7, 9}));
}

TEST(RuntimeOpsConcatenation, DifferentQuantizationAndBadShapesAreRefused) {
  Runner q(Single(tflite::BuiltinOperator_CONCATENATION,
                  {Act({1, 2}, TensorType_INT16, 0.5f, 0), Act({1, 2}, TensorType_INT16, 0.25f, 0), Act({1, 4}, TensorType_INT16, 0.5f, 0)},
                  tflite::BuiltinOptions_ConcatenationOptions,
                  [](flatbuffers::FlatBufferBuilder& b) { return tflite::CreateConcatenationOptions(b, 1).Union(); }));
  EXPECT_EQ(q.status(), Status::kUnsupported);
  EXPECT_NE(q.message().find("input 1 is quantized"), std::string::npos) << q.message();
  Runner s(Single(tflite::BuiltinOperator_CONCATENATION,
                  {Act({1, 2}, TensorType_FLOAT32), Act({1, 2}, TensorType_FLOAT32), Act({1, 5}, TensorType_FLOAT32)},
                  tflite::BuiltinOptions_ConcatenationOptions,
                  [](flatbuffers::FlatBufferBuilder& b) { return tflite::CreateConcatenationOptions(b, 1).Union(); }));
  EXPECT_EQ(s.status(), Status::kMalformedModel);
  EXPECT_NE(s.message().find("add up to 4 along axis 1"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace bsb::rt::testing
