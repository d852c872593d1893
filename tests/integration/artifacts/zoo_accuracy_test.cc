// Every zoo model × every quantization scheme, end to end: the zoo's float model, the
// quantizer (calibrated on the first 300 Fashion-MNIST *training* images), the written
// .tflite loaded and run by agent/runtime on the first 1000 *test* images.
//
// Checked per (model, scheme): the file loads; the scheme `bsb-matrix inspect` reports
// (rt::ComputeModelStats, which inspect prints) is the one asked for; top-1 accuracy stays
// within the tolerance of fp32 (int8 / int8-only / int16x8 / int16x8-only 2 points,
// float16 0.2, dynamic 1); agreement with fp32 (share of identical top-1) is reported.
//
// Training happens once: the models are built into a store shared by every test process
// ($BSB_CACHE_DIR if set, else <build>/test-cache/bsb-matrix), keyed by the recipe hash, so
// only the first run of this binary on a fresh build trains (about 2–5 minutes on 2 cores).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <ostream>
#include <memory>
#include <string>
#include <vector>

#include "agent/runtime/hosted_interpreter.h"
#include "agent/runtime/model.h"
#include "agent/runtime/model_stats.h"
#include "artifacts/calibrate.h"
#include "artifacts/dataset.h"
#include "artifacts/quantize.h"
#include "artifacts/resolve.h"
#include "artifacts/store.h"
#include "artifacts/zoo.h"

namespace bsb::artifacts {
namespace {

constexpr uint32_t kTestImages = 1000;
constexpr uint32_t kCalibrationSamples = 300;

std::string CacheRoot() {
  if (const char* env = std::getenv("BSB_CACHE_DIR"); env != nullptr && *env != '\0') return env;
  return std::string(BSB_BINARY_DIR) + "/test-cache/bsb-matrix";
}

// The first `count` images of a gzipped IDX file, without inflating the other 59,700 (each
// ctest process loads its own copy).
Result<idx::Images> FirstImages(const std::string& path, uint32_t count) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return MakeError("cannot open " + path);
  std::vector<uint8_t> bytes(16);
  bool ok = gzread(f, bytes.data(), 16) == 16;
  const uint32_t rows = (uint32_t{bytes[8]} << 24) | (uint32_t{bytes[9]} << 16) | (uint32_t{bytes[10]} << 8) | bytes[11];
  const uint32_t cols = (uint32_t{bytes[12]} << 24) | (uint32_t{bytes[13]} << 16) | (uint32_t{bytes[14]} << 8) | bytes[15];
  const size_t payload = size_t{count} * rows * cols;
  bytes.resize(16 + payload);
  ok = ok && rows * cols <= 4096 && gzread(f, bytes.data() + 16, static_cast<unsigned>(payload)) == static_cast<int>(payload);
  gzclose(f);
  if (!ok) return MakeError(path + ": fewer than " + std::to_string(count) + " images");
  for (int b = 0; b < 4; ++b) bytes[4 + static_cast<size_t>(b)] = static_cast<uint8_t>(count >> (24 - 8 * b));
  idx::Images images;
  std::string error;
  if (!idx::ParseImages(bytes.data(), bytes.size(), path, &images, &error)) return MakeError(error);
  return images;
}

// What every test in this binary shares: the trained zoo, the test slice, calibration images.
struct Shared {
  std::map<std::string, ZooModel> zoo;
  std::map<std::string, std::vector<uint8_t>> float_bytes;
  LabeledImages test;      // first kTestImages test examples
  idx::Images calibration; // first kCalibrationSamples training images
};
Shared* g_shared = nullptr;

class ZooEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    auto shared = std::make_unique<Shared>();
    const auto fm = FashionMnist();
    auto test = LoadLabeledImages(fm.test_images, fm.test_labels);
    ASSERT_TRUE(test.ok()) << test.error().message;
    shared->test = std::move(*test);
    shared->test.images.count = kTestImages;
    shared->test.images.pixels.resize(static_cast<size_t>(kTestImages) * shared->test.images.PixelsPerImage());
    shared->test.labels.values.resize(kTestImages);
    auto train = FirstImages(fm.train_images, kCalibrationSamples);
    ASSERT_TRUE(train.ok()) << train.error().message;
    shared->calibration = std::move(*train);

