#include "matrix/parser.h"

#include <algorithm>
#include <cctype>

#include "matrix/units.h"
#include "matrix/yaml_reader.h"

namespace bsb::matrix {
namespace {

const std::vector<std::string> kTopKeys = {"version", "name",    "defaults", "datasets", "models", "schemes",
                                           "targets", "axes",    "exclude",  "include",  "gates"};
const std::vector<std::string> kDefaultsKeys = SettingKeys();
const std::vector<std::string> kDatasetKeys = {"format", "images", "labels", "scale", "offset"};
const std::vector<std::string> kModelKeys = {"name", "source", "sha256", "artifacts", "dataset", "calibration"};
const std::vector<std::string> kCalibrationKeys = {"dataset", "samples"};
const std::vector<std::string> kArtifactKeys = {"path", "url", "sha256"};
const std::vector<std::string> kGateKeys = {"accuracy_drop", "latency_regression"};
const std::vector<std::string> kDimensionKeys = {"model", "scheme", "target"};

bool CheckSettingValue(const std::string& key, const YAML::Node& value, const std::string& what, Position at,
                       Diagnostics& diagnostics);

bool IsHex64(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

bool IsUrl(const std::string& text) { return text.rfind("http://", 0) == 0 || text.rfind("https://", 0) == 0; }

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// `sha256:` of a model or artifact: 64 hex digits, stored lower-case.
std::optional<std::string> ReadSha256(MapReader& map, const std::string& what, Diagnostics& diagnostics) {
  const std::optional<std::string> text = map.String("sha256");
  if (!text) return std::nullopt;
  if (!IsHex64(*text)) {
    diagnostics.Error(map.ValuePosition("sha256"),
                      "'sha256' in " + what + " must be 64 hexadecimal digits, got '" + *text + "'");
    return std::nullopt;
  }
  return Lower(*text);
}

// A model or artifact location: zoo:NAME, an http(s) URL (sha256 required), or a path.
std::optional<Source> ReadLocation(const std::string& written, Position at, const std::optional<std::string>& sha256,
                                   const std::string& what, const Matrix& matrix, Diagnostics& diagnostics) {
  Source source;
  if (written.rfind("zoo:", 0) == 0) {
    source.kind = Source::Kind::kZoo;
    source.location = written.substr(4);
    if (source.location.empty()) {
      diagnostics.Error(at, what + " names no zoo model; write zoo:NAME, e.g. zoo:fc-small");
      return std::nullopt;
    }
  } else if (IsUrl(written)) {
    source.kind = Source::Kind::kUrl;
    source.location = written;
    if (!sha256) {
      diagnostics.Error(at, what + " is a URL and needs a 'sha256' pin beside it");
      return std::nullopt;
    }
  } else if (written.find("://") != std::string::npos) {
    diagnostics.Error(at, what + " '" + written + "' uses an unsupported URL scheme; expected http:// or https://");
    return std::nullopt;
  } else {
    source.location = ResolvePath(written, matrix.base_dir).string();
  }
  if (sha256) source.sha256 = *sha256;
  return source;
}

void ParseDefaults(const YAML::Node& node, Position fallback, Matrix& matrix, Diagnostics& diagnostics) {
  MapReader map(node, "defaults", kDefaultsKeys, diagnostics, fallback);
  for (const std::string& key : SettingKeys()) {
    if (!map.Has(key)) continue;
    if (!CheckSettingValue(key, map.Get(key), "defaults", map.ValuePosition(key), diagnostics)) continue;
    ApplySetting(matrix.defaults, key, *ScalarJson(map.Get(key)));
  }
}

void ParseDatasets(const YAML::Node& node, Position fallback, Matrix& matrix, Diagnostics& diagnostics) {
  MapReader names(node, "datasets", {}, diagnostics, fallback);
  if (!node.IsMap()) return;
  // Every key is a dataset name, so MapReader's unknown-key check does not apply here.
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::optional<std::string> name = ReadName(it->first, "dataset name", names.position(), diagnostics);
    if (!name) continue;
    const std::string what = "dataset '" + *name + "'";
    MapReader map(it->second, what, kDatasetKeys, diagnostics, PositionOf(it->first));
    if (!map.is_map()) continue;
    Dataset dataset;
    dataset.name = *name;
    dataset.position = PositionOf(it->first);
    if (auto v = map.Choice("format", {"idx"})) dataset.format = *v;
    if (auto v = map.String("images", true)) dataset.images = ResolvePath(*v, matrix.base_dir);
    if (auto v = map.String("labels", true)) dataset.labels = ResolvePath(*v, matrix.base_dir);
    if (auto v = map.Number("scale", 1e-12, 1e12)) dataset.scale = *v;
    if (auto v = map.Number("offset", -1e12, 1e12)) dataset.offset = *v;
    matrix.datasets.push_back(std::move(dataset));
  }
}

void ParseArtifacts(const YAML::Node& node, Position fallback, const std::string& what, Model& model,
                    const Matrix& matrix, Diagnostics& diagnostics) {
  MapReader schemes(node, "artifacts of " + what, {}, diagnostics, fallback);
  if (!node.IsMap()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const Position at = PositionOf(it->first, fallback);
    const std::string scheme = it->first.IsScalar() ? it->first.Scalar() : "";
    if (std::find(KnownSchemes().begin(), KnownSchemes().end(), scheme) == KnownSchemes().end()) {
      diagnostics.Error(at, "unknown scheme '" + scheme + "' in artifacts of " + what + DidYouMean(scheme, KnownSchemes()));
      continue;
    }
    const std::string artifact_what = "the " + scheme + " artifact of " + what;
    const Position value_at = PositionOf(it->second, at);
    std::optional<Source> artifact;
    if (it->second.IsScalar()) {
      artifact = ReadLocation(it->second.Scalar(), value_at, std::nullopt, artifact_what, matrix, diagnostics);
    } else {
      MapReader map(it->second, artifact_what, kArtifactKeys, diagnostics, at);
      if (!map.is_map()) continue;
      const std::optional<std::string> sha256 = ReadSha256(map, artifact_what, diagnostics);
      const bool has_path = map.Has("path"), has_url = map.Has("url");
      if (has_path == has_url) {
        diagnostics.Error(map.position(), artifact_what + " needs exactly one of 'path' or 'url'");
        continue;
      }
      const std::string key = has_path ? "path" : "url";
      const std::optional<std::string> written = map.String(key);
      if (!written) continue;
      if (has_url && !IsUrl(*written)) {
        diagnostics.Error(map.ValuePosition(key), "'url' of " + artifact_what + " must start with http:// or https://");
        continue;
      }
      artifact = ReadLocation(*written, map.ValuePosition(key), sha256, artifact_what, matrix, diagnostics);
    }
    if (artifact) model.artifacts[scheme] = std::move(*artifact);
  }
}

void ParseModels(const YAML::Node& node, Position fallback, Matrix& matrix, Diagnostics& diagnostics) {
  if (!node.IsSequence()) {
    diagnostics.Error(PositionOf(node, fallback), "'models' must be a list of models, got " + Describe(node));
    return;
  }
  if (node.size() == 0) diagnostics.Error(PositionOf(node, fallback), "'models' must list at least one model");
  for (const YAML::Node& item : node) {
    // Name the model in messages about its keys when it has a usable name.
    std::string map_what = "a model";
    if (item.IsMap() && item["name"].IsDefined() && item["name"].IsScalar()) {
      map_what = "model '" + item["name"].Scalar() + "'";
    }
    MapReader map(item, map_what, kModelKeys, diagnostics, PositionOf(node, fallback));
    if (!map.is_map()) continue;
    Model model;
    model.position = map.position();
    if (!map.Has("name")) {
      map.MissingError("name");
      continue;
    }
    const std::optional<std::string> name = ReadName(map.Get("name"), "model name", map.position(), diagnostics);
    if (!name) continue;
    model.name = *name;
    const std::string what = "model '" + model.name + "'";
    const std::optional<std::string> sha256 = ReadSha256(map, what, diagnostics);
    if (const auto source = map.String("source")) {
      model.source = ReadLocation(*source, map.ValuePosition("source"), sha256, "the source of " + what, matrix, diagnostics);
    }
    if (map.Has("artifacts")) ParseArtifacts(map.Get("artifacts"), map.KeyPosition("artifacts"), what, model, matrix, diagnostics);
    if (!map.Has("source") && !map.Has("artifacts")) {
      diagnostics.Error(map.position(), what + " needs 'source' (the fp32 model to quantize) or 'artifacts' "
                                               "(one prebuilt model per scheme)");
    }
    if (!map.Has("dataset")) {
      diagnostics.Error(map.position(), "missing required key 'dataset' in " + what + " (accuracy is measured on it)");
    } else if (const auto dataset = map.String("dataset")) {
      model.dataset = *dataset;
      model.dataset_position = map.ValuePosition("dataset");
    }
    if (map.Has("calibration")) {
      MapReader calibration(map.Get("calibration"), "the calibration of " + what, kCalibrationKeys, diagnostics,
                            map.KeyPosition("calibration"));
      if (calibration.is_map()) {
        Calibration c;
        if (auto v = calibration.String("dataset", true)) {
          c.dataset = *v;
          c.dataset_position = calibration.ValuePosition("dataset");
        }
        if (auto v = calibration.Integer("samples", 1, 1'000'000)) c.samples = *v;
        model.calibration = c;
      }
    }
    matrix.models.push_back(std::move(model));
  }
}

void ParseSchemes(const YAML::Node& node, Position fallback, Matrix& matrix, Diagnostics& diagnostics) {
  if (!node.IsSequence()) {
    diagnostics.Error(PositionOf(node, fallback), "'schemes' must be a list of scheme names, got " + Describe(node));
    return;
  }
  if (node.size() == 0) {
    diagnostics.Error(PositionOf(node, fallback), "'schemes' must list at least one of " + JoinAlternatives(KnownSchemes()));
  }
  for (const YAML::Node& item : node) {
    const Position at = PositionOf(item, fallback);
    const std::string scheme = item.IsScalar() ? item.Scalar() : "";
    if (std::find(KnownSchemes().begin(), KnownSchemes().end(), scheme) == KnownSchemes().end()) {
      const std::string hint = DidYouMean(scheme, KnownSchemes());
      diagnostics.Error(at, "unknown scheme " + Describe(item) +
                                (hint.empty() ? "; expected " + JoinAlternatives(KnownSchemes()) : hint));
    } else if (std::find(matrix.schemes.begin(), matrix.schemes.end(), scheme) != matrix.schemes.end()) {
      diagnostics.Error(at, "duplicate scheme '" + scheme + "' in 'schemes'");
    } else {
      matrix.schemes.push_back(scheme);
    }
  }
}

// An axis or include value named like a setting must be a value that setting accepts.
bool CheckSettingValue(const std::string& key, const YAML::Node& value, const std::string& what, Position at,
                       Diagnostics& diagnostics) {
  if (key == "timeout") {
    const std::optional<std::int64_t> ms = value.IsScalar() ? ParseDurationMs(value.Scalar()) : std::nullopt;
    if (ms && *ms > 0) return true;
    diagnostics.Error(at, "bad duration " + Describe(value) + " for 'timeout' in " + what +
                              "; expected a positive whole number with a unit: 500ms, 90s, 5m or 1h");
    return false;
  }
  const auto [min, max] = SettingRange(key);
  const std::optional<std::int64_t> number = ScalarInteger(value);
  if (number && *number >= min && *number <= max) return true;
  diagnostics.Error(at, "'" + key + "' in " + what + " must be an integer from " + std::to_string(min) + " to " +
                            std::to_string(max) + ", got " + Describe(value));
  return false;
}

void ParseAxes(const YAML::Node& node, Position fallback, Matrix& matrix, Diagnostics& diagnostics) {
  MapReader names(node, "axes", {}, diagnostics, fallback);
  if (!node.IsMap()) return;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::optional<std::string> name = ReadName(it->first, "axis name", names.position(), diagnostics);
    if (!name) continue;
    const Position at = PositionOf(it->first, fallback);
    if (std::find(kDimensionKeys.begin(), kDimensionKeys.end(), *name) != kDimensionKeys.end() || *name == "status" ||
        *name == "id") {
      diagnostics.Error(at, "axis name '" + *name + "' is reserved; models, schemes and targets have their own lists");
      continue;
    }
    if (LooksLikeSecret(*name)) {  // axis values are handed to agents on every target
      diagnostics.Error(at, "axis '" + *name + "' looks like a secret; secrets never live in the matrix file");
      continue;
    }
    if (matrix.FindAxis(*name)) {
      diagnostics.Error(at, "duplicate axis '" + *name + "'");
      continue;
    }
    Axis axis{*name, {}, at};
    const YAML::Node values = it->second;
    if (!values.IsSequence()) {
      diagnostics.Error(PositionOf(values, at), "axis '" + *name + "' must be a list of values, got " + Describe(values));
      continue;
    }
    if (values.size() == 0) {
      diagnostics.Error(PositionOf(values, at), "axis '" + *name + "' has no values; give at least one or remove it");
      continue;
    }
    const bool is_setting = std::find(SettingKeys().begin(), SettingKeys().end(), *name) != SettingKeys().end();
    for (const YAML::Node& value : values) {
      const Position value_at = PositionOf(value, at);
      const std::optional<nlohmann::json> json = ScalarJson(value);
      if (!json) {
        diagnostics.Error(value_at, "values of axis '" + *name + "' must be numbers, strings or booleans, got " +
                                        Describe(value));
        continue;
      }
      if (json->is_string() && !IsValidUtf8(json->get_ref<const std::string&>())) {
        diagnostics.Error(value_at, "a value of axis '" + *name + "' is not valid UTF-8");
        continue;
      }
      if (is_setting && !CheckSettingValue(*name, value, "axis '" + *name + "'", value_at, diagnostics)) continue;
      if (std::find(axis.values.begin(), axis.values.end(), *json) != axis.values.end()) {
        diagnostics.Error(value_at, "duplicate value " + Describe(value) + " in axis '" + *name + "'");
        continue;
      }
      axis.values.push_back(*json);
    }
    matrix.axes.push_back(std::move(axis));
  }
}

// `exclude:` (lists allowed as values) or `include:` (one value each; settings allowed).
void ParseRules(const YAML::Node& node, Position fallback, bool is_include, Matrix& matrix, Diagnostics& diagnostics) {
  const std::string section = is_include ? "include" : "exclude";
  if (!node.IsSequence()) {
    diagnostics.Error(PositionOf(node, fallback), "'" + section + "' must be a list of rules, got " + Describe(node));
    return;
  }
  std::vector<std::string> allowed = kDimensionKeys;
  for (const Axis& axis : matrix.axes) allowed.push_back(axis.name);
  if (is_include) {
    for (const std::string& key : SettingKeys()) {
      if (!matrix.FindAxis(key)) allowed.push_back(key);
    }
  }
  for (const YAML::Node& item : node) {
    const std::string what = "an " + section + " entry";
    MapReader map(item, what, allowed, diagnostics, PositionOf(node, fallback));
    if (!map.is_map()) continue;
    Rule rule;
    rule.position = map.position();
    for (const std::string& key : allowed) {
      if (!map.Has(key)) continue;
      const YAML::Node value = map.Get(key);
      RuleKey rule_key{key, {}, map.ValuePosition(key)};
      const bool is_dimension = std::find(kDimensionKeys.begin(), kDimensionKeys.end(), key) != kDimensionKeys.end();
      std::vector<YAML::Node> items;
      if (value.IsSequence() && !is_include) {
        for (const YAML::Node& v : value) items.push_back(v);
        if (items.empty()) diagnostics.Error(rule_key.position, "'" + key + "' in " + what + " lists no values");
      } else {
        items.push_back(value);
      }
      for (const YAML::Node& v : items) {
        const std::optional<nlohmann::json> json = ScalarJson(v);
        if (!json) {
          diagnostics.Error(PositionOf(v, rule_key.position),
                            "'" + key + "' in " + what + " must be " +
                                (is_include ? "a single value" : "a value or a list of values") + ", got " + Describe(v));
          continue;
        }
        if (json->is_string() && !IsValidUtf8(json->get_ref<const std::string&>())) {
          diagnostics.Error(PositionOf(v, rule_key.position), "'" + key + "' in " + what + " is not valid UTF-8");
          continue;
        }
        const bool is_setting = std::find(SettingKeys().begin(), SettingKeys().end(), key) != SettingKeys().end();
        if (is_setting && !CheckSettingValue(key, v, what, PositionOf(v, rule_key.position), diagnostics)) continue;
        rule_key.values.push_back(is_dimension ? nlohmann::json(v.Scalar()) : *json);
      }
      if (!rule_key.values.empty()) rule.keys.push_back(std::move(rule_key));
    }
    if (item.IsMap() && item.size() == 0) {
      diagnostics.Error(rule.position, is_include ? "an include entry with no keys adds nothing"
                                                  : "an exclude entry with no keys would remove every cell");
      continue;
    }
    (is_include ? matrix.include : matrix.exclude).push_back(std::move(rule));
  }
}

void ParseGates(const YAML::Node& node, Position fallback, Matrix& matrix, Diagnostics& diagnostics) {
  MapReader map(node, "gates", kGateKeys, diagnostics, fallback);
  if (auto v = map.Number("accuracy_drop", 0, 1)) matrix.gates.accuracy_drop = *v;
  if (auto v = map.Number("latency_regression", 0, 100)) matrix.gates.latency_regression = *v;
}

}  // namespace

