#include "orchestrator/result_loader.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace bsb {

Result<int64_t> ResolveRunId(Store& store, const std::string& run) {
  if (run.empty() || run == "latest") return store.LatestRunId();
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(run.data(), run.data() + run.size(), id);
  if (ec != std::errc() || end != run.data() + run.size() || id <= 0) {
    return MakeError("--run: expected a run number (see `bsb-matrix runs`) or 'latest', got '" + run + "'");
  }
  return id;
}

namespace {

std::vector<std::pair<std::string, std::string>> AxesPairs(const std::string& axes_json) {
  std::vector<std::pair<std::string, std::string>> axes;
  const auto j = nlohmann::json::parse(axes_json, nullptr, false);
  if (!j.is_object()) return axes;
  for (const auto& [key, value] : j.items()) {
    axes.emplace_back(key, value.is_string() ? value.get<std::string>() : value.dump());
  }
  return axes;
}

reports::Gates GatesFrom(const std::string& gates_json) {
  reports::Gates gates;
  const auto j = nlohmann::json::parse(gates_json, nullptr, false);
  if (!j.is_object()) return gates;
  if (j.contains("accuracy_drop") && j["accuracy_drop"].is_number()) {
    gates.accuracy_drop = j["accuracy_drop"].get<double>();
  }
  if (j.contains("latency_regression") && j["latency_regression"].is_number()) {
    gates.latency_regression = j["latency_regression"].get<double>();
  }
  return gates;
}

}  // namespace

Result<reports::ResultSet> LoadResultSet(Store& store, int64_t run_id) {
  auto run = store.LoadRun(run_id);
  if (!run) return run.error();
  auto cells = store.LoadCells(run_id);
  if (!cells) return cells.error();

  reports::ResultSet set;
  set.run.id = std::to_string(run->id);
  set.run.matrix_name = run->matrix_name;
  set.run.matrix_path = run->matrix_path;
  set.run.started_at = run->started_at;
  set.run.finished_at = run->finished_at;
  set.run.orchestrator_version = run->orchestrator_version;
  if (auto host = protocol::ParseStamp(run->host_stamp_json); host.ok()) set.run.host = *host;
  set.gates = GatesFrom(run->gates_json);

  for (const CellRecord& c : *cells) {
    reports::Cell cell;
    cell.id = c.cell_id;
    cell.model = c.model;
    cell.scheme = c.scheme;
    cell.target = c.target;
    cell.target_kind = c.target_kind;
    cell.axes = AxesPairs(c.axes_json);
    cell.reason = c.reason;
    cell.attempts = static_cast<int>(c.attempts);
    cell.finished_at = c.finished_at;
    if (c.duration_ms) cell.duration_s = *c.duration_ms / 1000.0;
    if (auto status = reports::CellStatusFromName(c.status)) {
      cell.status = *status;
    } else {
      // pending or running: the run ended (crash, kill -9) before this cell finished.
      cell.status = reports::CellStatus::kInterrupted;
      if (cell.reason.empty()) cell.reason = "never finished: the run ended before this cell did";
    }
    if (c.result_json) {
      auto parsed = protocol::ParseResult(*c.result_json);
      if (parsed.ok()) {
        cell.result = *parsed;
        if (c.predictions) {
          const auto encoded = nlohmann::json::parse(*c.predictions, nullptr, false);
          if (auto labels = protocol::DecodePredictions(encoded); labels.ok()) cell.result->predictions = *labels;
        }
      } else if (cell.reason.empty()) {
        cell.reason = "stored result unreadable: " + parsed.error();
      }
    }
    set.cells.push_back(std::move(cell));
  }
  return set;
}

}  // namespace bsb
