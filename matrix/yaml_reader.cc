#include "matrix/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cmath>

#include "matrix/units.h"

namespace bsb::matrix {

Position PositionOf(const YAML::Node& node, Position fallback) {
  if (!node.IsDefined()) return fallback;
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0) return fallback;
  return Position{mark.line + 1, mark.column + 1};
}

std::string Describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  std::string text = node.Scalar();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return "'" + text + "'";
}

bool LooksLikeSecret(const std::string& key) {
  std::string lowered = key;
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* const kWords[] = {"password", "passwd", "passphrase", "secret",
                                       "token",    "apikey", "api_key",    "credential"};
  return std::any_of(std::begin(kWords), std::end(kWords),
                     [&](const char* word) { return lowered.find(word) != std::string::npos; });
}

namespace {

// yaml-cpp marks quoted scalars with the non-specific tag "!"; plain scalars get "?".
bool IsQuoted(const YAML::Node& node) { return node.Tag() == "!"; }

}  // namespace

std::optional<std::int64_t> ScalarInteger(const YAML::Node& node) {
  if (!node.IsDefined() || !node.IsScalar()) return std::nullopt;
  const std::string& text = node.Scalar();
  std::int64_t value = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || begin == end) return std::nullopt;
  return value;
}

std::optional<double> ScalarNumber(const YAML::Node& node) {
  if (!node.IsDefined() || !node.IsScalar()) return std::nullopt;
  const std::string& text = node.Scalar();
  if (text.empty()) return std::nullopt;
  double value = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (*begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<nlohmann::json> ScalarJson(const YAML::Node& node) {
  if (!node.IsDefined() || !node.IsScalar()) return std::nullopt;
  if (IsQuoted(node)) return nlohmann::json(node.Scalar());
  if (const auto integer = ScalarInteger(node)) return nlohmann::json(*integer);
  if (const auto number = ScalarNumber(node)) return nlohmann::json(*number);
  const std::string& text = node.Scalar();
  if (text == "true") return nlohmann::json(true);
  if (text == "false") return nlohmann::json(false);
  return nlohmann::json(text);
}

MapReader::MapReader(const YAML::Node& node, std::string what, const std::vector<std::string>& allowed,
                     Diagnostics& diagnostics, Position fallback,
                     const std::map<std::string, std::string>& foreign)
    : what_(std::move(what)), diagnostics_(diagnostics), position_(PositionOf(node, fallback)) {
  if (!node.IsDefined() || !node.IsMap()) {
    diagnostics_.Error(position_, what_ + " must be a mapping of keys to values, got " + Describe(node));
    return;
  }
  is_map_ = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key_node = it->first;
    const Position key_position = PositionOf(key_node, position_);
    if (!key_node.IsScalar()) {
      diagnostics_.Error(key_position, "keys in " + what_ + " must be plain names, got " + Describe(key_node));
      continue;
    }
    const std::string key = key_node.Scalar();
    if (const Entry* first = Find(key)) {
      const Position at = PositionOf(first->key_node);
      diagnostics_.Error(key_position, "duplicate key '" + key + "' in " + what_ + " (first at line " +
                                           std::to_string(at.line) + ")");
      continue;
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      if (LooksLikeSecret(key)) {
        diagnostics_.Error(key_position, "'" + key +
                                             "' looks like a secret; secrets never live in the matrix file "
                                             "(use ssh-agent, an identity file or ~/.ssh/config)");
      } else if (const auto f = foreign.find(key); f != foreign.end()) {
        diagnostics_.Error(key_position, "key '" + key + "' does not apply to " + what_ + " (" + f->second + ")");
      } else {
        const std::string hint = DidYouMean(key, allowed);
        diagnostics_.Error(key_position, "unknown key '" + key + "' in " + what_ +
                                             (hint.empty() ? "; expected " + JoinAlternatives(allowed) : hint));
      }
      continue;
    }
    entries_.push_back({key, key_node, it->second});
  }
}

const MapReader::Entry* MapReader::Find(const std::string& key) const {
  for (const Entry& entry : entries_) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

YAML::Node MapReader::Get(const std::string& key) const {
  const Entry* entry = Find(key);
  return entry ? entry->value : YAML::Node(YAML::NodeType::Undefined);
}

Position MapReader::KeyPosition(const std::string& key) const {
  const Entry* entry = Find(key);
  return entry ? PositionOf(entry->key_node, position_) : position_;
}

Position MapReader::ValuePosition(const std::string& key) const {
  const Entry* entry = Find(key);
  return entry ? PositionOf(entry->value, PositionOf(entry->key_node, position_)) : position_;
}

void MapReader::MissingError(const std::string& key, const std::string& hint) {
  diagnostics_.Error(position_, "missing required key '" + key + "' in " + what_ + (hint.empty() ? "" : " (" + hint + ")"));
}

const MapReader::Entry* MapReader::Present(const std::string& key, bool required) {
  const Entry* entry = Find(key);
  if (!entry && required && is_map_) MissingError(key);
  return entry;
}

std::optional<std::string> MapReader::String(const std::string& key, bool required) {
  const Entry* entry = Present(key, required);
  if (!entry) return std::nullopt;
  if (!entry->value.IsScalar() || entry->value.Scalar().empty()) {
    diagnostics_.Error(ValuePosition(key), "'" + key + "' in " + what_ + " must be a non-empty string, got " +
                                               Describe(entry->value));
    return std::nullopt;
  }
  return entry->value.Scalar();
}

std::optional<std::int64_t> MapReader::Integer(const std::string& key, std::int64_t min, std::int64_t max,
                                               bool required) {
  const Entry* entry = Present(key, required);
  if (!entry) return std::nullopt;
  const std::optional<std::int64_t> value = ScalarInteger(entry->value);
  if (!value || *value < min || *value > max) {
    diagnostics_.Error(ValuePosition(key), "'" + key + "' in " + what_ + " must be an integer from " +
                                               std::to_string(min) + " to " + std::to_string(max) + ", got " +
                                               Describe(entry->value));
    return std::nullopt;
  }
  return value;
}

std::optional<double> MapReader::Number(const std::string& key, double min, double max, bool required) {
  const Entry* entry = Present(key, required);
  if (!entry) return std::nullopt;
  const std::optional<double> value = ScalarNumber(entry->value);
  if (!value || *value < min || *value > max) {
    char range[96];
    std::snprintf(range, sizeof range, "a number from %g to %g", min, max);
    diagnostics_.Error(ValuePosition(key),
                       "'" + key + "' in " + what_ + " must be " + range + ", got " + Describe(entry->value));
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> MapReader::DurationMs(const std::string& key, bool required) {
  const Entry* entry = Present(key, required);
  if (!entry) return std::nullopt;
  std::optional<std::int64_t> value;
  if (entry->value.IsScalar()) value = ParseDurationMs(entry->value.Scalar());
  if (!value || *value <= 0) {
    diagnostics_.Error(ValuePosition(key), "bad duration " + Describe(entry->value) + " for '" + key + "' in " +
                                               what_ + "; expected a positive whole number with a unit: "
                                               "500ms, 90s, 5m or 1h");
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> MapReader::SizeBytes(const std::string& key, bool required) {
  const Entry* entry = Present(key, required);
  if (!entry) return std::nullopt;
  std::optional<std::int64_t> value;
  if (entry->value.IsScalar()) value = ParseSizeBytes(entry->value.Scalar());
  if (!value || *value <= 0) {
    diagnostics_.Error(ValuePosition(key), "bad size " + Describe(entry->value) + " for '" + key + "' in " + what_ +
                                               "; expected bytes or a whole number with KiB, MiB or GiB "
                                               "(e.g. 640KiB, 2MiB)");
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> MapReader::Choice(const std::string& key, const std::vector<std::string>& choices,
                                             bool required) {
  const std::optional<std::string> value = String(key, required);
  if (!value) return std::nullopt;
  if (std::find(choices.begin(), choices.end(), *value) == choices.end()) {
    const std::string hint = DidYouMean(*value, choices);
    diagnostics_.Error(ValuePosition(key), "'" + key + "' in " + what_ + " must be " + JoinAlternatives(choices) +
                                               ", got '" + *value + "'" + hint);
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> MapReader::StringList(const std::string& key, bool required) {
  const Entry* entry = Present(key, required);
  if (!entry) return std::nullopt;
  if (!entry->value.IsSequence()) {
    diagnostics_.Error(ValuePosition(key),
                       "'" + key + "' in " + what_ + " must be a list of names, got " + Describe(entry->value));
    return std::nullopt;
  }
  std::vector<std::string> items;
  bool all_ok = true;
  for (const YAML::Node& item : entry->value) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      diagnostics_.Error(PositionOf(item, ValuePosition(key)),
                         "items of '" + key + "' in " + what_ + " must be names, got " + Describe(item));
      all_ok = false;
      continue;
    }
    items.push_back(item.Scalar());
  }
  if (!all_ok) return std::nullopt;
  return items;
}

}  // namespace bsb::matrix
