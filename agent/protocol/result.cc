#include "agent/protocol/result.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "agent/protocol/json_fields.h"

namespace bsb::protocol {

using detail::ObjectReader;
using nlohmann::json;

namespace {

void PutIf(json& out, const char* key, const std::string& value) {
  if (!value.empty()) out[key] = value;
}

template <typename T>
void PutIf(json& out, const char* key, const std::optional<T>& value) {
  if (value) out[key] = *value;
}

LatencyMs ReadLatency(ObjectReader& parent) {
  LatencyMs latency;
  const json* object = parent.Object("latency_ms", true);
  if (object == nullptr) return latency;
  ObjectReader r(*object, parent.path() + ".latency_ms");
  r.Number("mean", &latency.mean);
  r.Number("p50", &latency.p50);
  r.Number("p95", &latency.p95);
  r.Number("p99", &latency.p99);
  r.Number("min", &latency.min);
  r.Number("max", &latency.max);
  r.Number("stdev", &latency.stdev);
  if (r.ok()) {
    const double values[] = {latency.mean, latency.p50, latency.p95, latency.p99,
                             latency.min, latency.max, latency.stdev};
    for (double v : values) {
      if (v < 0) {
        r.Fail("*", "latencies are durations and cannot be negative");
        break;
      }
    }
  }
  if (r.ok() && !(latency.min <= latency.p50 && latency.p50 <= latency.p95 &&
                  latency.p95 <= latency.p99 && latency.p99 <= latency.max)) {
    r.Fail("*", "expected min <= p50 <= p95 <= p99 <= max");
  }
  parent.Adopt(r);
  return latency;
}

Parsed<Metrics> ReadMetrics(const json& object, const std::string& path) {
  Metrics m;
  ObjectReader r(object, path);
  r.Unsigned("size_bytes", &m.size_bytes);
  r.Number("accuracy", &m.accuracy);
  if (r.ok() && (m.accuracy < 0 || m.accuracy > 1)) {
    r.Fail("accuracy", "expected a share in [0, 1], got " + std::to_string(m.accuracy));
  }
  r.Unsigned("samples", &m.samples);
  m.latency_ms = ReadLatency(r);
  r.OptionalNumber("load_ms", &m.load_ms);
  r.OptionalNumber("first_inference_ms", &m.first_inference_ms);
  r.OptionalSigned("rss_delta_bytes", &m.rss_delta_bytes);
  r.OptionalUnsigned("peak_rss_bytes", &m.peak_rss_bytes);
  r.OptionalUnsigned("arena_bytes", &m.arena_bytes);
  r.OptionalUnsigned("cycles", &m.cycles);
  r.OptionalUnsigned("instructions", &m.instructions);
  r.OptionalUnsigned("flash_bytes", &m.flash_bytes);
  r.OptionalUnsigned("ram_bytes", &m.ram_bytes);
  r.OptionalUnsigned("stack_bytes", &m.stack_bytes);
  if (r.ok() && m.load_ms && *m.load_ms < 0) r.Fail("load_ms", "a duration cannot be negative");
  if (r.ok() && m.first_inference_ms && *m.first_inference_ms < 0) {
    r.Fail("first_inference_ms", "a duration cannot be negative");
  }
  if (!r.ok()) return ParseError{r.error()};
  return m;
}

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  return -1;
}

}  // namespace

uint64_t Metrics::CorrectCount() const {
  return static_cast<uint64_t>(std::llround(accuracy * static_cast<double>(samples)));
}

const char* ResultStatusName(ResultStatus status) {
  return status == ResultStatus::kOk ? "ok" : "failed";
}

json StampToJson(const Stamp& s) {
  json out = json::object();
  out["device"] = s.device;
  out["arch"] = s.arch;
  out["os"] = s.os;
  PutIf(out, "kernel", s.kernel);
  PutIf(out, "libc", s.libc);
  PutIf(out, "compiler", s.compiler);
  out["agent_version"] = s.agent_version;
  out["runtime_version"] = s.runtime_version;
  PutIf(out, "git_revision", s.git_revision);
  out["emulated"] = s.emulated;
  PutIf(out, "emulated_reason", s.emulated_reason);
  PutIf(out, "hostname", s.hostname);
  PutIf(out, "threads_used", s.threads_used);
  return out;
}

