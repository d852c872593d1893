// A fixed, hand-built ResultSet for the report golden files and the Chromium test. It holds
// what a report must handle: native and emulated targets, a baseline per (model, target),
// a quantized cell that breaches the accuracy gate, a benchmark failure, infrastructure
// faults, an unsupported cell, and a model whose name is an HTML/script injection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reports/result_set.h"

namespace bsb::reports::testing {

inline constexpr const char* kInjectedModel = "<script>alert(1)</script>";
inline constexpr uint64_t kSamples = 1000;

// fp32 predictions: a fixed pseudo-random label sequence over 10 classes.
inline std::vector<uint32_t> BaselinePredictions() {
  std::vector<uint32_t> labels(kSamples);
  for (uint64_t i = 0; i < kSamples; ++i) labels[i] = static_cast<uint32_t>((i * 7 + 3) % 10);
  return labels;
}

// The baseline with every `period`-th label changed: agreement = 1 − ceil(1000/period)/1000.
inline std::vector<uint32_t> PredictionsDifferingEvery(uint64_t period) {
  std::vector<uint32_t> labels = BaselinePredictions();
  for (uint64_t i = 0; i < kSamples; i += period) labels[i] = (labels[i] + 1) % 10;
  return labels;
}

inline protocol::Stamp NativeStamp() {
  return {"Intel(R) Xeon(R) CPU @ 2.20GHz", "x86_64", "Debian GNU/Linux 12", "6.1.0-13-amd64",
          "glibc 2.36", "gcc 12.2.0", "0.1.0", "0.1.0", "e90cff7abcde", false, "", "ci-runner-7",
          1};
}

inline protocol::Stamp EmulatedStamp() {
  return {"Intel(R) Xeon(R) CPU @ 2.20GHz", "aarch64", "Debian GNU/Linux 12", "6.1.0-13-amd64",
          "glibc 2.36", "aarch64-linux-gnu-gcc 12.2.0", "0.1.0", "0.1.0", "e90cff7abcde", true,
          "/proc/thread-self/exe is /usr/bin/qemu-aarch64-static", "ci-runner-7", 1};
}

// An ok result: `correct` of kSamples right, latency p50 = `p50_ms` with a fixed spread.
inline protocol::CellResult OkResult(const protocol::Stamp& stamp, uint64_t size_bytes,
                                     uint64_t correct, double p50_ms,
                                     std::vector<uint32_t> predictions) {
  protocol::CellResult r;
  r.stamp = stamp;
  protocol::Metrics m;
  m.size_bytes = size_bytes;
  m.samples = kSamples;
  m.accuracy = static_cast<double>(correct) / kSamples;
  m.latency_ms = {p50_ms * 1.02, p50_ms, p50_ms * 1.25, p50_ms * 1.5,
                  p50_ms * 0.9,  p50_ms * 2, p50_ms * 0.1};
  m.load_ms = 1.25;
  m.first_inference_ms = p50_ms * 3;
  m.rss_delta_bytes = static_cast<int64_t>(size_bytes) + 65'536;
  m.peak_rss_bytes = 8'388'608 + size_bytes;
  m.arena_bytes = 12'288;
  r.metrics = m;
  r.predictions = std::move(predictions);
  return r;
}

inline Cell MakeCell(std::string id, std::string model, std::string scheme, std::string target,
                     std::string kind, CellStatus status) {
  Cell c;
  c.id = std::move(id);
  c.model = std::move(model);
  c.scheme = std::move(scheme);
  c.target = std::move(target);
  c.target_kind = std::move(kind);
  c.status = status;
  c.finished_at = "2026-11-23T10:05:00Z";
  c.duration_s = 2.5;
  return c;
}

inline ResultSet FixtureResultSet() {
  ResultSet set;
  set.run = {"run-0001", "quickstart", "examples/quickstart.yaml", "2026-11-23T10:00:00Z",
             "2026-11-23T10:09:30Z", "0.1.0", NativeStamp()};
  set.gates.accuracy_drop = 0.02;
  const auto ok = CellStatus::kOk;

  // fc-small on the native x86: fp32 baseline, int8 within the gate, int8-only beyond it.
  Cell c = MakeCell("a1b2c3", "fc-small", "fp32", "x86", "local", ok);
  c.result = OkResult(NativeStamp(), 409'600, 873, 0.120, BaselinePredictions());
  set.cells.push_back(c);
  c = MakeCell("a1b2c4", "fc-small", "int8", "x86", "local", ok);
  c.result = OkResult(NativeStamp(), 104'448, 861, 0.045, PredictionsDifferingEvery(25));
  set.cells.push_back(c);
  c = MakeCell("a1b2c5", "fc-small", "int8-only", "x86", "local", ok);
  c.result = OkResult(NativeStamp(), 104'320, 820, 0.040, PredictionsDifferingEvery(10));
  set.cells.push_back(c);
  // The benchmark itself failed: the agent answered with status failed.
  c = MakeCell("a1b2c6", "fc-small", "dynamic", "x86", "local", CellStatus::kFailed);
  c.reason = "unsupported op: FULLY_CONNECTED with hybrid int8 weights, \"float\" input";
  c.result = protocol::CellResult{protocol::ResultStatus::kFailed, c.reason, NativeStamp(), {}, {}};
  set.cells.push_back(c);

  // fc-small on emulated arm64: same kernels, so int8 predictions equal x86's.
  c = MakeCell("b1b2c3", "fc-small", "fp32", "arm64-emu", "qemu-user", ok);
  c.result = OkResult(EmulatedStamp(), 409'600, 873, 2.5, BaselinePredictions());
  set.cells.push_back(c);
  c = MakeCell("b1b2c4", "fc-small", "int8", "arm64-emu", "qemu-user", ok);
  c.result = OkResult(EmulatedStamp(), 104'448, 861, 1.25, PredictionsDifferingEvery(25));
  set.cells.push_back(c);
  c = MakeCell("b1b2c5", "fc-small", "int16x8", "arm64-emu", "qemu-user", CellStatus::kTimeout);
  c.reason = "no result within 300 s";
  c.attempts = 3;
  c.duration_s = 300;
  set.cells.push_back(c);

  // Planning kept a cell the MCU cannot run; an SSH board that never answered.
  c = MakeCell("c1b2c3", "fc-small", "dynamic", "m4-emu", "qemu-mcu", CellStatus::kUnsupported);
  c.reason = "microcontroller targets have no hybrid (dynamic-range) kernels";
  c.finished_at.clear();
  c.duration_s.reset();
  c.attempts = 0;
  set.cells.push_back(c);
  c = MakeCell("d1b2c3", "fc-small", "int8", "pi4", "ssh", CellStatus::kUnreachable);
  c.reason = "connect to 192.168.1.20:22: No route to host";
  c.attempts = 3;
  c.axes = {{"threads", "4"}};
  set.cells.push_back(c);

  // A model named like an attack, with a reason and axes that must stay text too.
  c = MakeCell("e1b2c3", kInjectedModel, "fp32", "x86", "local", ok);
  c.axes = {{"note", "a,b \"q\" <i>"}};
  c.result = OkResult(NativeStamp(), 40'960, 700, 0.010, BaselinePredictions());
  set.cells.push_back(c);
  c = MakeCell("e1b2c4", kInjectedModel, "int8", "x86", "local", ok);
  c.axes = {{"note", "a,b \"q\" <i>"}};
  c.result = OkResult(NativeStamp(), 10'240, 695, 0.005, PredictionsDifferingEvery(50));
  set.cells.push_back(c);
  return set;
}

}  // namespace bsb::reports::testing
