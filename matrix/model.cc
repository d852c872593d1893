#include "matrix/model.h"

#include <charconv>

#include "matrix/units.h"

namespace bsb::matrix {

std::pair<std::int64_t, std::int64_t> SettingRange(const std::string& key) {
  if (key == "warmup") return {0, 1'000'000};
  if (key == "retries") return {0, 100};
  if (key == "threads") return {1, 1024};
  return {1, 10'000'000};  // runs, samples
}

void ApplySetting(Settings& settings, const std::string& key, const nlohmann::json& value) {
  if (key == "timeout") {
    if (value.is_string()) settings.timeout_ms = ParseDurationMs(value.get<std::string>()).value_or(settings.timeout_ms);
    return;
  }
  std::int64_t number = 0;
  if (value.is_number_integer()) {
    number = value.get<std::int64_t>();
  } else if (value.is_string()) {  // a quoted number, e.g. threads: "4"
    const std::string& text = value.get_ref<const std::string&>();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc() || end != text.data() + text.size()) return;
  } else {
    return;
  }
  if (key == "warmup") settings.warmup = number;
  else if (key == "runs") settings.runs = number;
  else if (key == "samples") settings.samples = number;
  else if (key == "threads") settings.threads = number;
  else if (key == "retries") settings.retries = number;
}

namespace {

template <typename T>
const T* FindByName(const std::vector<T>& items, const std::string& name) {
  for (const T& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

}  // namespace

const Model* Matrix::FindModel(const std::string& model_name) const { return FindByName(models, model_name); }
const Target* Matrix::FindTarget(const std::string& target_name) const { return FindByName(targets, target_name); }
const Dataset* Matrix::FindDataset(const std::string& dataset_name) const { return FindByName(datasets, dataset_name); }
const Axis* Matrix::FindAxis(const std::string& axis_name) const { return FindByName(axes, axis_name); }

}  // namespace bsb::matrix
