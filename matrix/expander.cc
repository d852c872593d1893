// Matrix → Plan: cartesian product, exclude, include (GitHub Actions semantics), unsupported.
#include <algorithm>
#include <cstdint>
#include <string>

#include "matrix/diagnostics.h"
#include "matrix/plan.h"

namespace bsb::matrix {
namespace {

bool IsSetting(const std::string& key) {
  return std::find(SettingKeys().begin(), SettingKeys().end(), key) != SettingKeys().end();
}

// A combination under construction: the original keys plus values an include entry added.
struct Combination {
  const Model* model = nullptr;
  std::string scheme;
  const Target* target = nullptr;
  nlohmann::json axes = nlohmann::json::object();
  std::vector<std::pair<std::string, nlohmann::json>> added;  // include-added settings, in order
};

// How a rule key relates to combination `c`: c has no such original key, or it has and its
// value is (or is not) one of the key's values. Compares in place: this runs for every cell.
enum class Match { kAbsent, kYes, kNo };

Match MatchOriginal(const Combination& c, const RuleKey& key) {
  const std::string* name = key.key == "model"    ? &c.model->name
                            : key.key == "scheme" ? &c.scheme
                            : key.key == "target" ? &c.target->name
                                                  : nullptr;
  if (name) {
    const bool found = std::any_of(key.values.begin(), key.values.end(), [&](const nlohmann::json& v) {
      return v.is_string() && v.get_ref<const std::string&>() == *name;
    });
    return found ? Match::kYes : Match::kNo;
  }
  const auto it = c.axes.find(key.key);
  if (it == c.axes.end()) return Match::kAbsent;
  return std::find(key.values.begin(), key.values.end(), *it) != key.values.end() ? Match::kYes : Match::kNo;
}

// exclude: the rule matches when every key it names holds one of the rule's values.
bool Excluded(const Combination& c, const std::vector<Rule>& rules) {
  return std::any_of(rules.begin(), rules.end(), [&](const Rule& rule) {
    return std::all_of(rule.keys.begin(), rule.keys.end(),
                       [&](const RuleKey& key) { return MatchOriginal(c, key) == Match::kYes; });
  });
}

// include: an entry can extend `c` when it overwrites none of c's original values (an include
// key holds exactly one value).
bool Extends(const Combination& c, const Rule& rule) {
  return std::all_of(rule.keys.begin(), rule.keys.end(),
                     [&](const RuleKey& key) { return MatchOriginal(c, key) != Match::kNo; });
}

void AddValues(Combination& c, const Rule& rule) {
  for (const RuleKey& key : rule.keys) {
    if (MatchOriginal(c, key) != Match::kAbsent) continue;
    auto it = std::find_if(c.added.begin(), c.added.end(), [&](const auto& kv) { return kv.first == key.key; });
    if (it != c.added.end()) {
      it->second = key.values.front();  // added values may be overwritten by later entries
    } else {
      c.added.emplace_back(key.key, key.values.front());
    }
  }
}

// Why `target` cannot run `model` in `scheme`, or "" if it can.
std::string UnsupportedReason(const Model& model, const std::string& scheme, const Target& target) {
  if (target.IsMicrocontroller() && (scheme == "dynamic" || scheme == "float16")) {
    return "microcontroller targets (" + target.kind + ") cannot run " + scheme +
           (scheme == "dynamic" ? " models: the MCU runtime has no hybrid (float activation, int8 weight) kernels"
                                : " models: fp16 weights need a float DEQUANTIZE the MCU runtime does not ship");
  }
  if (!model.source && model.artifacts.count(scheme) == 0) {
    return "model '" + model.name + "' has no " + scheme + " artifact and no source to quantize from";
  }
  return "";
}

Cell Finish(Combination&& c, const Matrix& matrix) {
  Cell cell;
  cell.model = c.model->name;
  cell.scheme = c.scheme;
  cell.target = c.target->name;
  cell.axes = std::move(c.axes);
  cell.id = CellId(cell.model, cell.scheme, cell.target, cell.axes);
  cell.settings = matrix.defaults;
  for (const auto& [name, value] : cell.axes.items()) {
    if (IsSetting(name)) ApplySetting(cell.settings, name, value);
  }
  for (const auto& [name, value] : c.added) ApplySetting(cell.settings, name, value);
  cell.reason = UnsupportedReason(*c.model, c.scheme, *c.target);
  if (!cell.reason.empty()) cell.status = CellStatus::kUnsupported;
  return cell;
}

// Every product combination that no exclude rule removes, in product order.
std::vector<Combination> Product(const Matrix& matrix) {
  std::vector<Combination> combinations;
  std::vector<std::size_t> odometer(matrix.axes.size(), 0);
  for (const Model& model : matrix.models) {
    for (const std::string& scheme : matrix.schemes) {
      for (const Target& target : matrix.targets) {
        std::fill(odometer.begin(), odometer.end(), 0);
        while (true) {
          Combination c{&model, scheme, &target, nlohmann::json::object(), {}};
          for (std::size_t a = 0; a < matrix.axes.size(); ++a) {
            c.axes[matrix.axes[a].name] = matrix.axes[a].values[odometer[a]];
          }
          if (!Excluded(c, matrix.exclude)) combinations.push_back(std::move(c));
          std::size_t a = 0;
          for (; a < odometer.size(); ++a) {
            if (++odometer[a] < matrix.axes[a].values.size()) break;
            odometer[a] = 0;
          }
          if (a == odometer.size()) break;
        }
      }
    }
  }
  return combinations;
}

}  // namespace

const char* ToString(CellStatus status) { return status == CellStatus::kPlanned ? "planned" : "unsupported"; }

std::size_t Plan::CountUnsupported() const {
  return static_cast<std::size_t>(std::count_if(
      cells.begin(), cells.end(), [](const Cell& cell) { return cell.status == CellStatus::kUnsupported; }));
}

Result<Plan> Expand(const Matrix& matrix) {
  Diagnostics diagnostics(matrix.file);
  std::size_t product = matrix.models.size() * matrix.schemes.size() * matrix.targets.size();
  for (const Axis& axis : matrix.axes) {
    if (product > kMaxCells) break;
    product *= axis.values.size();
  }
  if (product > kMaxCells) {
    diagnostics.Error({}, "the matrix expands to more than " + std::to_string(kMaxCells) +
                              " cells before exclude; shorten the lists or split the matrix");
    return MakeError(diagnostics.Text());
  }

  std::vector<Combination> combinations = Product(matrix);
  const std::size_t original_count = combinations.size();
  for (const Rule& rule : matrix.include) {
    bool extended = false;
    for (std::size_t i = 0; i < original_count; ++i) {
      if (!Extends(combinations[i], rule)) continue;
      AddValues(combinations[i], rule);
      extended = true;
    }
    if (extended) continue;
    // No original combination takes it: the entry becomes a new combination of its own.
    std::vector<std::string> missing;
    for (const char* key : {"model", "scheme", "target"}) {
      if (!rule.Find(key)) missing.push_back(std::string("'") + key + "'");
    }
    if (!missing.empty()) {
      std::string needed = JoinAlternatives(missing);
      if (missing.size() > 1) needed.replace(needed.rfind(" or "), 4, " and ");
      diagnostics.Error(rule.position, "this include entry matches no cell, and to add a new one it needs " + needed);
      continue;
    }
    Combination c;
    c.model = matrix.FindModel(rule.Find("model")->values.front().get<std::string>());
    c.scheme = rule.Find("scheme")->values.front().get<std::string>();
    c.target = matrix.FindTarget(rule.Find("target")->values.front().get<std::string>());
    if (!c.model || !c.target) continue;  // reported by Validate
    for (const RuleKey& key : rule.keys) {
      if (matrix.FindAxis(key.key)) c.axes[key.key] = key.values.front();
    }
    // Two entries forming the same new cell make one cell: the later extends the earlier.
    const auto same = std::find_if(combinations.begin() + static_cast<std::ptrdiff_t>(original_count),
                                   combinations.end(), [&](const Combination& x) {
                                     return x.model == c.model && x.scheme == c.scheme && x.target == c.target &&
                                            x.axes == c.axes;
                                   });
    if (same != combinations.end()) {
      AddValues(*same, rule);
      continue;
    }
    AddValues(c, rule);
    combinations.push_back(std::move(c));
  }
  if (!diagnostics.empty()) return MakeError(diagnostics.Text());

  Plan plan;
  plan.matrix_name = matrix.name;
  plan.file = matrix.file;
  plan.cells.reserve(combinations.size());
  for (Combination& c : combinations) plan.cells.push_back(Finish(std::move(c), matrix));
  // Combinations are distinct by construction, so equal ids would be a 48-bit hash collision.
  // Sorting the ids as integers is much cheaper than a hash set of 100,000 strings.
  std::vector<std::uint64_t> ids;
  ids.reserve(plan.cells.size());
  for (const Cell& cell : plan.cells) ids.push_back(std::stoull(cell.id, nullptr, 16));
  std::sort(ids.begin(), ids.end());
  if (const auto same = std::adjacent_find(ids.begin(), ids.end()); same != ids.end()) {
    return MakeError("cell id collision: two different cells hash to the same id", ExitCode::kInternal);
  }
  return plan;
}

}  // namespace bsb::matrix
