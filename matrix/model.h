// The typed matrix model (DESIGN.md §2, version 1): what a validated matrix file says.
// Built by the parser (parser.h); every field here has already been checked.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace bsb::matrix {

// Where something was written in the matrix file: 1-based; 0 when unknown.
struct Position {
  int line = 0;
  int column = 0;
};

// The per-cell run settings: `defaults:` merged with axes named like a setting.
struct Settings {
  std::int64_t warmup = 10;
  std::int64_t runs = 200;
  std::int64_t samples = 1000;
  std::int64_t threads = 1;
  std::int64_t timeout_ms = 5 * 60 * 1000;
  std::int64_t retries = 2;
};

// Names of the keys of Settings as written in the file (defaults:, axes:, include:).
inline const std::vector<std::string>& SettingKeys() {
  static const std::vector<std::string> keys = {"warmup", "runs", "samples", "threads", "timeout", "retries"};
  return keys;
}

// The accepted range of an integer setting (warmup, runs, samples, threads, retries).
std::pair<std::int64_t, std::int64_t> SettingRange(const std::string& key);

// Sets one setting from a value already checked by the parser (timeout: a duration string).
void ApplySetting(Settings& settings, const std::string& key, const nlohmann::json& value);

// The quantization schemes, in the order of DESIGN.md §2.
inline const std::vector<std::string>& KnownSchemes() {
  static const std::vector<std::string> schemes = {"fp32",    "float16", "dynamic",     "int8",
                                                   "int8-only", "int16x8", "int16x8-only"};
  return schemes;
}

struct Dataset {
  std::string name;
  std::string format = "idx";
  std::filesystem::path images;  // resolved against the matrix file's directory
  std::filesystem::path labels;
  double scale = 1.0;   // input = raw * scale + offset
  double offset = 0.0;
  Position position;
};

// A model file: a local path, a built-in zoo model, or an https URL pinned by sha256.
struct Source {
  enum class Kind { kPath, kZoo, kUrl };
  Kind kind = Kind::kPath;
  std::string location;  // resolved path, zoo model name (without "zoo:"), or URL
  std::string sha256;    // 64 lower-case hex characters; required for kUrl
};

struct Calibration {
  std::string dataset;
  std::int64_t samples = 300;
  Position dataset_position;
};

struct Model {
  std::string name;
  std::optional<Source> source;            // fp32 model the quantizer starts from
  std::map<std::string, Source> artifacts;  // scheme → prebuilt model
  std::string dataset;
  std::optional<Calibration> calibration;
  Position position;
  Position dataset_position;
};

struct LocalTarget {};

struct QemuUserTarget {
  std::string arch;  // aarch64 | armv7
};

struct SshTarget {
  std::string host;                 // host name, address or ~/.ssh/config alias
  std::vector<std::string> pool;    // identical hosts sharing one queue (instead of host)
  std::string user;                 // empty: from ~/.ssh/config or the local user
  int port = 0;                     // 0: from ~/.ssh/config, else 22
  std::string identity;             // private key path, may start with ~/
  std::string host_key = "strict";  // strict | accept-new
  std::string known_hosts;          // empty: ~/.ssh/known_hosts
  std::int64_t connect_timeout_ms = 10 * 1000;
  std::int64_t keepalive_ms = 15 * 1000;
  std::string workdir;              // empty: ~/.cache/bsb-matrix
};

// Flash and RAM a microcontroller offers to the model and arena (0: not declared).
struct Budget {
  std::int64_t flash_bytes = 0;
  std::int64_t ram_bytes = 0;
};

struct SerialTarget {
  std::string port;           // /dev/ttyACM0 or a pty
  int baud = 115200;
  std::string board;
  std::string flash_command;  // optional command line run before the first cell
  Budget budget;
};

struct QemuMcuTarget {
  std::string board;  // e.g. mps2-an386
  Budget budget;
};

using TargetSpec = std::variant<LocalTarget, QemuUserTarget, SshTarget, SerialTarget, QemuMcuTarget>;

struct Target {
  std::string name;
  std::string kind;  // local | qemu-user | ssh | serial | qemu-mcu
  int concurrency = 1;
  TargetSpec spec;
  Position position;

  bool IsMicrocontroller() const {
    return std::holds_alternative<SerialTarget>(spec) || std::holds_alternative<QemuMcuTarget>(spec);
  }
};

// The target kinds, in the order of DESIGN.md §2.
inline const std::vector<std::string>& KnownTargetKinds() {
  static const std::vector<std::string> kinds = {"local", "qemu-user", "ssh", "serial", "qemu-mcu"};
  return kinds;
}

// A free axis: a name and its values (JSON scalars: integer, number, string, bool).
struct Axis {
  std::string name;
  std::vector<nlohmann::json> values;
  Position position;
};

// One key of an `exclude:` or `include:` entry: the accepted values (exclude: one or more) or
// the value (include: exactly one). model/scheme/target values are JSON strings.
struct RuleKey {
  std::string key;  // model, scheme, target, an axis name, or (include only) a setting
  std::vector<nlohmann::json> values;
  Position position;  // of the value
};

struct Rule {
  std::vector<RuleKey> keys;
  Position position;

  const RuleKey* Find(const std::string& key) const {
    for (const RuleKey& k : keys) {
      if (k.key == key) return &k;
    }
    return nullptr;
  }
};

struct Gates {
  std::optional<double> accuracy_drop;       // largest accepted top-1 drop vs fp32 (0.02 = 2 points)
  std::optional<double> latency_regression;  // largest accepted slowdown vs a baseline (0.10 = 10%)
};

struct Matrix {
  std::string file;  // as given by the user; used in messages
  std::filesystem::path base_dir;
  int version = 1;
  std::string name;
  Settings defaults;
  std::vector<Dataset> datasets;
  std::vector<Model> models;
  std::vector<std::string> schemes;
  std::vector<Target> targets;
  std::vector<Axis> axes;
  std::vector<Rule> exclude;
  std::vector<Rule> include;
  Gates gates;

  const Model* FindModel(const std::string& model_name) const;
  const Target* FindTarget(const std::string& target_name) const;
  const Dataset* FindDataset(const std::string& dataset_name) const;
  const Axis* FindAxis(const std::string& axis_name) const;
};

}  // namespace bsb::matrix
