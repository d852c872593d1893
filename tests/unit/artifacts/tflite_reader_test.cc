// Malformed .tflite input for the artifacts reader (Parse) and what the quantizer does with
// models that parse but make no sense; plus the runtime refusing an activation nobody writes.
// Hostile files are built with the runtime tests' flatbuffers helper.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "agent/runtime/hosted_interpreter.h"
#include "agent/runtime/model.h"
#include "artifacts/quantize.h"
#include "artifacts/tflite_model.h"
#include "tests/unit/agent/tflite_test_model.h"

namespace bsb::artifacts {
namespace {

using ::testing::HasSubstr;
namespace rtt = rt::testing;

// in [1,4] → FULLY_CONNECTED (w [2,4], b [2]) → out [1,2]
rtt::ModelSpec FcSpec() {
  rtt::ModelSpec spec;
  spec.tensors = {{{1, 4}},
                  {{2, 4}, tflite::TensorType_FLOAT32, rtt::Bytes(std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8})},
                  {{2}, tflite::TensorType_FLOAT32, rtt::Bytes(std::vector<float>{0.5f, -0.5f})},
                  {{1, 2}}};
  spec.ops = {{tflite::BuiltinOperator_FULLY_CONNECTED, {0, 1, 2}, {3}}};
  spec.inputs = {0};
  spec.outputs = {3};
  return spec;
}

Result<Model> ParseSpec(const rtt::ModelSpec& spec) { return Parse(rtt::BuildModel(spec), "bad.tflite"); }

TEST(TfliteReader, ValidSpecParses) {
  auto m = ParseSpec(FcSpec());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->operators.size(), 1u);
}

TEST(TfliteReader, EmptyShortAndTruncatedFilesAreErrors) {
  for (size_t n : {0, 3, 7}) {
    auto r = Parse(std::vector<uint8_t>(n, 0), "short.tflite");
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_THAT(r.error().message, HasSubstr("short.tflite: not a valid .tflite"));
  }
  const std::vector<uint8_t> good = rtt::BuildModel(FcSpec());
  for (size_t n = 0; n < good.size(); ++n) {
    auto r = Parse(std::vector<uint8_t>(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n)), "cut.tflite");
    ASSERT_FALSE(r.ok()) << "a prefix of " << n << " bytes parsed";
    EXPECT_THAT(r.error().message, HasSubstr("cut.tflite"));
  }
}

TEST(TfliteReader, WrongIdentifierIsAnError) {
  std::vector<uint8_t> bytes = rtt::BuildModel(FcSpec());
  bytes[4] = 'X';
  auto r = Parse(bytes, "id.tflite");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("id.tflite: not a valid .tflite"));
}

TEST(TfliteReader, BufferIndexOutOfRange) {
  rtt::ModelSpec spec = FcSpec();
  spec.tensors[1].buffer_override = 9;
  auto r = ParseSpec(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("tensor 1 refers to missing buffer 9"));
}

TEST(TfliteReader, BufferSizeMustMatchShape) {
  rtt::ModelSpec spec = FcSpec();
  spec.tensors[1].shape = {2, 5};
  auto r = ParseSpec(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("has 32 data bytes for 10 elements"));
}

TEST(TfliteReader, UnhandledTensorTypeIsNamed) {
  rtt::ModelSpec spec = FcSpec();
  spec.tensors[0].type = tflite::TensorType_UINT8;
  auto r = ParseSpec(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("tensor 0 't' has type UINT8, which the quantizer does not handle"));
}

TEST(TfliteReader, TensorIndicesAreChecked) {
  rtt::ModelSpec spec = FcSpec();
  spec.ops[0].inputs = {0, 1, 12};
  auto r = ParseSpec(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("operator 0 (FULLY_CONNECTED) refers to tensor 12 of 4"));
  spec = FcSpec();
  spec.outputs = {-3};
  r = ParseSpec(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("subgraph outputs refers to tensor -3"));
}

TEST(TfliteReader, OpcodeIndexOutOfRange) {
  rtt::ModelSpec spec = FcSpec();
  spec.ops[0].opcode_index_override = 4;
  auto r = ParseSpec(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("operator 0 has no operator code"));
}

TEST(TfliteReader, OperatorTheQuantizerCannotExpressIsNamed) {
  rtt::ModelSpec spec = FcSpec();
  spec.ops[0].builtin_code = tflite::BuiltinOperator_ADD;
  auto r = ParseSpec(spec);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("operator 0 (ADD) is not supported by the quantizer"));
}

idx::Images Gradient(uint32_t cols) {
  idx::Images im;
  im.count = 3, im.rows = 1, im.cols = cols;
  for (uint32_t i = 0; i < 3 * cols; ++i) im.pixels.push_back(static_cast<uint8_t>(i * 10));
  return im;
}

Result<Model> QuantizeSpec(const rtt::ModelSpec& spec, Scheme scheme) {
  auto m = ParseSpec(spec);
  if (!m) return m.error();
  static const idx::Images images = Gradient(4);
  QuantizeOptions o;
  o.scheme = scheme, o.calibration = &images, o.samples = 3;
  return Quantize(*m, o);
}

TEST(QuantizerOnHostileModels, FcQuantizesWhenSane) {
  auto q = QuantizeSpec(FcSpec(), Scheme::kInt8);
  ASSERT_TRUE(q.ok()) << q.error().message;
}

