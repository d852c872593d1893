#include "agent/linux/harness.h"

#include <sched.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include "agent/common/idx.h"
#include "agent/common/pixels.h"
#include "agent/common/stats.h"
#include "agent/linux/input_prep.h"
#include "agent/linux/proc_info.h"
#include "agent/runtime/hosted_interpreter.h"
#include "agent/runtime/model.h"

namespace bsb::agent {
namespace {

double NowMs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

std::optional<int64_t> OwnStatusBytes(const char* key) {
  const auto status = ReadWholeFile("/proc/self/status");
  if (!status) return std::nullopt;
  return StatusFieldBytes(*status, key);
}

// The model's bytes at a 16-byte aligned address: the runtime reads weights in place.
struct ModelBytes {
  std::vector<uint8_t> storage;
  const uint8_t* data = nullptr;
  std::size_t size = 0;
};

bool ReadModel(const std::string& path, ModelBytes* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open model " + path + ": " + std::strerror(errno);
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  constexpr std::size_t kAlign = 16;
  out->storage.resize(bytes.size() + kAlign);
  const auto address = reinterpret_cast<std::uintptr_t>(out->storage.data());
  uint8_t* aligned = out->storage.data() + ((kAlign - address % kAlign) % kAlign);
  std::memcpy(aligned, bytes.data(), bytes.size());
  out->data = aligned;
  out->size = bytes.size();
  return true;
}

std::string RuntimeError(const char* what, rt::Status status, const rt::ErrorReporter& err) {
  return std::string(what) + ": " + rt::StatusName(status) + ": " + err.message();
}

// Everything RunCell measures, filled step by step; Fail() records the first failure.
class Cell {
 public:
  Cell(const protocol::CellSpec& spec, HarnessReport* report) : spec_(spec), report_(report) {}

  void Run();

 private:
  void Fail(std::string reason) {
    report_->result.status = protocol::ResultStatus::kFailed;
    report_->result.error = std::move(reason);
  }
  bool Pin();
  bool LoadDataset();
  bool LoadModel();
  void Feed(uint64_t sample);  // FillInput for one example (outside any timed region)
  bool Invoke(const char* phase);

