// Replays the .tflite fuzz target under gcc: the committed seed corpus (tiny models written by
// the project's writer: a float FC, a float CNN, and that CNN quantized to int8), the same
// seeds rebuilt in memory, and deterministic mutations of each (bit flips, truncations,
// little-endian int32 rewrites where flatbuffers keep offsets, lengths, indices and dims).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "agent/runtime/model.h"
#include "artifacts/quantize.h"
#include "artifacts/tflite_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace bsb::artifacts {
namespace {

namespace fs = std::filesystem;

Tensor Activation(const std::string& name, std::vector<int32_t> shape) {
  Tensor t;
  t.name = name, t.shape = std::move(shape);
  return t;
}

Tensor Constant(const std::string& name, std::vector<int32_t> shape, float step) {
  Tensor t = Activation(name, std::move(shape));
  std::vector<float> v(t.Elements());
  for (size_t i = 0; i < v.size(); ++i) v[i] = step * std::sin(static_cast<float>(i) + 0.5f);
  SetFloatData(&t, v);
  return t;
}

// input [1,4] → FULLY_CONNECTED 3 → SOFTMAX.
Model FcModel() {
  Model m;
  const int32_t in = m.AddTensor(Activation("in", {1, 4}));
  const int32_t w = m.AddTensor(Constant("w", {3, 4}, 0.5f));
  const int32_t b = m.AddTensor(Constant("b", {3}, 0.1f));
  const int32_t logits = m.AddTensor(Activation("logits", {1, 3}));
  const int32_t probs = m.AddTensor(Activation("probs", {1, 3}));
  m.operators = {Operator{static_cast<int32_t>(Op::kFullyConnected), 1, {in, w, b}, {logits}, {}},
                 Operator{static_cast<int32_t>(Op::kSoftmax), 1, {logits}, {probs}, {}}};
  m.inputs = {in}, m.outputs = {probs};
  return m;
}

// input [1,4,4,1] → CONV_2D 3x3 SAME 2 ch ReLU → MAX_POOL 2x2 → RESHAPE [1,8] → FC 3 → SOFTMAX.
Model CnnModel() {
  Model m;
  const int32_t in = m.AddTensor(Activation("in", {1, 4, 4, 1}));
  const int32_t cw = m.AddTensor(Constant("conv_w", {2, 3, 3, 1}, 0.4f));
  const int32_t cb = m.AddTensor(Constant("conv_b", {2}, 0.05f));
  const int32_t conv = m.AddTensor(Activation("conv", {1, 4, 4, 2}));
  const int32_t pool = m.AddTensor(Activation("pool", {1, 2, 2, 2}));
  Tensor shape = Activation("shape", {2});
  shape.type = TensorType::kInt32, shape.data = ToBytes(std::vector<int32_t>{1, 8});
  const int32_t shape_t = m.AddTensor(shape);
  const int32_t flat = m.AddTensor(Activation("flat", {1, 8}));
  const int32_t fw = m.AddTensor(Constant("fc_w", {3, 8}, 0.3f));
  const int32_t fb = m.AddTensor(Constant("fc_b", {3}, 0.1f));
  const int32_t logits = m.AddTensor(Activation("logits", {1, 3}));
  const int32_t probs = m.AddTensor(Activation("probs", {1, 3}));
  Operator c{static_cast<int32_t>(Op::kConv2D), 1, {in, cw, cb}, {conv}, {}};
  c.options.fused_activation = 1;
  Operator p{static_cast<int32_t>(Op::kMaxPool2D), 1, {conv}, {pool}, {}};
  p.options.padding = 1, p.options.stride_w = p.options.stride_h = 2, p.options.filter_w = p.options.filter_h = 2;
  Operator r{static_cast<int32_t>(Op::kReshape), 1, {pool, shape_t}, {flat}, {}};
  r.options.new_shape = {1, 8};
  m.operators = {c, p, r, Operator{static_cast<int32_t>(Op::kFullyConnected), 1, {flat, fw, fb}, {logits}, {}},
                 Operator{static_cast<int32_t>(Op::kSoftmax), 1, {logits}, {probs}, {}}};
  m.inputs = {in}, m.outputs = {probs};
  return m;
}

// The seeds, in the order of the committed corpus files.
std::vector<std::pair<std::string, std::vector<uint8_t>>> Seeds() {
  idx::Images calibration;
  calibration.count = 4, calibration.rows = 4, calibration.cols = 4;
  for (int i = 0; i < 64; ++i) calibration.pixels.push_back(static_cast<uint8_t>(i * 29));
  QuantizeOptions options;
  options.scheme = Scheme::kInt8, options.calibration = &calibration, options.samples = 4;
  auto int8 = Quantize(CnnModel(), options);
  EXPECT_TRUE(int8.ok()) << int8.error().message;
  return {{"fc-float32.tflite", Serialize(FcModel())},
          {"cnn-float32.tflite", Serialize(CnnModel())},
          {"cnn-int8.tflite", int8.ok() ? Serialize(*int8) : std::vector<uint8_t>{}}};
}

std::string CorpusDir() { return std::string(BSB_SOURCE_DIR) + "/tests/fuzz/tflite/corpus"; }

std::vector<uint8_t> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), {});
}

