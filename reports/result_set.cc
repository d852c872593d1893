#include "reports/result_set.h"

#include <array>

namespace bsb::reports {

namespace {

constexpr std::array<std::pair<CellStatus, const char*>, 7> kStatusNames = {{
    {CellStatus::kOk, "ok"},
    {CellStatus::kFailed, "failed"},
    {CellStatus::kUnsupported, "unsupported"},
    {CellStatus::kTimeout, "timeout"},
    {CellStatus::kUnreachable, "unreachable"},
    {CellStatus::kTransport, "transport"},
    {CellStatus::kInterrupted, "interrupted"},
}};

constexpr std::array<std::string_view, 7> kSchemeOrder = {
    "fp32", "float16", "dynamic", "int8", "int8-only", "int16x8", "int16x8-only"};

}  // namespace

const char* CellStatusName(CellStatus status) {
  for (const auto& [value, name] : kStatusNames) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<CellStatus> CellStatusFromName(std::string_view name) {
  for (const auto& [value, known] : kStatusNames) {
    if (name == known) return value;
  }
  return std::nullopt;
}

bool IsEmulated(const Cell& cell) {
  if (cell.result) return cell.result->stamp.emulated;
  return cell.target_kind == "qemu-user" || cell.target_kind == "qemu-mcu";
}

std::string AxesLabel(const Cell& cell) {
  std::string label;
  for (const auto& [name, value] : cell.axes) {
    if (!label.empty()) label += ", ";
    label += name + "=" + value;
  }
  return label;
}

int SchemeRank(std::string_view scheme) {
  for (size_t i = 0; i < kSchemeOrder.size(); ++i) {
    if (kSchemeOrder[i] == scheme) return static_cast<int>(i);
  }
  return static_cast<int>(kSchemeOrder.size());
}

}  // namespace bsb::reports