Parsed<Stamp> StampFromJson(const json& object, const std::string& path) {
  Stamp s;
  ObjectReader r(object, path);
  r.String("device", &s.device);
  r.String("arch", &s.arch);
  r.String("os", &s.os);
  r.OptionalString("kernel", &s.kernel);
  r.OptionalString("libc", &s.libc);
  r.OptionalString("compiler", &s.compiler);
  r.String("agent_version", &s.agent_version);
  r.String("runtime_version", &s.runtime_version);
  r.OptionalString("git_revision", &s.git_revision);
  r.Bool("emulated", &s.emulated);
  r.OptionalString("emulated_reason", &s.emulated_reason);
  r.OptionalString("hostname", &s.hostname);
  r.OptionalUnsigned("threads_used", &s.threads_used);
  if (r.ok() && s.arch.empty()) r.Fail("arch", "must not be empty");
  if (r.ok() && s.emulated && s.emulated_reason.empty()) {
    r.Fail("emulated_reason", "required when emulated is true (say how it was detected)");
  }
  if (!r.ok()) return ParseError{r.error()};
  return s;
}

Parsed<Stamp> ParseStamp(std::string_view text) {
  json parsed = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return ParseError{"stamp: not valid JSON"};
  return StampFromJson(parsed);
}

json MetricsToJson(const Metrics& m) {
  json out = json::object();
  out["size_bytes"] = m.size_bytes;
  out["accuracy"] = m.accuracy;
  out["samples"] = m.samples;
  out["latency_ms"] = {{"mean", m.latency_ms.mean}, {"p50", m.latency_ms.p50},
                       {"p95", m.latency_ms.p95},   {"p99", m.latency_ms.p99},
                       {"min", m.latency_ms.min},   {"max", m.latency_ms.max},
                       {"stdev", m.latency_ms.stdev}};
  PutIf(out, "load_ms", m.load_ms);
  PutIf(out, "first_inference_ms", m.first_inference_ms);
  PutIf(out, "rss_delta_bytes", m.rss_delta_bytes);
  PutIf(out, "peak_rss_bytes", m.peak_rss_bytes);
  PutIf(out, "arena_bytes", m.arena_bytes);
  PutIf(out, "cycles", m.cycles);
  PutIf(out, "instructions", m.instructions);
  PutIf(out, "flash_bytes", m.flash_bytes);
  PutIf(out, "ram_bytes", m.ram_bytes);
  PutIf(out, "stack_bytes", m.stack_bytes);
  return out;
}

json ResultToJson(const CellResult& result) {
  json out = json::object();
  out["schema"] = kResultSchemaVersion;
  out["status"] = ResultStatusName(result.status);
  if (result.status == ResultStatus::kFailed) out["error"] = result.error;
  out["stamp"] = StampToJson(result.stamp);
  if (result.metrics) out["metrics"] = MetricsToJson(*result.metrics);
  if (result.status == ResultStatus::kOk || !result.predictions.empty()) {
    out["predictions"] = EncodePredictions(result.predictions);
  }
  return out;
}

std::string SerializeResult(const CellResult& result) {
  return detail::DumpJson(ResultToJson(result));
}

