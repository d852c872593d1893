// JSON report: the run, every cell with its agent result and its comparison to fp32, and the
// gate findings. Machine-readable twin of the HTML report; field names follow RESULT.md.
#include <ostream>

#include <nlohmann/json.hpp>

#include "reports/report.h"

namespace bsb::reports {

namespace {

using nlohmann::json;

json IntervalJson(const std::optional<Interval>& interval) {
  if (!interval) return nullptr;
  return json::array({interval->low, interval->high});
}

template <typename T>
json Optional(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

json RunJson(const RunInfo& run) {
  json out = {{"id", run.id},
              {"matrix_name", run.matrix_name},
              {"matrix_path", run.matrix_path},
              {"started_at", run.started_at},
              {"finished_at", run.finished_at},
              {"orchestrator_version", run.orchestrator_version}};
  out["host"] = run.host ? protocol::StampToJson(*run.host) : json(nullptr);
  return out;
}

json ComparisonJson(const Analysis& a, const Comparison& c) {
  return {{"baseline_cell", c.baseline ? json(a.set.cells[*c.baseline].id) : json(nullptr)},
          {"accuracy_ci95", IntervalJson(c.accuracy_ci95)},
          {"size_ratio", Optional(c.size_ratio)},
          {"speedup", Optional(c.speedup)},
          {"accuracy_delta", Optional(c.accuracy_delta)},
          {"accuracy_delta_ci95", IntervalJson(c.accuracy_delta_ci95)},
          {"agreement", Optional(c.agreement)}};
}

json CellJson(const Analysis& a, size_t index) {
  const Cell& cell = a.set.cells[index];
  json axes = json::object();
  for (const auto& [name, value] : cell.axes) axes[name] = value;
  json out = {{"id", cell.id},
              {"model", cell.model},
              {"scheme", cell.scheme},
              {"target", cell.target},
              {"target_kind", cell.target_kind},
              {"axes", axes},
              {"status", CellStatusName(cell.status)},
              {"reason", cell.reason},
              {"attempts", cell.attempts},
              {"finished_at", cell.finished_at},
              {"duration_s", Optional(cell.duration_s)},
              {"emulated", IsEmulated(cell)}};
  out["result"] = cell.result ? protocol::ResultToJson(*cell.result) : json(nullptr);
  out["comparison"] = ComparisonJson(a, a.comparisons[index]);
  return out;
}

}  // namespace

void RenderJson(const Analysis& a, std::ostream& out) {
  json report = {{"report_schema", 1}, {"run", RunJson(a.set.run)}};
  report["gates"] = {{"accuracy_drop", Optional(a.set.gates.accuracy_drop)},
                     {"latency_regression", Optional(a.set.gates.latency_regression)}};
  json cells = json::array();
  for (size_t i : a.order) cells.push_back(CellJson(a, i));
  report["cells"] = std::move(cells);
  json findings = json::array();
  for (const GateFinding& f : a.findings) {
    findings.push_back({{"cell", a.set.cells[f.cell].id},
                        {"gate", f.gate},
                        {"value", f.value},
                        {"threshold", f.threshold},
                        {"message", f.message}});
  }
  report["findings"] = std::move(findings);
  out << report.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace bsb::reports
