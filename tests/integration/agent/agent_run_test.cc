// `bsb-agent run` end to end on the three architectures: a conformance int8 model
// (ad01_int8: ten FULLY_CONNECTED, 640 int8 in, 640 int8 out) over a synthetic IDX dataset
// written here. Checks the result JSON against the protocol parser and the JSON Schema, the
// emulation stamps, and that integer predictions are identical on x86_64, aarch64 and armv7.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent/common/idx.h"
#include "agent/protocol/cell_spec.h"
#include "agent/protocol/result.h"
#include "tests/integration/agent/agent_process.h"

namespace bsb::agent::testing {
namespace {

namespace fs = std::filesystem;

const std::string kModel = std::string(BSB_SHARED_DIR) + "/conformance/ad01_int8/model.tflite";
constexpr uint32_t kRows = 20, kCols = 32;  // 20·32 = 640 pixels = ad01's input elements
constexpr uint32_t kSamples = 40;
constexpr uint32_t kClasses = 640;          // ad01's output elements: labels 0..639

// Deterministic pixels (a 32-bit LCG, Numerical Recipes constants) so every run sees the same.
idx::Images SyntheticImages(uint32_t count, uint32_t rows, uint32_t cols) {
  idx::Images images{count, rows, cols, {}};
  uint32_t state = 12345;
  images.pixels.resize(static_cast<std::size_t>(count) * rows * cols);
  for (uint8_t& p : images.pixels) {
    state = state * 1664525u + 1013904223u;
    p = static_cast<uint8_t>(state >> 24);
  }
  return images;
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

class AgentRun : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kModel)) GTEST_SKIP() << "skipped: " << kModel << " not found (shared/conformance)";
    char templ[] = "/tmp/bsb-agent-run-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    dir_ = templ;
    WriteDataset(SyntheticImages(kSamples, kRows, kCols), std::vector<uint8_t>(kSamples, 3));
    spec_.model_path = kModel;
    spec_.images_path = dir_ + "/images.idx";
    spec_.labels_path = dir_ + "/labels.idx";
    spec_.input_scale = 0.05;  // spreads the pixels over ad01's input range (scale 0.391, zp 89)
    spec_.scheme = "int8-only";
    spec_.warmup = 3;
    spec_.runs = 30;
    spec_.samples = kSamples;
    spec_.threads = 1;
    spec_.seed = 42;
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  void WriteDataset(const idx::Images& images, std::vector<uint8_t> labels) {
    WriteBytes(dir_ + "/images.idx", idx::EncodeImages(images));
    WriteBytes(dir_ + "/labels.idx", idx::EncodeLabels(idx::Labels{std::move(labels)}));
  }

  // Runs `prefix... bsb-agent run --spec` and returns the parsed result (also kept as a line
  // in results.jsonl for the schema check).
  protocol::CellResult Run(const std::vector<std::string>& prefix) {
    const std::string spec_path = dir_ + "/cell.json";
    std::ofstream(spec_path) << protocol::SerializeCellSpec(spec_);
    std::vector<std::string> argv = prefix;
    for (const char* a : {"run", "--spec"}) argv.push_back(a);
    argv.push_back(spec_path);
    const ProcessResult r = RunProcess(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::ofstream(dir_ + "/results.jsonl", std::ios::app) << r.out;
    last_line_ = r.out;
    auto parsed = protocol::ParseResult(r.out);
    EXPECT_TRUE(parsed.ok()) << parsed.error() << "\n" << r.out;
    return parsed.ok() ? *parsed : protocol::CellResult{};
  }