Parsed<CellResult> ResultFromJson(const json& object) {
  CellResult result;
  ObjectReader r(object, "result");
  int64_t schema = 0;
  r.Signed("schema", &schema);
  if (r.ok() && schema != kResultSchemaVersion) {
    r.Fail("schema", "unsupported version " + std::to_string(schema) + " (this build reads " +
                         std::to_string(kResultSchemaVersion) + ")");
  }
  std::string status;
  r.String("status", &status);
  if (r.ok()) {
    if (status == "ok") {
      result.status = ResultStatus::kOk;
    } else if (status == "failed") {
      result.status = ResultStatus::kFailed;
    } else {
      r.Fail("status", "expected \"ok\" or \"failed\", got " + detail::DumpJson(json(status)));
    }
  }
  if (r.ok() && result.status == ResultStatus::kFailed) {
    r.String("error", &result.error);
    if (r.ok() && result.error.empty()) r.Fail("error", "a failed result must say why");
  }
  if (!r.ok()) return ParseError{r.error()};

  const json* stamp = r.Object("stamp", true);
  if (stamp == nullptr) return ParseError{r.error()};
  Parsed<Stamp> parsed_stamp = StampFromJson(*stamp, "result.stamp");
  if (!parsed_stamp) return ParseError{parsed_stamp.error()};
  result.stamp = std::move(parsed_stamp).value();

  const json* metrics = r.Object("metrics", result.status == ResultStatus::kOk);
  if (!r.ok()) return ParseError{r.error()};
  if (metrics != nullptr) {
    Parsed<Metrics> parsed_metrics = ReadMetrics(*metrics, "result.metrics");
    if (!parsed_metrics) return ParseError{parsed_metrics.error()};
    result.metrics = std::move(parsed_metrics).value();
  }

  const json* predictions = r.Object("predictions", result.status == ResultStatus::kOk);
  if (!r.ok()) return ParseError{r.error()};
  if (predictions != nullptr) {
    Parsed<std::vector<uint32_t>> labels = DecodePredictions(*predictions, "result.predictions");
    if (!labels) return ParseError{labels.error()};
    result.predictions = std::move(labels).value();
    if (result.metrics && result.predictions.size() != result.metrics->samples) {
      return ParseError{"result.predictions: holds " + std::to_string(result.predictions.size()) +
                        " labels but metrics.samples is " +
                        std::to_string(result.metrics->samples)};
    }
  }
  return result;
}

Parsed<CellResult> ParseResult(std::string_view text) {
  json parsed = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return ParseError{"result: not valid JSON"};
  return ResultFromJson(parsed);
}

json EncodePredictions(const std::vector<uint32_t>& labels) {
  uint32_t largest = 0;
  for (uint32_t label : labels) largest = std::max(largest, label);
  int width = 1;
  for (uint64_t capacity = 36; largest >= capacity; capacity *= 36) ++width;
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string digits(labels.size() * static_cast<size_t>(width), '0');
  for (size_t i = 0; i < labels.size(); ++i) {
    uint32_t value = labels[i];
    for (int d = width - 1; d >= 0; --d) {
      digits[i * static_cast<size_t>(width) + static_cast<size_t>(d)] = kDigits[value % 36];
      value /= 36;
    }
  }
  return json{{"width", width}, {"digits", std::move(digits)}};
}

Parsed<std::vector<uint32_t>> DecodePredictions(const json& object, const std::string& path) {
  ObjectReader r(object, path);
  uint64_t width = 0;
  std::string digits;
  r.Unsigned("width", &width);
  r.String("digits", &digits);
  if (r.ok() && (width < 1 || width > kMaxPredictionWidth)) {
    r.Fail("width", "expected 1.." + std::to_string(kMaxPredictionWidth) + ", got " +
                        std::to_string(width));
  }
  if (r.ok() && digits.size() % width != 0) {
    r.Fail("digits", "length " + std::to_string(digits.size()) +
                         " is not a multiple of width " + std::to_string(width));
  }
  if (!r.ok()) return ParseError{r.error()};
  std::vector<uint32_t> labels;
  labels.reserve(digits.size() / width);
  for (size_t start = 0; start < digits.size(); start += width) {
    uint64_t value = 0;
    for (size_t i = start; i < start + width; ++i) {
      int digit = DigitValue(digits[i]);
      if (digit < 0) {
        return ParseError{path + ".digits: character " + std::to_string(i) +
                          " is not a lowercase base-36 digit (0-9a-z)"};
      }
      value = value * 36 + static_cast<uint64_t>(digit);
    }
    if (value > UINT32_MAX) {
      return ParseError{path + ".digits: label at sample " + std::to_string(start / width) +
                        " exceeds 2^32-1"};
    }
    labels.push_back(static_cast<uint32_t>(value));
  }
  return labels;
}

}  // namespace bsb::protocol
