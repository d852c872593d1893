#include "agent/common/sha256.h"
#include "matrix/plan.h"

namespace bsb::matrix {

std::string CanonicalCellJson(const std::string& model, const std::string& scheme, const std::string& target,
                              const nlohmann::json& axes) {
  // nlohmann::json objects are std::map-backed: keys come out sorted bytewise, and dump()
  // without an indent writes no whitespace. Both are part of the id contract.
  nlohmann::json key = nlohmann::json::object();
  key["axes"] = axes.is_object() ? axes : nlohmann::json::object();
  key["model"] = model;
  key["scheme"] = scheme;
  key["target"] = target;
  return key.dump();
}

std::string CellId(const std::string& model, const std::string& scheme, const std::string& target,
                   const nlohmann::json& axes) {
  constexpr std::size_t kIdHexChars = 12;  // 48 bits: collisions need ~16 million cells
  return Sha256Hex(CanonicalCellJson(model, scheme, target, axes)).substr(0, kIdHexChars);
}

}  // namespace bsb::matrix
