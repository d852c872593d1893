#include "targets/mcu_cell.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "agent/common/idx.h"
#include "agent/common/pixels.h"
#include "agent/common/stats.h"
#include "agent/protocol/crc32.h"
#include "agent/protocol/result.h"

namespace bsb::targets {
namespace {

using Clock = std::chrono::steady_clock;

// RUN carries at most this many warm-ups (u16).
constexpr uint64_t kMaxWarmupPerRun = 65535;

// Device errors that are the benchmark's own (recorded as a failed result, like bsb-agent's
// "model rejected"); every other ERROR means the exchange itself went wrong.
bool IsBenchmarkError(uint16_t code) {
  return code == serial::kErrorModelInvalid || code == serial::kErrorInputSize ||
         code == serial::kErrorRuntime || code == serial::kErrorBadInputMode ||
         code == serial::kErrorRuntimeNotLinked || code == serial::kErrorResultTooLarge;
}

class Cell {
 public:
  Cell(serial::HostSession& session, const serial::BoardInfo& info, const McuCellSetup& setup,
       const protocol::CellSpec& spec, Clock::time_point deadline, LoadedModel* loaded, bool* restart)
      : session_(session), info_(info), setup_(setup), spec_(spec), deadline_(deadline),
        loaded_(loaded), restart_(restart) {}

  Outcome<std::string> Run();

 private:
  std::string Who() const { return "target '" + setup_.target_name + "': "; }
  Failure Unsupported(const std::string& why) const { return Failure{FailureKind::kUnsupported, Who() + why}; }
  std::string FailedResult(const std::string& error) const {
    protocol::CellResult r;
    r.status = protocol::ResultStatus::kFailed;
    r.error = error;
    r.stamp = McuStamp(info_, setup_);
    return protocol::SerializeResult(r);
  }
  // A host-side failure of one exchange: halts and link faults need a device reset.
  Failure FromHost(const serial::HostOutcome& o, const std::string& during) const;
  // ms left before the deadline, at least 1; 0 when it passed.
  uint32_t RemainingMs() const;
  Failure Overran(const std::string& during) const {
    return Failure{FailureKind::kTimeout, Who() + "cell exceeded its timeout during " + during};
  }
  void Log(const std::string& line) const {
    if (setup_.log) setup_.log(Who() + line);
  }

