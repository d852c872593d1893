// Checks that need the whole matrix: unique names and references between sections.
#include <algorithm>

#include "matrix/parser.h"

namespace bsb::matrix {
namespace {

template <typename T>
std::vector<std::string> NamesOf(const std::vector<T>& items) {
  std::vector<std::string> names;
  for (const T& item : items) names.push_back(item.name);
  return names;
}

template <typename T>
void CheckUnique(const std::vector<T>& items, const std::string& what, Diagnostics& diagnostics) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (items[i].name == items[j].name) {
        diagnostics.Error(items[i].position, "duplicate " + what + " name '" + items[i].name + "' (first defined at line " +
                                                 std::to_string(items[j].position.line) + ")");
        break;
      }
    }
  }
}

// "undefined dataset 'x'" plus a did-you-mean, or the defined names when nothing is close.
std::string Undefined(const std::string& what, const std::string& name, const std::vector<std::string>& defined) {
  std::string message = "undefined " + what + " '" + name + "'";
  const std::string hint = DidYouMean(name, defined);
  if (!hint.empty()) return message + hint;
  if (defined.empty()) return message + "; no " + what + "s are defined";
  return message + "; defined: " + JoinAlternatives(defined);
}

void CheckDataset(const std::string& name, Position at, const std::string& who, const Matrix& matrix,
                  Diagnostics& diagnostics) {
  if (name.empty() || matrix.FindDataset(name)) return;
  diagnostics.Error(at, who + " refers to " + Undefined("dataset", name, NamesOf(matrix.datasets)));
}

void CheckRule(const Rule& rule, const std::string& section, const Matrix& matrix, Diagnostics& diagnostics) {
  for (const RuleKey& key : rule.keys) {
    for (const nlohmann::json& value : key.values) {
      if (!value.is_string()) continue;
      const std::string& name = value.get_ref<const std::string&>();
      const std::string who = "this " + section + " entry refers to ";
      if (key.key == "model" && !matrix.FindModel(name)) {
        diagnostics.Error(key.position, who + Undefined("model", name, NamesOf(matrix.models)));
      } else if (key.key == "target" && !matrix.FindTarget(name)) {
        diagnostics.Error(key.position, who + Undefined("target", name, NamesOf(matrix.targets)));
      } else if (key.key == "scheme" &&
                 std::find(KnownSchemes().begin(), KnownSchemes().end(), name) == KnownSchemes().end()) {
        const std::string hint = DidYouMean(name, KnownSchemes());
        diagnostics.Error(key.position, "unknown scheme '" + name + "' in this " + section + " entry" +
                                            (hint.empty() ? "; expected " + JoinAlternatives(KnownSchemes()) : hint));
      }
    }
  }
}

}  // namespace

void Validate(const Matrix& matrix, Diagnostics& diagnostics) {
  CheckUnique(matrix.models, "model", diagnostics);
  CheckUnique(matrix.targets, "target", diagnostics);
  for (const Model& model : matrix.models) {
    const std::string who = "model '" + model.name + "'";
    CheckDataset(model.dataset, model.dataset_position, who, matrix, diagnostics);
    if (model.calibration) {
      CheckDataset(model.calibration->dataset, model.calibration->dataset_position, "the calibration of " + who,
                   matrix, diagnostics);
    }
  }
  for (const Rule& rule : matrix.exclude) CheckRule(rule, "exclude", matrix, diagnostics);
  for (const Rule& rule : matrix.include) CheckRule(rule, "include", matrix, diagnostics);
}

}  // namespace bsb::matrix
