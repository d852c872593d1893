// Checked access to yaml-cpp nodes: every wrong type, unknown key, duplicate key or
// secret-looking key becomes a Diagnostic at the node's position; reading goes on.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "matrix/diagnostics.h"

namespace bsb::matrix {

// The node's position, 1-based; `fallback` when yaml-cpp has none (e.g. a synthesized null).
Position PositionOf(const YAML::Node& node, Position fallback = {});

// How a value looks in a message: 'text' for a scalar (shortened), "a list", "a mapping", "nothing".
std::string Describe(const YAML::Node& node);

// True if a key looks like it would hold a secret (password, passphrase, secret, token, ...).
bool LooksLikeSecret(const std::string& key);

// Scalar conversions (nullopt when the node is not a scalar of that shape).
std::optional<std::int64_t> ScalarInteger(const YAML::Node& node);
std::optional<double> ScalarNumber(const YAML::Node& node);
// A YAML scalar as JSON: integer, number, bool, or (quoted or anything else) string.
std::optional<nlohmann::json> ScalarJson(const YAML::Node& node);

// A mapping whose keys must come from a fixed list.
class MapReader {
 public:
  // `what` names the mapping in messages ("model 'fc-small'", "defaults", "the top level").
  // An empty `allowed` accepts any key (mappings whose keys are names, like datasets).
  // `foreign` maps keys that are known elsewhere but not here to an explanation.
  MapReader(const YAML::Node& node, std::string what, const std::vector<std::string>& allowed,
            Diagnostics& diagnostics, Position fallback,
            const std::map<std::string, std::string>& foreign = {});

  bool is_map() const { return is_map_; }
  Position position() const { return position_; }
  bool Has(const std::string& key) const { return Find(key) != nullptr; }
  YAML::Node Get(const std::string& key) const;  // an invalid (!IsDefined) node when absent
  Position KeyPosition(const std::string& key) const;
  Position ValuePosition(const std::string& key) const;

  // Each getter: nullopt when absent (and, if `required`, a "missing required key" error) or
  // when the value has the wrong shape (with an error saying what was expected).
  std::optional<std::string> String(const std::string& key, bool required = false);
  std::optional<std::int64_t> Integer(const std::string& key, std::int64_t min, std::int64_t max,
                                      bool required = false);
  std::optional<double> Number(const std::string& key, double min, double max, bool required = false);
  std::optional<std::int64_t> DurationMs(const std::string& key, bool required = false);
  std::optional<std::int64_t> SizeBytes(const std::string& key, bool required = false);
  // One of `choices`, with a did-you-mean for near misses.
  std::optional<std::string> Choice(const std::string& key, const std::vector<std::string>& choices,
                                    bool required = false);
  std::optional<std::vector<std::string>> StringList(const std::string& key, bool required = false);

  void MissingError(const std::string& key, const std::string& hint = "");

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
  };
  const Entry* Find(const std::string& key) const;
  const Entry* Present(const std::string& key, bool required);

  std::string what_;
  Diagnostics& diagnostics_;
  Position position_;
  bool is_map_ = false;
  std::vector<Entry> entries_;
};

}  // namespace bsb::matrix
