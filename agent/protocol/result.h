// The result of one benchmark cell as `bsb-agent run` prints it (one JSON line, schema 1) and
// the stamp `bsb-agent probe` prints. The wire contract of DESIGN.md §3; every field and unit
// is documented in RESULT.md and result.schema.json.
//
// Parsing is parsing outside input (an agent on another machine, a serial link): malformed
// JSON, wrong types, missing fields or impossible values come back as a ParseError naming
// the JSON path, never as an exception.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/protocol/parsed.h"

namespace bsb::protocol {

inline constexpr int kResultSchemaVersion = 1;

// Where and how a result was measured.
struct Stamp {
  std::string device;           // CPU model or board ("Cortex-A72", "QEMU mps2-an386")
  std::string arch;             // aarch64, x86_64, armv7, cortex-m4
  std::string os;               // "Debian GNU/Linux 12", "bare-metal"
  std::string kernel;           // uname release; empty on bare metal
  std::string libc;             // "glibc 2.36" / "musl"; empty when not applicable
  std::string compiler;         // "gcc 12.2.0"
  std::string agent_version;
  std::string runtime_version;
  std::string git_revision;
  bool emulated = false;        // detected by the agent, not configured
  std::string emulated_reason;  // why emulated is true; required non-empty when it is
  std::string hostname;
  std::optional<uint64_t> threads_used;  // what the runtime really used

  bool operator==(const Stamp&) const = default;
};

// Latency of single-sample timed inferences, milliseconds (statistics over `runs`).
struct LatencyMs {
  double mean = 0, p50 = 0, p95 = 0, p99 = 0, min = 0, max = 0, stdev = 0;
  bool operator==(const LatencyMs&) const = default;
};

struct Metrics {
  uint64_t size_bytes = 0;  // model file size
  double accuracy = 0;      // top-1 accuracy over `samples`, in [0, 1]
  uint64_t samples = 0;
  LatencyMs latency_ms;
  // Linux agent: always present. MCU: those the board can measure.
  std::optional<double> load_ms;
  std::optional<double> first_inference_ms;
  std::optional<int64_t> rss_delta_bytes;  // may be negative (allocator returned memory)
  std::optional<uint64_t> peak_rss_bytes;  // VmHWM
  std::optional<uint64_t> arena_bytes;     // tensor arena used, as TFLM reports it
  // MCU.
  std::optional<uint64_t> cycles;          // mean cycles per inference (DWT cycle counter)
  std::optional<uint64_t> instructions;    // mean instructions per inference (QEMU icount)
  std::optional<uint64_t> flash_bytes;
  std::optional<uint64_t> ram_bytes;
  std::optional<uint64_t> stack_bytes;

  // Number of correctly classified samples (accuracy is correct / samples).
  uint64_t CorrectCount() const;
  bool operator==(const Metrics&) const = default;
};

enum class ResultStatus { kOk, kFailed };

struct CellResult {
  ResultStatus status = ResultStatus::kOk;
  std::string error;               // why, when status is kFailed; empty otherwise
  Stamp stamp;
  std::optional<Metrics> metrics;  // required when ok; whatever was measured when failed
  std::vector<uint32_t> predictions;  // top-1 label per sample, in dataset order

  bool operator==(const CellResult&) const = default;
};

const char* ResultStatusName(ResultStatus status);  // "ok" | "failed"

nlohmann::json StampToJson(const Stamp& stamp);
Parsed<Stamp> StampFromJson(const nlohmann::json& json, const std::string& path = "stamp");
Parsed<Stamp> ParseStamp(std::string_view text);

nlohmann::json MetricsToJson(const Metrics& metrics);
nlohmann::json ResultToJson(const CellResult& result);
// One line of JSON, no trailing newline (what `bsb-agent run` prints).
std::string SerializeResult(const CellResult& result);

Parsed<CellResult> ResultFromJson(const nlohmann::json& json);
Parsed<CellResult> ParseResult(std::string_view text);

// Predictions on the wire: {"width": W, "digits": "..."} — each label is W lowercase base-36
// digits (0-9a-z), most significant first, concatenated in sample order. W is the smallest
// of 1..7 that fits the largest label (1 for up to 36 classes, 2 for up to 1296; 7 digits
// hold any uint32). An empty list is {"width": 1, "digits": ""}. See RESULT.md.
inline constexpr int kMaxPredictionWidth = 7;
nlohmann::json EncodePredictions(const std::vector<uint32_t>& labels);
Parsed<std::vector<uint32_t>> DecodePredictions(const nlohmann::json& json,
                                                const std::string& path = "predictions");

}  // namespace bsb::protocol