    Store store(CacheRoot());
    // ctest runs each case as its own process, several at once: one trains, the others wait
    // for it here and then find the models in the store.
    std::filesystem::create_directories(CacheRoot());
    const int lock = ::open((CacheRoot() + "/zoo-test.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(lock, 0) << "cannot open the lock file in " << CacheRoot();
    ASSERT_EQ(::flock(lock, LOCK_EX), 0);
    struct Unlock {
      int fd;
      ~Unlock() { ::close(fd); }
    } unlock{lock};
    for (const Recipe& r : ZooRecipes()) {
      const auto start = std::chrono::steady_clock::now();
      auto z = BuildZooModel(store, r);
      ASSERT_TRUE(z.ok()) << z.error().message;
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf("[zoo] %-9s %s in %.1f s (training took %.1f s when built); float test accuracy %.2f %% on %u\n",
                  r.name.c_str(), z->from_cache ? "from cache" : "trained", wall, z->train_seconds,
                  100.0 * z->test_accuracy, z->test_examples);
      auto bytes = store.Get(z->sha256);
      ASSERT_TRUE(bytes.ok()) << bytes.error().message;
      shared->float_bytes[r.name] = std::move(*bytes);
      shared->zoo[r.name] = *z;
    }
    g_shared = shared.release();
  }
  void TearDown() override { delete g_shared; }
};
const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new ZooEnvironment);

// A model held 16-byte aligned, loaded and prepared by the runtime.
class Runner {
 public:
  // Empty string on success, the runtime's message otherwise.
  std::string Load(const std::vector<uint8_t>& bytes) {
    storage_.assign(bytes.size() + 16, 0);
    uint8_t* base = storage_.data() + (16 - reinterpret_cast<uintptr_t>(storage_.data()) % 16) % 16;
    std::copy(bytes.begin(), bytes.end(), base);
    rt::ErrorReporter err;
    if (rt::LoadModel(base, bytes.size(), &model_, &err) != rt::Status::kOk) return "load: " + std::string(err.message());
    stats_ = rt::ComputeModelStats(model_);
    if (hosted_.Prepare(model_, &err) != rt::Status::kOk) return "prepare: " + std::string(err.message());
    return "";
  }
  const rt::ModelStats& stats() const { return stats_; }

  // The float output for one float input (the model's input must be float32).
  std::vector<float> Probabilities(const std::vector<float>& input) {
    rt::Interpreter& in = hosted_.interpreter();
    std::copy(input.begin(), input.end(), in.input(0)->As<float>());
    EXPECT_EQ(in.Invoke(), rt::Status::kOk);
    const rt::Tensor* y = in.output(0);
    return std::vector<float>(y->As<float>(), y->As<float>() + y->shape.FlatSize());
  }

  // Top-1 class of each image: pixels * 1/255 (the zoo's preprocessing), quantized with the
  // input tensor's own parameters when the input is integer; argmax of the raw output values
  // (dequantization is monotone, so the raw argmax is the real one; ties → lowest index).
  std::vector<int> Predict(const idx::Images& images) {
    rt::Interpreter& in = hosted_.interpreter();
    rt::Tensor* x = in.input(0);
    const rt::Tensor* y = in.output(0);
    std::vector<int> top1;
    for (uint32_t i = 0; i < images.count; ++i) {
      const uint8_t* px = images.Image(i);
      for (size_t p = 0; p < images.PixelsPerImage(); ++p) {
        const float real = static_cast<float>(px[p]) * (1.0f / 255.0f);
        if (x->type == tflite::TensorType_FLOAT32) {
          x->As<float>()[p] = real;
        } else {
          const float q = std::round(real / x->quant.scale()) + static_cast<float>(x->quant.zero_point());
          if (x->type == tflite::TensorType_INT8) x->As<int8_t>()[p] = static_cast<int8_t>(std::clamp(q, -128.0f, 127.0f));
          else x->As<int16_t>()[p] = static_cast<int16_t>(std::clamp(q, -32768.0f, 32767.0f));
        }
      }
      EXPECT_EQ(in.Invoke(), rt::Status::kOk);
      const int64_t n = y->shape.FlatSize();
      int best = 0;
      for (int c = 1; c < n; ++c) {
        if (Value(y, c) > Value(y, best)) best = c;
      }
      top1.push_back(best);
    }
    return top1;
  }

