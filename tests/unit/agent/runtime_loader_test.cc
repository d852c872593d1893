// The loader and Prepare against hand-crafted hostile files: every one must be an error with a
// message saying what is wrong and where — never a crash or a read outside the file (this
// suite also runs under the asan preset).
#include <gtest/gtest.h>

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
using testing::ModelSpec;

// A valid one-op model: RESHAPE of a float [1,2,3] input into [6].
ModelSpec ReshapeSpec() {
  ModelSpec spec;
  spec.tensors = {{{1, 2, 3}, tflite::TensorType_FLOAT32}, {{6}, tflite::TensorType_FLOAT32}};
  spec.ops = {{tflite::BuiltinOperator_RESHAPE, {0}, {1}}};
  spec.inputs = {0};
  spec.outputs = {1};
  return spec;
}

struct Outcome {
  Status status;
  std::string message;
};

Outcome LoadBytes(const std::vector<uint8_t>& bytes) {
  AlignedCopy copy(bytes);
  Model model;
  ErrorReporter err;
  Status s = LoadModel(copy.data(), copy.size(), &model, &err);
  if (s == Status::kOk) {
    HostedInterpreter interp;
    s = interp.Prepare(model, &err);
  }
  return {s, err.message()};
}

Outcome Load(const ModelSpec& spec) { return LoadBytes(BuildModel(spec)); }

TEST(RuntimeLoaderTest, ValidReshapeModelLoadsPreparesAndRuns) {
  AlignedCopy copy(BuildModel(ReshapeSpec()));
  Model model;
  ErrorReporter err;
  ASSERT_EQ(LoadModel(copy.data(), copy.size(), &model, &err), Status::kOk) << err.message();
  HostedInterpreter hosted;
  ASSERT_EQ(hosted.Prepare(model, &err), Status::kOk) << err.message();
  Interpreter& interp = hosted.interpreter();
  const float in[6] = {1, 2, 3, 4, 5, 6};
  std::memcpy(interp.input(0)->data, in, sizeof in);
  ASSERT_EQ(interp.Invoke(), Status::kOk) << err.message();
  EXPECT_EQ(std::memcmp(interp.output(0)->data, in, sizeof in), 0);
  // Input (scope 0..1) and output (scope 1..end) overlap at scope 1: two 32-byte slots
  // (24 bytes aligned up to 16).
  EXPECT_EQ(interp.head_bytes(), 64u);
}

TEST(RuntimeLoaderTest, EmptyAndTinyFilesAreRejected) {
  EXPECT_EQ(LoadBytes({}).status, Status::kMalformedModel);
  EXPECT_EQ(LoadBytes({1, 2, 3}).status, Status::kMalformedModel);
}

TEST(RuntimeLoaderTest, WrongIdentifierIsNamed) {
  auto bytes = BuildModel(ReshapeSpec());
  std::memcpy(bytes.data() + 4, "TFL2", 4);
  const Outcome o = LoadBytes(bytes);
  EXPECT_EQ(o.status, Status::kMalformedModel);
  EXPECT_NE(o.message.find("TFL3"), std::string::npos) << o.message;
}

TEST(RuntimeLoaderTest, EveryTruncationIsAnError) {
  const auto bytes = BuildModel(ReshapeSpec());
  for (size_t n = 0; n < bytes.size(); ++n) {
    const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<long>(n));
    EXPECT_NE(LoadBytes(cut).status, Status::kOk) << "truncated to " << n << " bytes";
  }
}

TEST(RuntimeLoaderTest, RootOffsetOutsideTheFile) {
  auto bytes = BuildModel(ReshapeSpec());
  const uint32_t far = static_cast<uint32_t>(bytes.size()) + 1000;
  std::memcpy(bytes.data(), &far, 4);
  EXPECT_EQ(LoadBytes(bytes).status, Status::kMalformedModel);
}

