// libFuzzer entry point for the two .tflite readers: the quantizer's (artifacts::Parse, then
// the writer and the quantizer on what it accepted) and the runtime's loader (rt::LoadModel,
// then what `bsb-matrix inspect` computes, and Prepare + Invoke for small models).
// Any input must be accepted or refused with a message; nothing may read out of bounds, and
// what the writer wrote must read back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "agent/runtime/hosted_interpreter.h"
#include "agent/runtime/model.h"
#include "agent/runtime/model_stats.h"
#include "artifacts/quantize.h"
#include "artifacts/tflite_model.h"

namespace {

// Work caps, so one input stays well under libFuzzer's per-input timeout: the quantizer's
// calibration and the runtime's Invoke only run when every tensor together is this small.
constexpr size_t kMaxElementsToRun = size_t{1} << 14;

size_t TotalElements(const bsb::artifacts::Model& m) {
  size_t n = 0;
  for (const auto& t : m.tensors) {
    const size_t e = t.Elements();
    if (e > kMaxElementsToRun) return SIZE_MAX;
    n += e;
  }
  return n;
}

void FuzzArtifactsReader(const std::vector<uint8_t>& bytes) {
  using namespace bsb::artifacts;
  auto model = Parse(bytes, "fuzz.tflite");
  if (!model.ok()) {
    if (model.error().message.empty()) std::abort();
    return;
  }
  // The writer's output of anything the reader accepted is a fixed point of read → write.
  const std::vector<uint8_t> written = Serialize(*model);
  auto again = Parse(written, "rewritten.tflite");
  if (!again.ok() || Serialize(*again) != written) std::abort();

  const bool small = TotalElements(*model) <= kMaxElementsToRun;
  bsb::idx::Images calibration;
  if (small && model->inputs.size() == 1) {
    calibration.count = 2, calibration.rows = 1;
    calibration.cols = static_cast<uint32_t>(model->tensors[model->inputs[0]].Elements());
    for (size_t i = 0; i < 2 * size_t{calibration.cols}; ++i) calibration.pixels.push_back(static_cast<uint8_t>(i * 3));  // smooth: passes the noise check
  }
  for (Scheme s : {Scheme::kFloat16, Scheme::kDynamic, Scheme::kInt8, Scheme::kInt16x8Only}) {
    if (NeedsCalibration(s) && calibration.count == 0) continue;
    QuantizeOptions options;
    options.scheme = s, options.calibration = &calibration, options.samples = 2;
    auto q = Quantize(*model, options);
    if (!q.ok()) {
      if (q.error().message.empty()) std::abort();
      continue;
    }
    const std::vector<uint8_t> out = Serialize(*q);
    // What the quantizer wrote must read back.
    if (!Parse(out, "quantized.tflite").ok()) std::abort();
  }
}

void FuzzRuntimeLoader(const uint8_t* data, size_t size) {
  // The runtime reads weights in place: give it 16-byte aligned bytes, as every caller does.
  std::vector<uint8_t> storage(size + 16);
  uint8_t* base = storage.data() + (16 - reinterpret_cast<uintptr_t>(storage.data()) % 16) % 16;
  if (size > 0) std::memcpy(base, data, size);
  bsb::rt::Model model;
  bsb::rt::ErrorReporter err;
  if (bsb::rt::LoadModel(base, size, &model, &err) != bsb::rt::Status::kOk) {
    if (!err.has_error()) std::abort();
    return;
  }
  // What inspect prints.
  (void)bsb::rt::ComputeModelStats(model);
  for (int i = 0; i < model.operator_count(); ++i) (void)bsb::rt::OperatorMacs(model, i);
  int64_t elements = 0;
  for (int t = 0; t < model.tensor_count(); ++t) {
    const auto* shape = model.subgraph->tensors()->Get(t)->shape();
    int64_t e = 1;
    if (shape != nullptr) {
      for (int32_t d : *shape) e *= d;
    }
    elements += e;
    if (elements > static_cast<int64_t>(kMaxElementsToRun)) return;
  }
  bsb::rt::HostedInterpreter hosted;
  err.Clear();
  if (hosted.Prepare(model, &err) != bsb::rt::Status::kOk) {
    if (!err.has_error()) std::abort();
    return;
  }
  // Inputs are whatever the arena holds (zeroed by the hosted allocation or earlier ops).
  (void)hosted.interpreter().Invoke();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzArtifactsReader(std::vector<uint8_t>(data, data + size));
  FuzzRuntimeLoader(data, size);
  return 0;
}