 private:
  static double Value(const rt::Tensor* t, int i) {
    switch (t->type) {
      case tflite::TensorType_FLOAT32: return t->As<float>()[i];
      case tflite::TensorType_INT8: return t->As<int8_t>()[i];
      case tflite::TensorType_INT16: return t->As<int16_t>()[i];
      default: ADD_FAILURE() << "output type " << rt::TypeName(t->type); return 0;
    }
  }
  std::vector<uint8_t> storage_;
  rt::Model model_;
  rt::ModelStats stats_;
  rt::HostedInterpreter hosted_;
};

double Accuracy(const std::vector<int>& top1, const idx::Labels& labels) {
  size_t right = 0;
  for (size_t i = 0; i < top1.size(); ++i) right += top1[i] == labels.values[i] ? 1 : 0;
  return static_cast<double>(right) / static_cast<double>(top1.size());
}

double Agreement(const std::vector<int>& a, const std::vector<int>& b) {
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(same) / static_cast<double>(a.size());
}

bool IsInt16(Scheme s) { return s == Scheme::kInt16x8 || s == Scheme::kInt16x8Only; }

// The runtime's Prepare error for the one kernel the 16x8 zoo models lack.
constexpr const char* kMissingInt16Softmax = "(SOFTMAX) has no kernel for tensor types [INT16] -> [INT16]";

// Allowed drop of top-1 accuracy below fp32, in points (issue 4).
double TolerancePoints(Scheme s) {
  switch (s) {
    case Scheme::kFp32: return 0.0;
    case Scheme::kFloat16: return 0.2;
    case Scheme::kDynamic: return 1.0;
    default: return 2.0;
  }
}

struct Case {
  std::string model;
  Scheme scheme;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.model << " " << SchemeName(c.scheme); }

class ZooSchemeTest : public ::testing::TestWithParam<Case> {};

TEST_P(ZooSchemeTest, RunsInRuntimeWithinToleranceOfFp32) {
  ASSERT_NE(g_shared, nullptr);
  const Case& c = GetParam();
  const std::vector<uint8_t>& float_bytes = g_shared->float_bytes.at(c.model);

  Runner fp32;
  ASSERT_EQ(fp32.Load(float_bytes), "");
  const std::vector<int> reference = fp32.Predict(g_shared->test.images);
  const double fp32_accuracy = Accuracy(reference, g_shared->test.labels);

  QuantizeOptions options;
  options.scheme = c.scheme;
  options.calibration = &g_shared->calibration;
  options.samples = kCalibrationSamples;
  const auto start = std::chrono::steady_clock::now();
  auto bytes = QuantizeTflite(float_bytes, c.model + ".tflite", options);
  const double quantize_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;

  Runner q;
  const std::string error = q.Load(*bytes);
  // What `bsb-matrix inspect` prints as "scheme:" (known once the file loaded, before Prepare).
  EXPECT_EQ(q.stats().scheme, c.scheme) << "inspect says " << rt::SchemeName(q.stats().scheme);
  if (IsInt16(c.scheme) && error.find(kMissingInt16Softmax) != std::string::npos) {
    GTEST_SKIP() << "agent/runtime has no int16 SOFTMAX kernel (" << error
                 << "); Int16x8Logits measures these models without their final SOFTMAX";
  }
  ASSERT_EQ(error, "") << c.model << " " << SchemeName(c.scheme);

  const std::vector<int> top1 = q.Predict(g_shared->test.images);
  const double accuracy = Accuracy(top1, g_shared->test.labels);
  const double agreement = Agreement(top1, reference);
  std::printf("[accuracy] %-9s %-12s %8zu bytes  quantize %7.1f ms  top-1 %6.2f %% (fp32 %6.2f %%, delta %+5.2f)  "
              "agreement %6.2f %%\n",
              c.model.c_str(), SchemeName(c.scheme), bytes->size(), quantize_ms, 100.0 * accuracy, 100.0 * fp32_accuracy,
              100.0 * (accuracy - fp32_accuracy), 100.0 * agreement);
  RecordProperty("bytes", static_cast<int>(bytes->size()));
  RecordProperty("quantize_ms", static_cast<int>(std::lround(quantize_ms)));
  RecordProperty("top1_permille", static_cast<int>(std::lround(1000.0 * accuracy)));
  RecordProperty("agreement_permille", static_cast<int>(std::lround(1000.0 * agreement)));
  EXPECT_GE(100.0 * accuracy, 100.0 * fp32_accuracy - TolerancePoints(c.scheme) - 1e-9)
      << c.model << " " << SchemeName(c.scheme) << " loses more than " << TolerancePoints(c.scheme) << " points";
  if (c.scheme == Scheme::kFp32) {
    EXPECT_EQ(*bytes, float_bytes);
  } else {
    // Sizes: every other scheme stores its weights in at most half the float bytes (+ graph).
    EXPECT_LT(bytes->size(), float_bytes.size() * 6 / 10);
  }
}