  void ExpectSchemaValid() {
    const ProcessResult r = RunProcess({"/usr/bin/python3", std::string(BSB_SOURCE_DIR) +
                                        "/tests/integration/agent/validate_results.py",
                                        std::string(BSB_SOURCE_DIR) + "/agent/protocol/result.schema.json",
                                        dir_ + "/results.jsonl"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  std::string dir_;
  std::string last_line_;  // the agent's stdout of the last Run
  protocol::CellSpec spec_;
};

std::vector<std::string> Native() { return {AgentPath("x86_64")}; }
std::vector<std::string> QemuAarch64() { return {"qemu-aarch64-static", AgentPath("aarch64")}; }
std::vector<std::string> QemuArm() { return {"qemu-arm-static", AgentPath("armv7")}; }

TEST_F(AgentRun, NativeResultIsCompleteAndSchemaValid) {
  spec_.threads = 2;
  const protocol::CellResult r = Run(Native());
  ASSERT_EQ(r.status, protocol::ResultStatus::kOk) << r.error;
  EXPECT_FALSE(r.stamp.emulated);
  EXPECT_EQ(r.stamp.arch, "x86_64");
  EXPECT_EQ(r.stamp.threads_used, 1u);  // single-threaded runtime, stamped honestly
  ASSERT_TRUE(r.metrics);
  const protocol::Metrics& m = *r.metrics;
  EXPECT_EQ(m.samples, kSamples);
  EXPECT_EQ(r.predictions.size(), kSamples);
  EXPECT_EQ(m.size_bytes, fs::file_size(kModel));
  EXPECT_GT(m.latency_ms.min, 0);
  EXPECT_LE(m.latency_ms.min, m.latency_ms.p50);
  EXPECT_LE(m.latency_ms.p99, m.latency_ms.max);
  ASSERT_TRUE(m.load_ms && m.first_inference_ms && m.rss_delta_bytes && m.peak_rss_bytes && m.arena_bytes);
  EXPECT_GT(*m.load_ms, 0);
  EXPECT_GT(*m.first_inference_ms, 0);
  EXPECT_GT(*m.peak_rss_bytes, 0u);
  EXPECT_GT(*m.arena_bytes, 0u);
  for (uint32_t p : r.predictions) EXPECT_LT(p, kClasses);
  ExpectSchemaValid();
  // The agent's own wall time covers the load, the first inference and every timed run.
  const nlohmann::json line = nlohmann::json::parse(last_line_);
  ASSERT_TRUE(line["metrics"].contains("agent_ms")) << last_line_;
  EXPECT_GE(line["metrics"]["agent_ms"].get<double>(),
            *m.load_ms + *m.first_inference_ms + m.latency_ms.mean * static_cast<double>(spec_.runs));
}

TEST_F(AgentRun, AccuracyCountsLabelsThatMatchThePredictions) {
  const protocol::CellResult first = Run(Native());
  ASSERT_EQ(first.status, protocol::ResultStatus::kOk) << first.error;
  // IDX labels are bytes, so keep the examples whose prediction fits one, label each with its
  // own prediction (→ accuracy 1), then shift every other label by one (→ floor(n/2)/n).
  const idx::Images all = SyntheticImages(kSamples, kRows, kCols);
  idx::Images kept{0, kRows, kCols, {}};
  std::vector<uint8_t> labels;
  for (uint32_t i = 0; i < kSamples; ++i) {
    if (first.predictions[i] > 255) continue;
    kept.pixels.insert(kept.pixels.end(), all.Image(i), all.Image(i) + all.PixelsPerImage());
    labels.push_back(static_cast<uint8_t>(first.predictions[i]));
    ++kept.count;
  }
  ASSERT_GE(kept.count, 2u) << "too few predictions below 256 to relabel";
  spec_.samples = kept.count;
  WriteDataset(kept, labels);
  EXPECT_DOUBLE_EQ(Run(Native()).metrics->accuracy, 1.0);
  for (std::size_t i = 0; i < labels.size(); i += 2) labels[i] = static_cast<uint8_t>(labels[i] ^ 1);
  WriteDataset(kept, labels);
  const double n = kept.count;
  EXPECT_DOUBLE_EQ(Run(Native()).metrics->accuracy, static_cast<double>(kept.count / 2) / n);
}

TEST_F(AgentRun, PredictionsAreIdenticalOnAllThreeArchitectures) {
  const protocol::CellResult native = Run(Native());
  const protocol::CellResult arm64 = Run(QemuAarch64());
  const protocol::CellResult armv7 = Run(QemuArm());
  for (const protocol::CellResult* r : {&native, &arm64, &armv7}) {
    ASSERT_EQ(r->status, protocol::ResultStatus::kOk) << r->stamp.arch << ": " << r->error;
  }
  EXPECT_FALSE(native.stamp.emulated);
  EXPECT_TRUE(arm64.stamp.emulated);
  EXPECT_TRUE(armv7.stamp.emulated);
  EXPECT_NE(arm64.stamp.emulated_reason.find("qemu-aarch64"), std::string::npos);
  EXPECT_NE(armv7.stamp.emulated_reason.find("qemu-arm"), std::string::npos);
  EXPECT_EQ(arm64.stamp.arch, "aarch64");
  EXPECT_EQ(armv7.stamp.arch, "armv7");
  // Same integer kernels everywhere: bit-exact outputs, so the same top-1 for every sample.
  EXPECT_EQ(native.predictions, arm64.predictions);
  EXPECT_EQ(native.predictions, armv7.predictions);
  EXPECT_EQ(native.metrics->accuracy, arm64.metrics->accuracy);
  EXPECT_EQ(native.metrics->accuracy, armv7.metrics->accuracy);
  ExpectSchemaValid();
}

TEST_F(AgentRun, MalformedModelFailsWithReason) {
  std::vector<uint8_t> garbage(4096);
  for (std::size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<uint8_t>(i * 7 + 3);
  WriteBytes(dir_ + "/bad.tflite", garbage);
  spec_.model_path = dir_ + "/bad.tflite";
  for (const auto& prefix : {Native(), QemuAarch64()}) {
    const protocol::CellResult r = Run(prefix);
    EXPECT_EQ(r.status, protocol::ResultStatus::kFailed);
    EXPECT_NE(r.error.find("model rejected"), std::string::npos) << r.error;
    EXPECT_FALSE(r.metrics);
  }
  ExpectSchemaValid();
}

TEST_F(AgentRun, TruncatedModelFailsWithReason) {
  std::ifstream in(kModel, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  bytes.resize(bytes.size() / 2);
  WriteBytes(dir_ + "/half.tflite", bytes);
  spec_.model_path = dir_ + "/half.tflite";
  const protocol::CellResult r = Run(Native());
  EXPECT_EQ(r.status, protocol::ResultStatus::kFailed);
  EXPECT_NE(r.error.find("model rejected"), std::string::npos) << r.error;
}

TEST_F(AgentRun, MissingModelFailsNamingThePath) {
  spec_.model_path = dir_ + "/nowhere.tflite";
  const protocol::CellResult r = Run(Native());
  EXPECT_EQ(r.status, protocol::ResultStatus::kFailed);
  EXPECT_NE(r.error.find(dir_ + "/nowhere.tflite"), std::string::npos) << r.error;
}

TEST_F(AgentRun, DatasetShapeMismatchFails) {
  WriteDataset(SyntheticImages(kSamples, 28, 28), std::vector<uint8_t>(kSamples, 1));  // 784 ≠ 640
  const protocol::CellResult r = Run(Native());
  EXPECT_EQ(r.status, protocol::ResultStatus::kFailed);
  EXPECT_NE(r.error.find("dataset shape mismatch"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("784"), std::string::npos) << r.error;
  ExpectSchemaValid();
}

TEST_F(AgentRun, TooFewExamplesFails) {
  spec_.samples = kSamples + 1;
  const protocol::CellResult r = Run(Native());
  EXPECT_EQ(r.status, protocol::ResultStatus::kFailed);
  EXPECT_NE(r.error.find("samples=41"), std::string::npos) << r.error;
}

TEST_F(AgentRun, CorruptDatasetFails) {
  WriteBytes(dir_ + "/images.idx", {0x00, 0x00, 0x08, 0x03, 0x00});  // header cut short
  const protocol::CellResult r = Run(Native());
  EXPECT_EQ(r.status, protocol::ResultStatus::kFailed);
  EXPECT_NE(r.error.find("images.idx"), std::string::npos) << r.error;
}

TEST_F(AgentRun, PinsToAnExistingCpuAndRefusesAMissingOne) {
  spec_.cpu = 0;
  EXPECT_EQ(Run(Native()).status, protocol::ResultStatus::kOk);
  spec_.cpu = 1000;  // CPU_SETSIZE is 1024; no test machine has a CPU 1000
  const protocol::CellResult r = Run(Native());
  EXPECT_EQ(r.status, protocol::ResultStatus::kFailed);
  EXPECT_NE(r.error.find("cannot pin to CPU 1000"), std::string::npos) << r.error;
}

TEST_F(AgentRun, InvalidSpecIsAUsageErrorNotAResult) {
  const std::string spec_path = dir_ + "/cell.json";
  std::ofstream(spec_path) << R"({"schema": 1, "model_path": 7})";
  const ProcessResult r = RunProcess({AgentPath("x86_64"), "run", "--spec", spec_path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find(spec_path), std::string::npos) << r.err;
  EXPECT_EQ(RunProcess({AgentPath("x86_64"), "run"}).exit_code, 2);
}

}  // namespace
}  // namespace bsb::agent::testing