TEST(RuntimeLoaderTest, VtableOutsideTheBuffer) {
  auto bytes = BuildModel(ReshapeSpec());
  uint32_t root = 0;
  std::memcpy(&root, bytes.data(), 4);
  // The root table's soffset points at its vtable (vtable = table - soffset); aim it past the end.
  const int32_t soffset = -static_cast<int32_t>(bytes.size());
  std::memcpy(bytes.data() + root, &soffset, 4);
  const Outcome o = LoadBytes(bytes);
  EXPECT_EQ(o.status, Status::kMalformedModel);
  EXPECT_NE(o.message.find("verification"), std::string::npos) << o.message;
}

TEST(RuntimeLoaderTest, TensorBufferIndexOutOfRange) {
  ModelSpec spec = ReshapeSpec();
  spec.tensors[0].buffer_override = 7;
  const Outcome o = Load(spec);
  EXPECT_EQ(o.status, Status::kMalformedModel);
  EXPECT_NE(o.message.find("buffer 7"), std::string::npos) << o.message;
}

TEST(RuntimeLoaderTest, OperatorInputOutOfRange) {
  ModelSpec spec = ReshapeSpec();
  spec.ops[0].inputs = {5};
  const Outcome o = Load(spec);
  EXPECT_EQ(o.status, Status::kMalformedModel);
  EXPECT_NE(o.message.find("operator 0 refers to tensor 5"), std::string::npos) << o.message;
}

TEST(RuntimeLoaderTest, OperatorOutputMayNotBeOmitted) {
  ModelSpec spec = ReshapeSpec();
  spec.ops[0].outputs = {-1};
  EXPECT_EQ(Load(spec).status, Status::kMalformedModel);
}

TEST(RuntimeLoaderTest, SubgraphInputOutOfRange) {
  ModelSpec spec = ReshapeSpec();
  spec.inputs = {2};
  EXPECT_EQ(Load(spec).status, Status::kMalformedModel);
}

TEST(RuntimeLoaderTest, OpcodeIndexOutOfRange) {
  ModelSpec spec = ReshapeSpec();
  spec.ops[0].opcode_index_override = 3;
  const Outcome o = Load(spec);
  EXPECT_EQ(o.status, Status::kMalformedModel);
  EXPECT_NE(o.message.find("opcode 3"), std::string::npos) << o.message;
}

TEST(RuntimeLoaderTest, NegativeDimension) {
  ModelSpec spec = ReshapeSpec();
  spec.tensors[0].shape = {1, -2, 3};
  const Outcome o = Load(spec);
  EXPECT_EQ(o.status, Status::kMalformedModel);
  EXPECT_NE(o.message.find("negative dimension -2"), std::string::npos) << o.message;
}

TEST(RuntimeLoaderTest, HugeDimensionsDoNotOverflow) {
  ModelSpec spec = ReshapeSpec();
  // 2^31-1 cubed overflows int64 if multiplied blindly; the loader stops past 2^30 elements.
  spec.tensors[0].shape = {0x7fffffff, 0x7fffffff, 0x7fffffff};
  EXPECT_EQ(Load(spec).status, Status::kMalformedModel);
}

TEST(RuntimeLoaderTest, BufferShorterThanShape) {
  ModelSpec spec = ReshapeSpec();
  spec.tensors.push_back({{4}, tflite::TensorType_FLOAT32, std::vector<uint8_t>(12)});  // 4 floats need 16 bytes
  const Outcome o = Load(spec);
  EXPECT_EQ(o.status, Status::kMalformedModel);
  EXPECT_NE(o.message.find("needs 16 bytes"), std::string::npos) << o.message;
}

TEST(RuntimeLoaderTest, PerChannelScalesMustMatchTheQuantizedDimension) {
  ModelSpec spec = ReshapeSpec();
  spec.tensors[0].scales = {0.5f, 0.25f};
  spec.tensors[0].zero_points = {0, 0};
  spec.tensors[0].quantized_dimension = 2;  // dim 2 is 3, not 2
  EXPECT_EQ(Load(spec).status, Status::kMalformedModel);
}