// The 16x8 models up to their logits: the same quantized file minus its final SOFTMAX (and the
// DEQUANTIZE after it, for float I/O), so the output is the int16 logits tensor. Top-1 of the
// logits equals top-1 of a softmax over them, up to ties in the quantized probabilities. This
// measures every quantized layer the runtime can run today; the skipped cases above are the
// whole-model check, which runs as soon as agent/runtime has an int16 SOFTMAX.
class Int16x8Logits : public ::testing::TestWithParam<Case> {};

TEST_P(Int16x8Logits, WithinTwoPointsOfFp32WithoutFinalSoftmax) {
  ASSERT_NE(g_shared, nullptr);
  const Case& c = GetParam();
  const std::vector<uint8_t>& float_bytes = g_shared->float_bytes.at(c.model);
  Runner fp32;
  ASSERT_EQ(fp32.Load(float_bytes), "");
  const std::vector<int> reference = fp32.Predict(g_shared->test.images);
  const double fp32_accuracy = Accuracy(reference, g_shared->test.labels);

  QuantizeOptions options;
  options.scheme = c.scheme;
  options.calibration = &g_shared->calibration;
  options.samples = kCalibrationSamples;
  const auto start = std::chrono::steady_clock::now();
  auto bytes = QuantizeTflite(float_bytes, c.model + ".tflite", options);
  const double quantize_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  auto model = Parse(*bytes, c.model);
  ASSERT_TRUE(model.ok()) << model.error().message;
  Model& m = *model;
  if (m.operators.back().op == static_cast<int32_t>(Op::kDequantize)) m.operators.pop_back();
  ASSERT_EQ(m.operators.back().op, static_cast<int32_t>(Op::kSoftmax));
  const int32_t logits = m.operators.back().inputs[0];
  m.operators.pop_back();
  m.outputs = {logits};
  ASSERT_EQ(m.tensors[logits].type, TensorType::kInt16);

  Runner q;
  ASSERT_EQ(q.Load(Serialize(m)), "");
  const std::vector<int> top1 = q.Predict(g_shared->test.images);
  const double accuracy = Accuracy(top1, g_shared->test.labels);
  const double agreement = Agreement(top1, reference);
  std::printf("[accuracy] %-9s %-12s %8zu bytes  quantize %7.1f ms  top-1 %6.2f %% (fp32 %6.2f %%, delta %+5.2f)  "
              "agreement %6.2f %%  [logits: no int16 SOFTMAX in the runtime]\n",
              c.model.c_str(), SchemeName(c.scheme), bytes->size(), quantize_ms, 100.0 * accuracy, 100.0 * fp32_accuracy,
              100.0 * (accuracy - fp32_accuracy), 100.0 * agreement);
  RecordProperty("top1_permille", static_cast<int>(std::lround(1000.0 * accuracy)));
  RecordProperty("agreement_permille", static_cast<int>(std::lround(1000.0 * agreement)));
  EXPECT_GE(100.0 * accuracy, 100.0 * fp32_accuracy - 2.0 - 1e-9) << c.model << " " << SchemeName(c.scheme);
}

// Determinism: the full recipes give these bytes on every run and machine (the previous
// session's training and this one's, on a differently loaded machine, agree). A change to
// training, initialisation or the writer must bump kZooCodeVersion and update these pins.
TEST(ZooModels, FileBytesArePinned) {
  ASSERT_NE(g_shared, nullptr);
  EXPECT_EQ(g_shared->zoo.at("fc-small").sha256, "5d973a4c439e21355b60d7129a0e8b18835bb43dba20744ff82aea7f6ffd79b2");
  EXPECT_EQ(g_shared->zoo.at("fc-large").sha256, "58ab23ab7802a37955f053d34fa4569c5fe8398cfd0fd361a68872381f74d65b");
  EXPECT_EQ(g_shared->zoo.at("cnn-small").sha256, "8dc81f0463dacf517f9bd78493a7a2d1be431d4bdc10fcd67bf940584276d8b6");
  for (const auto& [name, bytes] : g_shared->float_bytes) EXPECT_EQ(Sha256OfBytes(bytes), g_shared->zoo.at(name).sha256);
}