  serial::HostSession& session_;
  const serial::BoardInfo& info_;
  const McuCellSetup& setup_;
  const protocol::CellSpec& spec_;
  Clock::time_point deadline_;
  LoadedModel* loaded_;
  bool* restart_;
};

uint32_t Cell::RemainingMs() const {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
  if (left <= 0) return 0;
  return static_cast<uint32_t>(std::min<long long>(left, UINT32_MAX));
}

Failure Cell::FromHost(const serial::HostOutcome& o, const std::string& during) const {
  *restart_ = true;
  loaded_->valid = false;
  const std::string what = Who() + std::string(serial::HostStatusName(o.status)) + " during " +
                           during + ": " + o.message;
  switch (o.status) {
    case serial::HostStatus::kTimeout:
      return Failure{FailureKind::kTimeout, what + " (the board halted or is too slow; it is reset "
                                                   "before the next cell)"};
    case serial::HostStatus::kDeviceError:
      return Failure{FailureKind::kTransport, what + " (device error " + std::to_string(o.error_code) + ")"};
    default:
      return Failure{FailureKind::kTransport, what};
  }
}

Outcome<std::string> Cell::Run() {
  *restart_ = false;
  if (const std::string why = McuSchemeUnsupportedReason(spec_.scheme); !why.empty()) return Unsupported(why);
  if (!spec_.reference_outputs_path.empty()) {
    return FailedResult("reference_outputs_path is not supported on microcontrollers");
  }

  // The model and the dataset are local files (Ensure checked they exist).
  std::ifstream model_file(spec_.model_path, std::ios::binary);
  if (!model_file) {
    return Failure{FailureKind::kFailed, Who() + "cannot read model " + spec_.model_path + ": " + std::strerror(errno)};
  }
  const std::vector<uint8_t> model((std::istreambuf_iterator<char>(model_file)), std::istreambuf_iterator<char>());
  idx::Images images;
  idx::Labels labels;
  std::string error;
  if (!idx::ReadImagesFile(spec_.images_path, &images, &error) ||
      !idx::ReadLabelsFile(spec_.labels_path, &labels, &error) ||
      !idx::CheckSameCount(images, spec_.images_path, labels, spec_.labels_path, &error)) {
    return FailedResult("dataset: " + error);
  }
  if (images.count < spec_.samples) {
    return FailedResult("dataset shape mismatch: " + spec_.images_path + " holds " +
                        std::to_string(images.count) + " examples but the cell asks for samples=" +
                        std::to_string(spec_.samples));
  }

  McuFootprint footprint;
  footprint.model_bytes = model.size();
  footprint.firmware_flash_bytes = info_.firmware_flash_bytes;
  footprint.firmware_ram_bytes = info_.firmware_ram_bytes;
  if (const BudgetVerdict v = CheckBudget(setup_.board, McuBudget{setup_.budget.flash_bytes, 0}, footprint); !v.fits) {
    return Unsupported(v.reason);
  }
  if (model.size() > info_.max_model_bytes) {
    return Unsupported("model " + std::to_string(model.size()) + " B exceeds the firmware's model buffer of " +
                       std::to_string(info_.max_model_bytes) + " B on " + info_.board);
  }
  if (images.PixelsPerImage() > info_.max_input_bytes || images.PixelsPerImage() == 0) {
    return Unsupported("a sample of " + std::to_string(images.PixelsPerImage()) +
                       " pixels does not fit the firmware's input buffer of " +
                       std::to_string(info_.max_input_bytes) + " B on " + info_.board);
  }

  // 2. The model, unless the device already holds exactly these bytes.
  const uint32_t crc = serial::Crc32(model.data(), model.size());
  if (!(loaded_->valid && loaded_->crc32 == crc && loaded_->bytes == model.size())) {
    loaded_->valid = false;
    const serial::LinkStats before = session_.link_stats();
    const auto start = Clock::now();
    const serial::HostOutcome load = session_.LoadModel(model.data(), model.size());
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (!load.ok()) {
      if (load.status == serial::HostStatus::kDeviceError && IsBenchmarkError(load.error_code)) {
        return FailedResult("model rejected: " + load.message);
      }
      return FromHost(load, "the model download");
    }
    loaded_->valid = true;
    loaded_->crc32 = crc;
    loaded_->bytes = model.size();
    const serial::LinkStats& after = session_.link_stats();
    const double wire_down = static_cast<double>(after.wire_bytes_sent - before.wire_bytes_sent);
    const double wire_up = static_cast<double>(after.wire_bytes_received - before.wire_bytes_received);
    char line[320];
    std::snprintf(line, sizeof line,
                  "model download %zu B in %.2f s: %.0f useful B/s, %.0f wire B/s down (payload "
                  "efficiency %.1f%%), %.0f wire B/s up (ACKs), %u re-sends",
                  model.size(), seconds, static_cast<double>(model.size()) / seconds, wire_down / seconds,
                  100.0 * static_cast<double>(model.size()) / wire_down, wire_up / seconds,
                  after.resends - before.resends);
    Log(line);
  }
  if (RemainingMs() == 0) return Overran("the model download");

  // 3. Which samples feed the timed runs: the Linux harness's draw.
  std::vector<uint64_t> timed_per_sample(spec_.samples, 0);
  uint64_t rng = spec_.seed;
  for (uint64_t r = 0; r < spec_.runs; ++r) ++timed_per_sample[agent::SplitMix64(&rng) % spec_.samples];

  std::vector<double> latencies_ms;
  latencies_ms.reserve(spec_.runs);
  std::vector<uint32_t> predictions;
  predictions.reserve(spec_.samples);
  uint64_t correct = 0;
  uint64_t total_ticks = 0;
  uint32_t arena_bytes = 0;
  uint32_t stack_bytes = 0;
  uint64_t warmup_left = spec_.warmup;
  const serial::LinkStats before = session_.link_stats();
  const auto start = Clock::now();
  for (uint64_t i = 0; i < spec_.samples; ++i) {
    const uint8_t* pixels = images.Image(i);
    const serial::HostOutcome input = session_.SetInput(0, pixels, images.PixelsPerImage());
    if (!input.ok()) return FromHost(input, "INPUT of sample " + std::to_string(i));
    uint64_t timed_left = std::max<uint64_t>(1, timed_per_sample[i]);
    bool first = true;
    uint64_t kept = 0;  // timed runs of this sample already counted
    while (timed_left > 0 || warmup_left > 0) {
      serial::RunRequest request;
      request.warmup_runs = static_cast<uint16_t>(std::min(warmup_left, kMaxWarmupPerRun));
      request.timed_runs = static_cast<uint16_t>(std::clamp<uint64_t>(timed_left, 1, serial::kMaxTimedRuns));
      request.output_mode = serial::kOutputTop1;
      request.input_mode = serial::kInputPixels;
      request.input_scale = spec_.input_scale;
      const uint32_t left_ms = RemainingMs();
      if (left_ms == 0) return Overran("sample " + std::to_string(i));
      session_.set_timeouts(serial::HostTimeouts{setup_.answer_timeout_ms, left_ms});
      serial::RunOutcome out;
      const serial::HostOutcome run = session_.Run(request, &out);
      if (!run.ok()) {
        if (run.status == serial::HostStatus::kDeviceError && IsBenchmarkError(run.error_code)) {
          return FailedResult("sample " + std::to_string(i) + ": " + run.message);
        }
        return FromHost(run, "RUN of sample " + std::to_string(i));
      }
      warmup_left -= request.warmup_runs;
      if (first) {
        if (out.top1 < 0) {
          return FailedResult("output 0 is not a score type the firmware can rank (FLOAT32, INT8, "
                              "UINT8, INT16, INT32)");
        }
        predictions.push_back(static_cast<uint32_t>(out.top1));
        if (static_cast<uint32_t>(out.top1) == labels.values[i]) ++correct;
        first = false;
      }
      // Runs beyond what the seed assigned (the one RUN a sample needs for its prediction,
      // or the carrier of extra warm-ups) are not part of the cell's `runs`.
      const uint64_t take = std::min<uint64_t>(timed_per_sample[i] - kept, out.ticks.size());
      for (uint64_t k = 0; k < take; ++k) {
        latencies_ms.push_back(static_cast<double>(out.ticks[k]) * 1000.0 / info_.clock_hz);
        total_ticks += out.ticks[k];
      }
      kept += take;
      timed_left -= std::min<uint64_t>(timed_left, request.timed_runs);
      arena_bytes = std::max(arena_bytes, out.arena_bytes);
      stack_bytes = std::max(stack_bytes, out.stack_high_water_bytes);
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  {
    const serial::LinkStats& after = session_.link_stats();
    const double payload_down = static_cast<double>(after.payload_bytes_sent - before.payload_bytes_sent);
    const double wire_down = static_cast<double>(after.wire_bytes_sent - before.wire_bytes_sent);
    const double payload_up = static_cast<double>(after.payload_bytes_delivered - before.payload_bytes_delivered);
    const double wire_up = static_cast<double>(after.wire_bytes_received - before.wire_bytes_received);
    char line[320];
    std::snprintf(line, sizeof line,
                  "%llu samples in %.2f s: down %.0f payload B / %.0f wire B (%.1f%%), up %.0f "
                  "payload B / %.0f wire B (%.1f%%), %u re-sends",
                  static_cast<unsigned long long>(spec_.samples), seconds, payload_down, wire_down,
                  wire_down > 0 ? 100.0 * payload_down / wire_down : 0.0, payload_up, wire_up,
                  wire_up > 0 ? 100.0 * payload_up / wire_up : 0.0, after.resends - before.resends);
    Log(line);
  }

  // 4. Memory against the budget, now that the arena is known.
  footprint.arena_bytes = arena_bytes;
  if (const BudgetVerdict v = CheckBudget(setup_.board, setup_.budget, footprint); !v.fits) return Unsupported(v.reason);

  protocol::CellResult result;
  result.stamp = McuStamp(info_, setup_);
  protocol::Metrics m;
  m.size_bytes = model.size();
  m.samples = spec_.samples;
  m.accuracy = static_cast<double>(correct) / static_cast<double>(spec_.samples);
  if (const auto s = agent::Summarize(latencies_ms)) {
    m.latency_ms = {s->mean, s->p50, s->p95, s->p99, s->min, s->max, s->stdev};
  }
  m.arena_bytes = arena_bytes;
  m.stack_bytes = stack_bytes;
  m.flash_bytes = footprint.flash_bytes();
  m.ram_bytes = footprint.ram_bytes();
  const double mean_ticks = static_cast<double>(total_ticks) / static_cast<double>(spec_.runs);
  if (setup_.instructions_per_tick > 0) {
    m.instructions = static_cast<uint64_t>(std::llround(mean_ticks * setup_.instructions_per_tick));
  }
  if (setup_.ticks_are_cycles) m.cycles = static_cast<uint64_t>(std::llround(mean_ticks));
  result.metrics = m;
  result.predictions = std::move(predictions);
  return protocol::SerializeResult(result);
}

}  // namespace

protocol::Stamp McuStamp(const serial::BoardInfo& info, const McuCellSetup& setup) {
  protocol::Stamp s;
  s.device = setup.device.empty() ? info.board : setup.device;
  s.arch = info.cpu.empty() ? "unknown" : info.cpu;
  s.os = "bare-metal";
  // The firmware stamps "MAJOR.MINOR.PATCH+<git revision>".
  const std::size_t plus = info.firmware_version.find('+');
  s.agent_version = info.firmware_version.substr(0, plus);
  if (plus != std::string::npos) s.git_revision = info.firmware_version.substr(plus + 1);
  s.runtime_version = info.runtime_version;
  s.emulated = setup.emulated;
  s.emulated_reason = setup.emulated ? setup.emulated_reason : "";
  s.threads_used = 1;
  return s;
}

Outcome<std::string> RunMcuCell(serial::HostSession& session, const serial::BoardInfo& info,
                                const McuCellSetup& setup, const protocol::CellSpec& spec,
                                std::chrono::steady_clock::time_point deadline, LoadedModel* loaded,
                                bool* restart) {
  return Cell(session, info, setup, spec, deadline, loaded, restart).Run();
}

}  // namespace bsb::targets