TEST(RuntimeLoaderTest, RankAboveSixIsUnsupported) {
  ModelSpec spec = ReshapeSpec();
  spec.tensors[0].shape = {1, 1, 1, 1, 1, 2, 3};
  EXPECT_EQ(Load(spec).status, Status::kUnsupported);
}

TEST(RuntimeLoaderTest, OtherSchemaVersionsAreUnsupported) {
  ModelSpec spec = ReshapeSpec();
  spec.version = 2;
  EXPECT_EQ(Load(spec).status, Status::kUnsupported);
}

TEST(RuntimeLoaderTest, UnknownOperatorIsNamedWithIndexAndTypes) {
  ModelSpec spec = ReshapeSpec();
  spec.ops[0].builtin_code = 150;  // stored as deprecated 127 + builtin_code 150
  const Outcome o = Load(spec);
  EXPECT_EQ(o.status, Status::kUnsupported);
  EXPECT_NE(o.message.find("operator 0"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("builtin code 150"), std::string::npos) << o.message;
  EXPECT_NE(o.message.find("[FLOAT32] -> [FLOAT32]"), std::string::npos) << o.message;
}

TEST(RuntimeLoaderTest, UnsupportedTypeIsNamed) {
  ModelSpec spec = ReshapeSpec();
  spec.tensors[0].type = tflite::TensorType_COMPLEX64;
  spec.tensors[1].type = tflite::TensorType_COMPLEX64;
  const Outcome o = Load(spec);
  EXPECT_EQ(o.status, Status::kUnsupported);
  EXPECT_NE(o.message.find("operator 0 (RESHAPE) has no kernel for tensor types [COMPLEX64] -> [COMPLEX64]"), std::string::npos)
      << o.message;
}

TEST(RuntimeLoaderTest, ReshapeWithMismatchedElementCountFailsAtPrepare) {
  ModelSpec spec = ReshapeSpec();
  spec.tensors[1].shape = {7};
  const Outcome o = Load(spec);
  EXPECT_EQ(o.status, Status::kMalformedModel);
  EXPECT_NE(o.message.find("operator 0 (RESHAPE)"), std::string::npos) << o.message;
}

TEST(RuntimeLoaderTest, ArenaOfExactlyUsedBytesSucceedsAndAnySmallerOneFailsCleanly) {
  AlignedCopy copy(BuildModel(ReshapeSpec()));
  Model model;
  ErrorReporter err;
  ASSERT_EQ(LoadModel(copy.data(), copy.size(), &model, &err), Status::kOk);
  HostedInterpreter hosted;
  ASSERT_EQ(hosted.Prepare(model, &err), Status::kOk) << err.message();
  const size_t used = hosted.interpreter().arena_used_bytes();
  AlignedCopy arena(std::vector<uint8_t>(used, 0));  // 16-aligned, exactly `used` bytes
  for (size_t bytes = 0; bytes < used; bytes += 8) {
    Interpreter interp;
    err.Clear();
    EXPECT_EQ(interp.Prepare(model, arena.data(), bytes, &err), Status::kArenaTooSmall) << bytes;
    EXPECT_EQ(interp.Invoke(), Status::kNotPrepared);
  }
  Interpreter interp;
  err.Clear();
  ASSERT_EQ(interp.Prepare(model, arena.data(), used, &err), Status::kOk) << err.message();
  EXPECT_EQ(interp.arena_used_bytes(), used);
  EXPECT_EQ(interp.Invoke(), Status::kOk);
}

TEST(RuntimeLoaderTest, MisalignedModelBytesAreRefused) {
  const auto bytes = BuildModel(ReshapeSpec());
  std::vector<uint8_t> storage(bytes.size() + 32);
  uint8_t* aligned = storage.data() + (16 - reinterpret_cast<uintptr_t>(storage.data()) % 16) % 16;
  std::memcpy(aligned + 1, bytes.data(), bytes.size());
  Model model;
  ErrorReporter err;
  EXPECT_EQ(LoadModel(aligned + 1, bytes.size(), &model, &err), Status::kInvalidArgument);
}

}  // namespace
}  // namespace bsb::rt
