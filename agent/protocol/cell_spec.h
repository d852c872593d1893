// What the orchestrator asks `bsb-agent run --spec cell.json` to measure (DESIGN.md §3).
// Written by the host, read by the agent: parsing is strict (unknown keys are errors) so an
// agent older than its orchestrator refuses a field it would otherwise silently ignore.
// Fields and units: RESULT.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "agent/protocol/parsed.h"

namespace bsb::protocol {

inline constexpr int kCellSpecSchemaVersion = 1;

struct CellSpec {
  std::string model_path;   // .tflite on the target
  std::string images_path;  // IDX images (uint8), already sliced to `samples`
  std::string labels_path;  // IDX labels (uint8), same count
  double input_scale = 1.0;  // float input = pixel * input_scale (before input quantization)
  std::string scheme;       // fp32 | float16 | dynamic | int8 | int8-only | int16x8 | int16x8-only
  uint64_t warmup = 0;      // untimed inferences before the timed runs
  uint64_t runs = 1;        // timed single-sample inferences (>= 1)
  uint64_t samples = 1;     // examples for accuracy (>= 1)
  uint64_t threads = 1;     // requested; the stamp says what was used (>= 1)
  uint64_t seed = 0;        // picks which samples feed the timed runs
  std::optional<uint64_t> cpu;            // pin the agent to this CPU
  std::string reference_outputs_path;     // optional: expected outputs to compare against

  bool operator==(const CellSpec&) const = default;
};

// True for the seven scheme names of DESIGN.md §2.
bool IsKnownScheme(std::string_view scheme);

nlohmann::json CellSpecToJson(const CellSpec& spec);
std::string SerializeCellSpec(const CellSpec& spec);  // one line of JSON
Parsed<CellSpec> CellSpecFromJson(const nlohmann::json& json);
Parsed<CellSpec> ParseCellSpec(std::string_view text);

}  // namespace bsb::protocol