TEST(QuantizerOnHostileModels, ConstantModelInputIsRefused) {
  rtt::ModelSpec spec = FcSpec();
  spec.inputs = {1};
  auto q = QuantizeSpec(spec, Scheme::kInt8);
  ASSERT_FALSE(q.ok());
  EXPECT_THAT(q.error().message, HasSubstr("must be a float32 activation"));
}

TEST(QuantizerOnHostileModels, MissingWeightsAreNamed) {
  rtt::ModelSpec spec = FcSpec();
  spec.ops[0].inputs = {0};
  for (Scheme s : {Scheme::kFloat16, Scheme::kDynamic, Scheme::kInt8}) {
    auto q = QuantizeSpec(spec, s);
    ASSERT_FALSE(q.ok()) << SchemeName(s);
    EXPECT_THAT(q.error().message, HasSubstr("operator 0 (FULLY_CONNECTED): needs a weights tensor")) << SchemeName(s);
  }
}

TEST(QuantizerOnHostileModels, ShapesThatDoNotFitAreNamed) {
  rtt::ModelSpec spec = FcSpec();
  spec.tensors[3].shape = {1, 3};  // FC output of 3 for weights [2, 4]
  auto q = QuantizeSpec(spec, Scheme::kInt8);
  ASSERT_FALSE(q.ok());
  EXPECT_THAT(q.error().message, HasSubstr("calibration: operator 0 (FULLY_CONNECTED): input/output sizes do not match weights [2,4]"));
}

TEST(QuantizerOnHostileModels, ActivationNobodyWritesIsNamed) {
  rtt::ModelSpec spec = FcSpec();
  spec.tensors.push_back({{1, 4}});
  spec.ops[0].inputs = {4, 1, 2};  // reads tensor 4, which no op writes and is no input
  auto q = QuantizeSpec(spec, Scheme::kInt8);
  ASSERT_FALSE(q.ok());
  EXPECT_THAT(q.error().message, HasSubstr("reads tensor 4 't' before any operator produced it"));
}

TEST(QuantizerOnHostileModels, NonFiniteWeightsAreNamed) {
  rtt::ModelSpec spec = FcSpec();
  spec.tensors[1].data = rtt::Bytes(std::vector<float>{1, 2, std::numeric_limits<float>::infinity(), 4, 5, 6, 7, 8});
  auto q = QuantizeSpec(spec, Scheme::kInt8);
  ASSERT_FALSE(q.ok());
  EXPECT_THAT(q.error().message, HasSubstr("non-finite values"));  // the range calibration recorded
  spec.tensors[1].data = rtt::Bytes(std::vector<float>{1, 2, std::nanf(""), 4, 5, 6, 7, 8});
  q = QuantizeSpec(spec, Scheme::kInt16x8Only);
  ASSERT_FALSE(q.ok());
}

TEST(RuntimeOnHostileModels, ActivationNobodyWritesIsRefusedAtPrepare) {
  rtt::ModelSpec spec = FcSpec();
  spec.tensors.push_back({{1, 4}});
  spec.ops[0].inputs = {4, 1, 2};
  rtt::AlignedCopy bytes(rtt::BuildModel(spec));
  rt::Model model;
  rt::ErrorReporter err;
  ASSERT_EQ(rt::LoadModel(bytes.data(), bytes.size(), &model, &err), rt::Status::kOk) << err.message();
  rt::HostedInterpreter hosted;
  EXPECT_EQ(hosted.Prepare(model, &err), rt::Status::kMalformedModel);
  EXPECT_THAT(std::string(err.message()), HasSubstr("operator 0 (FULLY_CONNECTED) reads tensor 4"));
}

TEST(RuntimeOnHostileModels, ZeroPointOutsideTheTypeIsRefusedAtLoad) {
  rtt::ModelSpec spec;
  spec.tensors = {{{1, 4}, tflite::TensorType_INT8, {}, {0.5f}, {-2147483648LL}}, {{1, 4}, tflite::TensorType_INT8, {}, {0.5f}, {0}}};
  spec.ops = {{tflite::BuiltinOperator_RESHAPE, {0}, {1}}};
  spec.inputs = {0};
  spec.outputs = {1};
  rtt::AlignedCopy bytes(rtt::BuildModel(spec));
  rt::Model model;
  rt::ErrorReporter err;
  EXPECT_EQ(rt::LoadModel(bytes.data(), bytes.size(), &model, &err), rt::Status::kMalformedModel);
  EXPECT_THAT(std::string(err.message()), HasSubstr("zero point -2147483648 outside [-128, 127]"));
}

TEST(RuntimeOnHostileModels, OutputNobodyWritesIsRefusedAtPrepare) {
  rtt::ModelSpec spec = FcSpec();
  spec.tensors.push_back({{1, 2}});
  spec.outputs = {4};
  rtt::AlignedCopy bytes(rtt::BuildModel(spec));
  rt::Model model;
  rt::ErrorReporter err;
  ASSERT_EQ(rt::LoadModel(bytes.data(), bytes.size(), &model, &err), rt::Status::kOk) << err.message();
  rt::HostedInterpreter hosted;
  EXPECT_EQ(hosted.Prepare(model, &err), rt::Status::kMalformedModel);
  EXPECT_THAT(std::string(err.message()), HasSubstr("subgraph output tensor 4"));
}

}  // namespace
}  // namespace bsb::artifacts