  const protocol::CellSpec& spec_;
  HarnessReport* report_;
  idx::Images images_;
  idx::Labels labels_;
  uint32_t max_label_ = 0;
  ModelBytes model_bytes_;
  rt::Model model_;
  rt::ErrorReporter err_;
  rt::HostedInterpreter hosted_;
  rt::Interpreter* interpreter_ = nullptr;
};

bool Cell::Pin() {
  if (!spec_.cpu) return true;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (*spec_.cpu >= CPU_SETSIZE) {
    Fail("cannot pin to CPU " + std::to_string(*spec_.cpu) + ": beyond CPU_SETSIZE");
    return false;
  }
  CPU_SET(static_cast<int>(*spec_.cpu), &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0) {
    Fail("cannot pin to CPU " + std::to_string(*spec_.cpu) + ": " + std::strerror(errno));
    return false;
  }
  return true;
}

bool Cell::LoadDataset() {
  std::string error;
  if (!idx::ReadImagesFile(spec_.images_path, &images_, &error) ||
      !idx::ReadLabelsFile(spec_.labels_path, &labels_, &error) ||
      !idx::CheckSameCount(images_, spec_.images_path, labels_, spec_.labels_path, &error)) {
    Fail("dataset: " + error);
    return false;
  }
  if (images_.count < spec_.samples) {
    Fail("dataset shape mismatch: " + spec_.images_path + " holds " + std::to_string(images_.count) +
         " examples but the cell asks for samples=" + std::to_string(spec_.samples));
    return false;
  }
  for (uint64_t i = 0; i < spec_.samples; ++i) max_label_ = std::max<uint32_t>(max_label_, labels_.values[i]);
  return true;
}

bool Cell::LoadModel() {
  std::string error;
  if (!ReadModel(spec_.model_path, &model_bytes_, &error)) {
    Fail(error);
    return false;
  }
  rt::Status status = rt::LoadModel(model_bytes_.data, model_bytes_.size, &model_, &err_);
  if (status != rt::Status::kOk) {
    Fail(RuntimeError("model rejected", status, err_));
    return false;
  }
  status = hosted_.Prepare(model_, &err_);
  if (status != rt::Status::kOk) {
    Fail(RuntimeError("model rejected", status, err_));
    return false;
  }
  interpreter_ = &hosted_.interpreter();
  if (interpreter_->input_count() != 1 || interpreter_->output_count() != 1) {
    Fail("model has " + std::to_string(interpreter_->input_count()) + " inputs and " +
         std::to_string(interpreter_->output_count()) +
         " outputs; the harness benchmarks single-input, single-output classifiers");
    return false;
  }
  error = CheckInputTensor(*interpreter_->input(0), images_.PixelsPerImage());
  if (error.empty()) error = CheckOutputTensor(*interpreter_->output(0), max_label_);
  if (!error.empty()) {
    Fail(error);
    return false;
  }
  return true;
}

void Cell::Feed(uint64_t sample) {
  FillInput(images_.Image(sample), images_.PixelsPerImage(), spec_.input_scale, interpreter_->input(0));
}

bool Cell::Invoke(const char* phase) {
  const rt::Status status = interpreter_->Invoke();
  if (status == rt::Status::kOk) return true;
  Fail(RuntimeError((std::string("inference failed during ") + phase).c_str(), status, err_));
  return false;
}

void Cell::Run() {
  protocol::Metrics m;
  if (!Pin() || !LoadDataset()) return;

  const std::optional<int64_t> rss_before = OwnStatusBytes("VmRSS");
  const double load_start = NowMs();
  if (!LoadModel()) return;
  m.load_ms = NowMs() - load_start;
  m.size_bytes = model_bytes_.size;
  m.arena_bytes = interpreter_->arena_used_bytes();

  Feed(0);
  const double first_start = NowMs();
  if (!Invoke("the first inference")) return;
  m.first_inference_ms = NowMs() - first_start;

  for (uint64_t w = 0; w < spec_.warmup; ++w) {
    Feed(w % spec_.samples);
    if (!Invoke("warm-up")) return;
  }

  std::vector<double> latencies_ms(spec_.runs);  // allocated before the loop: no heap inside
  uint64_t rng = spec_.seed;
  const double loop_start = NowMs();
  for (uint64_t r = 0; r < spec_.runs; ++r) {
    Feed(SplitMix64(&rng) % spec_.samples);
    const double start = NowMs();
    const rt::Status status = interpreter_->Invoke();
    latencies_ms[r] = NowMs() - start;
    if (status != rt::Status::kOk) {
      Fail(RuntimeError("inference failed during a timed run", status, err_));
      return;
    }
  }
  const double loop_ms = NowMs() - loop_start;
  double invoke_ms = 0;
  for (double l : latencies_ms) invoke_ms += l;
  if (spec_.runs > 0) report_->harness_overhead_us = (loop_ms - invoke_ms) * 1e3 / static_cast<double>(spec_.runs);

  std::vector<uint32_t>& predictions = report_->result.predictions;
  predictions.reserve(spec_.samples);
  uint64_t correct = 0;
  for (uint64_t i = 0; i < spec_.samples; ++i) {
    Feed(i);
    if (!Invoke("the accuracy pass")) return;
    const uint32_t label = Top1(*interpreter_->output(0));
    predictions.push_back(label);
    if (label == labels_.values[i]) ++correct;
  }
  m.samples = spec_.samples;
  m.accuracy = static_cast<double>(correct) / static_cast<double>(spec_.samples);

  const std::optional<int64_t> rss_after = OwnStatusBytes("VmRSS");
  const std::optional<int64_t> hwm = OwnStatusBytes("VmHWM");
  if (rss_before && rss_after) m.rss_delta_bytes = *rss_after - *rss_before;
  if (hwm) m.peak_rss_bytes = static_cast<uint64_t>(*hwm);

  if (const auto s = Summarize(latencies_ms)) {
    m.latency_ms = {s->mean, s->p50, s->p95, s->p99, s->min, s->max, s->stdev};
  }
  report_->result.metrics = m;
}

}  // namespace

HarnessReport RunCell(const protocol::CellSpec& spec, const protocol::Stamp& stamp) {
  HarnessReport report;
  report.result.stamp = stamp;
  report.result.stamp.threads_used = 1;
  if (spec.threads > 1) {
    report.notes.push_back("threads=" + std::to_string(spec.threads) +
                           " requested but the runtime is single-threaded: 1 thread used");
  }
  if (!spec.reference_outputs_path.empty()) {
    report.result.status = protocol::ResultStatus::kFailed;
    report.result.error = "reference_outputs_path is not supported by this agent";
    return report;
  }
  Cell(spec, &report).Run();
  if (report.result.status == protocol::ResultStatus::kFailed) {
    report.result.metrics.reset();  // partial numbers of a failed cell mean nothing
    report.result.predictions.clear();
  }
  return report;
}

nlohmann::json HarnessReportToJson(const HarnessReport& report) {
  nlohmann::json out = protocol::ResultToJson(report.result);
  if (!report.notes.empty()) out["notes"] = report.notes;
  if (out.contains("metrics")) out["metrics"]["harness_overhead_us"] = report.harness_overhead_us;
  return out;
}

}  // namespace bsb::agent
