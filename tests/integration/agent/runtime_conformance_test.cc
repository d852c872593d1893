// The runtime against TensorFlow Lite Micro's reference kernels on real converted models
// (../shared/conformance/README.md): integer outputs bit-identical, float outputs within
// 1e-4·max(1,|golden|) per element; arena_bytes compared with TFLM's arena_used_bytes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "tests/integration/agent/conformance_util.h"

namespace bsb::rt::testing {
namespace {

class ConformanceTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ConformanceTest, MatchesGoldenOutputs) {
  const std::string name = GetParam();
  if (IsLstm(name)) GTEST_SKIP() << name << ": UNIDIRECTIONAL_SEQUENCE_LSTM is left for a later issue";
  const nlohmann::json expect = ReadExpect(name);
  const int pairs = expect.value("golden_pairs", 0);
  if (pairs == 0) GTEST_SKIP() << name << " has no golden pairs (hybrid; see RuntimeHybridTest)";
  LoadedModel m(ConformanceDir() / name / "model.tflite");
  ASSERT_EQ(m.status(), Status::kOk) << m.message();
  Interpreter& interp = m.interp();
  const bool all_io = expect.value("all_io", false);
  const int inputs = all_io ? interp.input_count() : 1;
  const int outputs = all_io ? interp.output_count() : 1;
  for (int k = 0; k < pairs; ++k) {
    const auto in = ReadBytes(ConformanceDir() / name / ("in_" + std::to_string(k) + ".bin"));
    const auto golden = ReadBytes(ConformanceDir() / name / ("out_" + std::to_string(k) + ".bin"));
    size_t at = 0;
    for (int i = 0; i < inputs; ++i) {
      ASSERT_LE(at + interp.input(i)->bytes, in.size()) << "record " << k;
      std::memcpy(interp.input(i)->data, in.data() + at, interp.input(i)->bytes);
      at += interp.input(i)->bytes;
    }
    ASSERT_EQ(at, in.size()) << "record " << k << " size";
    ASSERT_EQ(interp.Invoke(), Status::kOk) << m.message();
    at = 0;
    for (int o = 0; o < outputs; ++o) {
      const Tensor* out = interp.output(o);
      ASSERT_LE(at + out->bytes, golden.size());
      if (out->type == tflite::TensorType_FLOAT32) {
        const size_t n = out->bytes / 4;
        double worst = 0;
        for (size_t e = 0; e < n; ++e) {
          float ours, gold;
          std::memcpy(&ours, out->data + 4 * e, 4);
          std::memcpy(&gold, golden.data() + at + 4 * e, 4);
          const double err = std::fabs(static_cast<double>(ours) - gold);
          worst = std::max(worst, err / std::max(1.0, std::fabs(static_cast<double>(gold))));
          ASSERT_LE(err, 1e-4 * std::max(1.0, std::fabs(static_cast<double>(gold)))) << name << " record " << k << " element " << e;
        }
        std::printf("[ conformance ] %-22s record %d: float, worst relative error %.3g\n", name.c_str(), k, worst);
      } else {
        ASSERT_EQ(std::memcmp(out->data, golden.data() + at, out->bytes), 0) << name << " record " << k << ": not bit-identical";
      }
      at += out->bytes;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Shared, ConformanceTest, ::testing::ValuesIn(ConformanceModels()),
                         [](const ::testing::TestParamInfo<std::string>& param) { return param.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ConformanceTest);

TEST(ConformanceSetTest, ArenaTableAgainstTfliteMicro) {
  if (ConformanceModels().empty()) GTEST_SKIP() << "conformance set not found at " << ConformanceDir() << "; skipped";
  // Heads measured with TFLM's own greedy planner (docs/tflite-reference.md §4).
  const std::pair<const char*, size_t> kTfliteMicroHeads[] = {
      {"ad01_int8", 768}, {"kws_dscnn_int8", 16000}, {"resnet8_int8", 49152}, {"vww_mobilenet_int8", 73728}};
  std::printf("%-22s %12s %10s %10s %16s\n", "model", "arena_bytes", "head", "tail", "TFLM arena_used");
  for (const std::string& name : ConformanceModels()) {
    const nlohmann::json expect = ReadExpect(name);
    if (IsLstm(name)) {
      std::printf("%-22s %12s (UNIDIRECTIONAL_SEQUENCE_LSTM left for a later issue)\n", name.c_str(), "-");
      continue;
    }
    LoadedModel m(ConformanceDir() / name / "model.tflite");
    EXPECT_EQ(m.status(), Status::kOk) << name << ": " << m.message();
    if (m.status() != Status::kOk) continue;
    const size_t ours = m.interp().arena_used_bytes();
    const bool has_tflm = expect.contains("arena_used_bytes") && expect["arena_used_bytes"].is_number();
    const size_t tflm = has_tflm ? expect["arena_used_bytes"].get<size_t>() : 0;
    std::printf("%-22s %12zu %10zu %10zu %16s\n", name.c_str(), ours, m.interp().head_bytes(), m.interp().tail_bytes(),
                has_tflm ? std::to_string(tflm).c_str() : "(refuses hybrid)");
    if (has_tflm) {
      EXPECT_LE(ours, tflm) << name << ": our arena is larger than TFLM's";
    }
    for (const auto& [model, head] : kTfliteMicroHeads) {
      if (name == model) {
        EXPECT_EQ(m.interp().head_bytes(), head) << name << ": planner differs from TFLM's greedy plan";
      }
    }
  }
}

}  // namespace
}  // namespace bsb::rt::testing
