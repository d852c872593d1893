#include "agent/common/sha256.h"
#include "matrix/plan.h"

namespace bsb::matrix {

std::string CanonicalCellJson(const std::string& model, const std::string& scheme, const std::string& target,
                              const nlohmann::json& axes) {
  // Keys in bytewise order, no whitespace: exactly what nlohmann::json::dump() writes for the
  // object {"axes", "model", "scheme", "target"} (its objects are std::map-backed, so `axes`
  // comes out sorted too). Written piecewise because this runs once per cell.
  std::string text = "{\"axes\":";
  text += axes.is_object() ? axes.dump() : "{}";
  text += ",\"model\":" + nlohmann::json(model).dump();
  text += ",\"scheme\":" + nlohmann::json(scheme).dump();
  text += ",\"target\":" + nlohmann::json(target).dump();
  text += '}';
  return text;
}

std::string CellId(const std::string& model, const std::string& scheme, const std::string& target,
                   const nlohmann::json& axes) {
  constexpr std::size_t kIdHexChars = 12;  // 48 bits: collisions need ~16 million cells
  return Sha256Hex(CanonicalCellJson(model, scheme, target, axes)).substr(0, kIdHexChars);
}

}  // namespace bsb::matrix
