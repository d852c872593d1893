// Dynamic-range (hybrid) models: int8 weights, float activations. TFLite Micro refuses them, so
// there are no golden pairs; toycar_dynamic is held to its float twin ad01_fp32 (same network)
// on ad01_fp32's golden inputs, and both hybrid models must produce finite outputs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>

#include "tests/integration/agent/conformance_util.h"

namespace bsb::rt::testing {
namespace {

bool HaveModel(const char* name) { return std::filesystem::exists(ConformanceDir() / name / "model.tflite"); }

TEST(RuntimeHybridTest, ToycarDynamicAgreesWithItsFloatTwin) {
  if (!HaveModel("toycar_dynamic") || !HaveModel("ad01_fp32")) GTEST_SKIP() << "conformance set not found at " << ConformanceDir();
  LoadedModel hybrid(ConformanceDir() / "toycar_dynamic" / "model.tflite");
  LoadedModel fp32(ConformanceDir() / "ad01_fp32" / "model.tflite");
  ASSERT_EQ(hybrid.status(), Status::kOk) << hybrid.message();
  ASSERT_EQ(fp32.status(), Status::kOk) << fp32.message();
  ASSERT_EQ(hybrid.interp().input(0)->bytes, fp32.interp().input(0)->bytes);
  ASSERT_EQ(hybrid.interp().output(0)->bytes, fp32.interp().output(0)->bytes);
  double worst_abs = 0, range = 0;
  for (int k = 0; k < 2; ++k) {
    const auto in = ReadBytes(ConformanceDir() / "ad01_fp32" / ("in_" + std::to_string(k) + ".bin"));
    ASSERT_EQ(in.size(), fp32.interp().input(0)->bytes);
    for (LoadedModel* m : {&hybrid, &fp32}) {
      std::memcpy(m->interp().input(0)->data, in.data(), in.size());
      ASSERT_EQ(m->interp().Invoke(), Status::kOk) << m->message();
    }
    const float* h = hybrid.interp().output(0)->As<float>();
    const float* f = fp32.interp().output(0)->As<float>();
    const size_t n = fp32.interp().output(0)->bytes / 4;
    for (size_t e = 0; e < n; ++e) {
      ASSERT_TRUE(std::isfinite(h[e])) << "element " << e;
      worst_abs = std::max(worst_abs, std::fabs(static_cast<double>(h[e]) - f[e]));
      range = std::max(range, std::fabs(static_cast<double>(f[e])));
    }
  }
  std::printf("[ hybrid ] toycar_dynamic vs ad01_fp32: largest |error| %.5g (largest |float output| %.5g, %.3g%%)\n", worst_abs,
              range, 100.0 * worst_abs / range);
  // int8 weights (per-channel symmetric, 127 levels) and int8 per-row inputs through 10 layers:
  // a few percent of the output range is the expected quantization error; 10% means a bug.
  EXPECT_LT(worst_abs, 0.10 * range);
}

TEST(RuntimeHybridTest, KwsDynamicRunsAndItsSoftmaxIsADistribution) {
  if (!HaveModel("kws_dscnn_dynamic") || !HaveModel("kws_dscnn_int8")) GTEST_SKIP() << "conformance set not found at " << ConformanceDir();
  LoadedModel hybrid(ConformanceDir() / "kws_dscnn_dynamic" / "model.tflite");
  ASSERT_EQ(hybrid.status(), Status::kOk) << hybrid.message();
  Tensor* input = hybrid.interp().input(0);
  ASSERT_EQ(input->type, tflite::TensorType_FLOAT32);
  // Feed the int8 model's golden inputs, dequantized with its input scale and zero point.
  LoadedModel int8(ConformanceDir() / "kws_dscnn_int8" / "model.tflite");
  ASSERT_EQ(int8.status(), Status::kOk) << int8.message();
  const Tensor* qin = int8.interp().input(0);
  ASSERT_EQ(qin->bytes * 4, input->bytes);
  int agree = 0;
  for (int k = 0; k < 3; ++k) {
    const auto in = ReadBytes(ConformanceDir() / "kws_dscnn_int8" / ("in_" + std::to_string(k) + ".bin"));
    const auto golden = ReadBytes(ConformanceDir() / "kws_dscnn_int8" / ("out_" + std::to_string(k) + ".bin"));
    float* x = input->As<float>();
    for (size_t e = 0; e < in.size(); ++e) x[e] = qin->quant.scale() * (static_cast<int8_t>(in[e]) - qin->quant.zero_point());
    ASSERT_EQ(hybrid.interp().Invoke(), Status::kOk) << hybrid.message();
    const Tensor* out = hybrid.interp().output(0);
    const float* p = out->As<float>();
    const size_t n = out->bytes / 4;
    double sum = 0;
    size_t best = 0, best_int8 = 0;
    for (size_t e = 0; e < n; ++e) {
      ASSERT_TRUE(std::isfinite(p[e]));
      sum += p[e];
      if (p[e] > p[best]) best = e;
      if (static_cast<int8_t>(golden[e]) > static_cast<int8_t>(golden[best_int8])) best_int8 = e;
    }
    EXPECT_NEAR(sum, 1.0, 1e-4);
    agree += best == best_int8;
  }
  std::printf("[ hybrid ] kws_dscnn_dynamic: top-1 agrees with kws_dscnn_int8 golden on %d of 3 random inputs\n", agree);
}

}  // namespace
}  // namespace bsb::rt::testing