std::optional<std::string> ReadName(const YAML::Node& node, const std::string& what, Position fallback,
                                    Diagnostics& diagnostics) {
  const Position at = PositionOf(node, fallback);
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  const bool ok = !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
                  });
  if (!ok) {
    diagnostics.Error(at, "bad " + what + " " + Describe(node) +
                              "; names are 1 to 64 letters, digits, '.', '_' or '-'");
    return std::nullopt;
  }
  return text;
}

std::filesystem::path ResolvePath(const std::string& written, const std::filesystem::path& base_dir) {
  const std::filesystem::path path(written);
  if (path.is_absolute() || written.rfind("~/", 0) == 0 || written == "~") return path;
  return (base_dir / path).lexically_normal();
}

void ParseDocument(const YAML::Node& root, Matrix& matrix, Diagnostics& diagnostics) {
  MapReader top(root, "the top level of the matrix", kTopKeys, diagnostics, Position{1, 1});
  if (!top.is_map()) return;

  if (!top.Has("version")) {
    top.MissingError("version", "this format is version 1");
  } else if (const auto version = ScalarInteger(top.Get("version")); !version || *version != 1) {
    diagnostics.Error(top.ValuePosition("version"),
                      "unsupported version " + Describe(top.Get("version")) + "; this bsb-matrix reads version 1");
  }
  matrix.name = std::filesystem::path(matrix.file).stem().string();
  if (top.Has("name")) {
    if (auto name = ReadName(top.Get("name"), "matrix name", top.ValuePosition("name"), diagnostics)) matrix.name = *name;
  }
  if (top.Has("defaults")) ParseDefaults(top.Get("defaults"), top.KeyPosition("defaults"), matrix, diagnostics);
  if (top.Has("datasets")) ParseDatasets(top.Get("datasets"), top.KeyPosition("datasets"), matrix, diagnostics);
  for (const char* required : {"models", "schemes", "targets"}) {
    if (!top.Has(required)) top.MissingError(required);
  }
  if (top.Has("models")) ParseModels(top.Get("models"), top.KeyPosition("models"), matrix, diagnostics);
  if (top.Has("schemes")) ParseSchemes(top.Get("schemes"), top.KeyPosition("schemes"), matrix, diagnostics);
  if (top.Has("targets")) ParseTargets(top.Get("targets"), top.KeyPosition("targets"), matrix, diagnostics);
  if (top.Has("axes")) ParseAxes(top.Get("axes"), top.KeyPosition("axes"), matrix, diagnostics);
  if (top.Has("exclude")) ParseRules(top.Get("exclude"), top.KeyPosition("exclude"), false, matrix, diagnostics);
  if (top.Has("include")) ParseRules(top.Get("include"), top.KeyPosition("include"), true, matrix, diagnostics);
  if (top.Has("gates")) ParseGates(top.Get("gates"), top.KeyPosition("gates"), matrix, diagnostics);
}

}  // namespace bsb::matrix