// Calibration evaluates the float model with its own evaluator (calibrate.cc): it must compute
// what agent/runtime computes for the same file.
TEST(ZooModels, CalibrationEvaluatorMatchesTheRuntime) {
  ASSERT_NE(g_shared, nullptr);
  for (const auto& [name, bytes] : g_shared->float_bytes) {
    auto model = Parse(bytes, name);
    ASSERT_TRUE(model.ok()) << model.error().message;
    Runner runner;
    ASSERT_EQ(runner.Load(bytes), "");
    for (uint32_t i = 0; i < 20; ++i) {
      const uint8_t* px = g_shared->test.images.Image(i);
      std::vector<float> input(g_shared->test.images.PixelsPerImage());
      for (size_t p = 0; p < input.size(); ++p) input[p] = static_cast<float>(px[p]) * (1.0f / 255.0f);
      auto values = EvaluateFloat(*model, input);
      ASSERT_TRUE(values.ok()) << values.error().message;
      const std::vector<float> probs = runner.Probabilities(input);
      const std::vector<float>& ours = (*values)[model->outputs[0]];
      ASSERT_EQ(ours.size(), probs.size());
      for (size_t c = 0; c < probs.size(); ++c) EXPECT_NEAR(ours[c], probs[c], 1e-5) << name << " image " << i << " class " << c;
    }
  }
}

// The resolver on a zoo source: quantized once, then served from the store, the same bytes
// the quantizer gives directly.
TEST(ZooModels, ResolverQuantizesZooSourceOnce) {
  ASSERT_NE(g_shared, nullptr);
  Store store(CacheRoot());
  ResolveRequest r;
  r.model = "fc-small", r.scheme = "int8";
  r.source = ArtifactSource{ArtifactSource::Kind::kZoo, "fc-small", ""};
  // The calibration file: the first 300 training images as plain IDX (hashing all 60,000 for
  // the cache key would cost seconds per call).
  const std::string images_path = CacheRoot() + "/calibration-300.idx";
  ASSERT_TRUE(WriteFileAtomic(images_path, idx::EncodeImages(g_shared->calibration)).ok());
  r.calibration = CalibrationSet{images_path, kCalibrationSamples, 1.0f / 255.0f, 0.0f};
  auto first = ResolveArtifact(store, r);
  ASSERT_TRUE(first.ok()) << first.error().message;
  auto second = ResolveArtifact(store, r);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_TRUE(second->cached);
  EXPECT_EQ(second->sha256, first->sha256);
  QuantizeOptions options;
  options.scheme = Scheme::kInt8, options.calibration = &g_shared->calibration, options.samples = kCalibrationSamples;
  auto direct = QuantizeTflite(g_shared->float_bytes.at("fc-small"), "fc-small", options);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(Sha256OfBytes(*direct), first->sha256);
}

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (const char* m : {"fc-small", "fc-large", "cnn-small"}) {
    for (Scheme s : {Scheme::kFp32, Scheme::kFloat16, Scheme::kDynamic, Scheme::kInt8, Scheme::kInt8Only,
                     Scheme::kInt16x8, Scheme::kInt16x8Only}) {
      cases.push_back({m, s});
    }
  }
  return cases;
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = info.param.model + "_" + SchemeName(info.param.scheme);
  for (char& ch : name) {
    if (ch == '-') ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Zoo, ZooSchemeTest, ::testing::ValuesIn(AllCases()), CaseName);

std::vector<Case> Int16Cases() {
  std::vector<Case> cases;
  for (const Case& c : AllCases()) {
    if (IsInt16(c.scheme)) cases.push_back(c);
  }
  return cases;
}
INSTANTIATE_TEST_SUITE_P(Zoo, Int16x8Logits, ::testing::ValuesIn(Int16Cases()), CaseName);

}  // namespace
}  // namespace bsb::artifacts