// BSB_WRITE_TFLITE_CORPUS=1 regenerates the committed corpus from the writer.
TEST(TfliteFuzzReplay, CommittedCorpusIsWhatTheWriterWrites) {
  for (const auto& [name, bytes] : Seeds()) {
    const std::string path = CorpusDir() + "/" + name;
    if (std::getenv("BSB_WRITE_TFLITE_CORPUS") != nullptr) {
      std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
    EXPECT_EQ(ReadAll(path), bytes) << path << " differs from the writer's output (BSB_WRITE_TFLITE_CORPUS=1 rewrites it)";
  }
}

TEST(TfliteFuzzReplay, SeedsParseLoadAndRun) {
  for (const auto& [name, bytes] : Seeds()) {
    ASSERT_TRUE(Parse(bytes, name).ok()) << name;
    std::vector<uint8_t> storage(bytes.size() + 16);
    uint8_t* base = storage.data() + (16 - reinterpret_cast<uintptr_t>(storage.data()) % 16) % 16;
    std::copy(bytes.begin(), bytes.end(), base);
    rt::Model model;
    rt::ErrorReporter err;
    EXPECT_EQ(rt::LoadModel(base, bytes.size(), &model, &err), rt::Status::kOk) << name << ": " << err.message();
    EXPECT_EQ(LLVMFuzzerTestOneInput(bytes.data(), bytes.size()), 0);
  }
}

TEST(TfliteFuzzReplay, CorpusAndMutations) {
  std::vector<std::vector<uint8_t>> corpus;
  for (const auto& entry : fs::directory_iterator(CorpusDir())) corpus.push_back(ReadAll(entry.path().string()));
  ASSERT_GE(corpus.size(), 3u);
  corpus.push_back({});
  corpus.push_back({0x1c, 0, 0, 0, 'T', 'F', 'L', '3'});

  // BSB_REPLAY_MUTANTS / BSB_REPLAY_SEED widen a local bug hunt; the defaults keep it ~1 s.
  const char* n_env = std::getenv("BSB_REPLAY_MUTANTS");
  const char* seed_env = std::getenv("BSB_REPLAY_SEED");
  const int mutants = n_env != nullptr ? std::atoi(n_env) : 8000;
  std::mt19937 rng(seed_env != nullptr ? static_cast<uint32_t>(std::strtoul(seed_env, nullptr, 10)) : 20261123u);
  size_t artifacts_ok = 0, runtime_ok = 0, total = 0;
  for (const auto& seed : corpus) {
    ASSERT_EQ(LLVMFuzzerTestOneInput(seed.data(), seed.size()), 0);
    for (int i = 0; i < mutants; ++i) {
      std::vector<uint8_t> m = seed;
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int e = 0; e < edits && !m.empty(); ++e) {
        switch (rng() % 5) {
          case 0: m[rng() % m.size()] ^= static_cast<uint8_t>(1u << (rng() % 8)); break;
          case 1: m.resize(rng() % m.size()); break;
          case 2: m[rng() % m.size()] = static_cast<uint8_t>(rng()); break;
          default: {  // an aligned little-endian int32: small, negative, or huge
            if (m.size() < 4) break;
            const size_t at = (rng() % (m.size() / 4)) * 4;
            static constexpr int32_t kValues[] = {0, 1, 2, 3, 4, 7, 8, 16, -1, -2, 255, 1 << 20, 0x7fffffff, INT32_MIN};
            const int32_t v = rng() % 3 == 0 ? static_cast<int32_t>(rng()) : kValues[rng() % std::size(kValues)];
            for (int b = 0; b < 4; ++b) m[at + static_cast<size_t>(b)] = static_cast<uint8_t>(static_cast<uint32_t>(v) >> (8 * b));
          }
        }
      }
      ASSERT_EQ(LLVMFuzzerTestOneInput(m.data(), m.size()), 0);
      ++total;
      artifacts_ok += Parse(m, "m").ok() ? 1 : 0;
      std::vector<uint8_t> storage(m.size() + 16);
      uint8_t* base = storage.data() + (16 - reinterpret_cast<uintptr_t>(storage.data()) % 16) % 16;
      std::copy(m.begin(), m.end(), base);
      rt::Model model;
      rt::ErrorReporter err;
      runtime_ok += rt::LoadModel(base, m.size(), &model, &err) == rt::Status::kOk ? 1 : 0;
    }
  }
  // Mutants must reach past both verifiers, or the replay only exercises the first check.
  std::printf("[replay] %zu mutants: %zu parsed by artifacts::Parse, %zu loaded by rt::LoadModel\n", total, artifacts_ok, runtime_ok);
  EXPECT_GT(artifacts_ok, total / 50);
  EXPECT_GT(runtime_ok, total / 50);
}

}  // namespace
}  // namespace bsb::artifacts
