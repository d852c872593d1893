// agent/runtime costs (issue 3, "Performance"): mean single-inference latency of every
// conformance model with golden pairs, single thread, the input being golden record 0.
// Reported, never asserted; compare with TFLite Micro's reference kernels on these machines
// (≈57 µs mnist_ffn_int8, 9 ms kws_dscnn_int8, 25 ms vww_mobilenet_int8, 42 ms resnet8_int8).
#include <cstring>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "tests/integration/agent/conformance_util.h"

namespace {

using bsb::rt::Status;
namespace conf = bsb::rt::testing;

void BM_RuntimeInvoke(benchmark::State& state, const std::string& name) {
  conf::LoadedModel loaded(conf::ConformanceDir() / name / "model.tflite");
  if (loaded.status() != Status::kOk) {
    state.SkipWithError(loaded.message());
    return;
  }
  const std::vector<uint8_t> record = conf::ReadBytes(conf::ConformanceDir() / name / "in_0.bin");
  bsb::rt::Tensor* input = loaded.interp().input(0);
  if (record.size() < input->bytes) {
    state.SkipWithError("in_0.bin is shorter than input tensor 0");
    return;
  }
  std::memcpy(input->data, record.data(), input->bytes);
  for (auto _ : state) {
    if (loaded.interp().Invoke() != Status::kOk) {
      state.SkipWithError("Invoke failed");
      return;
    }
    benchmark::ClobberMemory();
  }
  state.counters["arena_bytes"] = static_cast<double>(loaded.interp().arena_used_bytes());
}

// One benchmark per model folder that has golden pairs (LSTM and hybrid models have none).
const bool registered = [] {
  for (const std::string& name : conf::ConformanceModels()) {
    if (!std::filesystem::exists(conf::ConformanceDir() / name / "in_0.bin") || conf::IsLstm(name)) continue;
    benchmark::RegisterBenchmark(("BM_RuntimeInvoke/" + name).c_str(), BM_RuntimeInvoke, name)
        ->Unit(benchmark::kMicrosecond);
  }
  return true;
}();

}  // namespace
