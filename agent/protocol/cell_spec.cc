#include "agent/protocol/cell_spec.h"

#include <array>
#include <cmath>

#include "agent/protocol/json_fields.h"

namespace bsb::protocol {

using detail::ObjectReader;
using nlohmann::json;

bool IsKnownScheme(std::string_view scheme) {
  static constexpr std::array<std::string_view, 7> kSchemes = {
      "fp32", "float16", "dynamic", "int8", "int8-only", "int16x8", "int16x8-only"};
  for (std::string_view known : kSchemes) {
    if (scheme == known) return true;
  }
  return false;
}

json CellSpecToJson(const CellSpec& spec) {
  json out = json::object();
  out["schema"] = kCellSpecSchemaVersion;
  out["model_path"] = spec.model_path;
  out["images_path"] = spec.images_path;
  out["labels_path"] = spec.labels_path;
  out["input_scale"] = spec.input_scale;
  out["scheme"] = spec.scheme;
  out["warmup"] = spec.warmup;
  out["runs"] = spec.runs;
  out["samples"] = spec.samples;
  out["threads"] = spec.threads;
  out["seed"] = spec.seed;
  if (spec.cpu) out["cpu"] = *spec.cpu;
  if (!spec.reference_outputs_path.empty()) {
    out["reference_outputs_path"] = spec.reference_outputs_path;
  }
  return out;
}

std::string SerializeCellSpec(const CellSpec& spec) {
  return detail::DumpJson(CellSpecToJson(spec));
}

Parsed<CellSpec> CellSpecFromJson(const json& object) {
  CellSpec spec;
  ObjectReader r(object, "spec");
  r.RejectUnknownKeys({"schema", "model_path", "images_path", "labels_path", "input_scale",
                       "scheme", "warmup", "runs", "samples", "threads", "seed", "cpu",
                       "reference_outputs_path"});
  int64_t schema = 0;
  r.Signed("schema", &schema);
  if (r.ok() && schema != kCellSpecSchemaVersion) {
    r.Fail("schema", "unsupported version " + std::to_string(schema) + " (this agent reads " +
                         std::to_string(kCellSpecSchemaVersion) + ")");
  }
  r.String("model_path", &spec.model_path);
  r.String("images_path", &spec.images_path);
  r.String("labels_path", &spec.labels_path);
  std::optional<double> scale;
  r.OptionalNumber("input_scale", &scale);
  if (scale) spec.input_scale = *scale;
  r.String("scheme", &spec.scheme);
  r.Unsigned("warmup", &spec.warmup);
  r.Unsigned("runs", &spec.runs);
  r.Unsigned("samples", &spec.samples);
  r.Unsigned("threads", &spec.threads);
  r.Unsigned("seed", &spec.seed);
  r.OptionalUnsigned("cpu", &spec.cpu);
  r.OptionalString("reference_outputs_path", &spec.reference_outputs_path);
  if (!r.ok()) return ParseError{r.error()};

  for (auto [key, value] : {std::pair{"model_path", &spec.model_path},
                            std::pair{"images_path", &spec.images_path},
                            std::pair{"labels_path", &spec.labels_path}}) {
    if (value->empty()) r.Fail(key, "must not be empty");
  }
  if (!IsKnownScheme(spec.scheme)) {
    r.Fail("scheme", "unknown scheme " + detail::DumpJson(json(spec.scheme)) +
                         " (expected fp32, float16, dynamic, int8, int8-only, int16x8 or "
                         "int16x8-only)");
  }
  if (!(spec.input_scale > 0)) r.Fail("input_scale", "must be greater than 0");
  if (spec.runs < 1) r.Fail("runs", "must be at least 1");
  if (spec.samples < 1) r.Fail("samples", "must be at least 1");
  if (spec.threads < 1) r.Fail("threads", "must be at least 1");
  if (!r.ok()) return ParseError{r.error()};
  return spec;
}

Parsed<CellSpec> ParseCellSpec(std::string_view text) {
  json parsed = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return ParseError{"spec: not valid JSON"};
  return CellSpecFromJson(parsed);
}

}  // namespace bsb::protocol
