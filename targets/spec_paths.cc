#include "targets/spec_paths.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace bsb::targets {

bool IsSha256Hex(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Result<std::string> RewriteSpecPaths(const std::string& spec_json,
                                     const std::map<std::string, std::string>& local_to_device) {
  nlohmann::json spec = nlohmann::json::parse(spec_json, nullptr, /*allow_exceptions=*/false);
  if (spec.is_discarded() || !spec.is_object()) {
    return MakeError("cell spec is not a JSON object", ExitCode::kInternal);
  }
  constexpr std::string_view kSuffix = "_path";
  for (auto& [key, value] : spec.items()) {
    if (key.size() < kSuffix.size() || key.compare(key.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
      continue;
    }
    if (!value.is_string()) {
      return MakeError("cell spec field '" + key + "' is not a string", ExitCode::kInternal);
    }
    const std::string local = value.get<std::string>();
    if (local.empty()) continue;
    auto it = local_to_device.find(local);
    if (it == local_to_device.end()) {
      return MakeError("cell spec field '" + key + "' names '" + local +
                           "', which was not shipped to this target (Ensure it first)",
                       ExitCode::kInternal);
    }
    value = it->second;
  }
  return spec.dump();
}

}  // namespace bsb::targets
