#include "orchestrator/store.h"

#include <nlohmann/json.hpp>

#include <array>

namespace bsb {
namespace {

// Each entry moves the schema from version i to i+1. Never edit a shipped entry: add one.
constexpr std::array<const char*, Store::kSchemaVersion> kMigrations = {
    // v1: runs, cells, results (metric columns + the full result JSON), predictions.
    R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  matrix_path TEXT NOT NULL,
  matrix_sha256 TEXT NOT NULL,
  matrix_name TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT NOT NULL DEFAULT '',
  orchestrator_version TEXT NOT NULL,
  host_stamp_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL,
  resumed_from INTEGER REFERENCES runs(id)
);
CREATE TABLE cells (
  run_id INTEGER NOT NULL REFERENCES runs(id),
  cell_id TEXT NOT NULL,
  model TEXT NOT NULL,
  scheme TEXT NOT NULL,
  target TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  axes_json TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL,
  reason TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL DEFAULT '',
  finished_at TEXT NOT NULL DEFAULT '',
  duration_ms REAL,
  PRIMARY KEY (run_id, cell_id)
);
CREATE TABLE results (
  run_id INTEGER NOT NULL,
  cell_id TEXT NOT NULL,
  size_bytes INTEGER,
  accuracy REAL,
  samples INTEGER,
  latency_ms_mean REAL,
  latency_ms_p50 REAL,
  latency_ms_p95 REAL,
  latency_ms_p99 REAL,
  latency_ms_min REAL,
  latency_ms_max REAL,
  latency_ms_stdev REAL,
  load_ms REAL,
  first_inference_ms REAL,
  rss_delta_bytes INTEGER,
  peak_rss_bytes INTEGER,
  arena_bytes INTEGER,
  emulated INTEGER,
  device TEXT,
  arch TEXT,
  result_json TEXT NOT NULL,
  PRIMARY KEY (run_id, cell_id),
  FOREIGN KEY (run_id, cell_id) REFERENCES cells(run_id, cell_id)
);
CREATE TABLE predictions (
  run_id INTEGER NOT NULL,
  cell_id TEXT NOT NULL,
  encoded TEXT NOT NULL,
  PRIMARY KEY (run_id, cell_id),
  FOREIGN KEY (run_id, cell_id) REFERENCES cells(run_id, cell_id)
);
)sql",
    // v2: content-addressed artifacts and which cell used which.
    R"sql(
CREATE TABLE artifacts (
  sha256 TEXT PRIMARY KEY,
  size_bytes INTEGER NOT NULL,
  kind TEXT NOT NULL,
  path TEXT NOT NULL
);
CREATE TABLE cell_artifacts (
  run_id INTEGER NOT NULL,
  cell_id TEXT NOT NULL,
  sha256 TEXT NOT NULL REFERENCES artifacts(sha256),
  role TEXT NOT NULL,
  PRIMARY KEY (run_id, cell_id, role),
  FOREIGN KEY (run_id, cell_id) REFERENCES cells(run_id, cell_id)
);
)sql",
    // v3: the gates a run was judged by.
    R"sql(
ALTER TABLE runs ADD COLUMN gates_json TEXT NOT NULL DEFAULT '{}';
)sql",
};

// Optional numeric field at a JSON pointer, absent or null → nullopt.
std::optional<double> NumberAt(const nlohmann::json& j, const char* pointer) {
  const auto ptr = nlohmann::json::json_pointer(pointer);
  if (!j.contains(ptr) || !j.at(ptr).is_number()) return std::nullopt;
  return j.at(ptr).get<double>();
}

std::optional<int64_t> IntegerAt(const nlohmann::json& j, const char* pointer) {
  const auto ptr = nlohmann::json::json_pointer(pointer);
  if (!j.contains(ptr) || !j.at(ptr).is_number()) return std::nullopt;
  return j.at(ptr).get<int64_t>();
}

std::string TextAt(const nlohmann::json& j, const char* pointer) {
  const auto ptr = nlohmann::json::json_pointer(pointer);
  if (!j.contains(ptr) || !j.at(ptr).is_string()) return {};
  return j.at(ptr).get<std::string>();
}

RunRecord ReadRun(const sql::Statement& s) {
  RunRecord run;
  run.id = s.ColumnInt(0);
  run.matrix_path = s.ColumnText(1);
  run.matrix_sha256 = s.ColumnText(2);
  run.matrix_name = s.ColumnText(3);
  run.started_at = s.ColumnText(4);
  run.finished_at = s.ColumnText(5);
  run.orchestrator_version = s.ColumnText(6);
  run.host_stamp_json = s.ColumnText(7);
  run.status = s.ColumnText(8);
  run.resumed_from = s.ColumnOptionalInt(9);
  run.gates_json = s.ColumnText(10);
  return run;
}

constexpr const char* kRunColumns =
    "id, matrix_path, matrix_sha256, matrix_name, started_at, finished_at, orchestrator_version, "
    "host_stamp_json, status, resumed_from, gates_json";

}  // namespace

Result<Store> Store::Open(const std::string& path) { return OpenAtVersion(path, kSchemaVersion); }

Result<Store> Store::OpenAtVersion(const std::string& path, int version) {
  auto db = sql::Database::Open(path);
  if (!db) return db.error();
  Store store(std::move(*db));
  if (auto s = store.Migrate(version); !s) return s.error();
  return store;
}

Result<int> Store::SchemaVersion() {
  auto stmt = db_.Prepare("PRAGMA user_version");
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  return static_cast<int>(stmt->ColumnInt(0));
}

Status Store::Migrate(int target_version) {
  auto current = SchemaVersion();
  if (!current) return current.error();
  if (*current > kSchemaVersion) {
    return MakeError("results store '" + db_.path() + "' has schema version " + std::to_string(*current) +
                     ", newer than this bsb-matrix understands (" + std::to_string(kSchemaVersion) +
                     "); use a newer bsb-matrix");
  }
  for (int v = *current; v < target_version; ++v) {
    auto tx = sql::Transaction::Begin(db_);
    if (!tx) return tx.error();
    if (auto s = db_.Exec(kMigrations[static_cast<size_t>(v)]); !s) return s;
    // user_version cannot be bound as a parameter; v+1 is our own integer, not input.
    const std::string pragma = "PRAGMA user_version = " + std::to_string(v + 1);
    if (auto s = db_.Exec(pragma.c_str()); !s) return s;
    if (auto s = tx->Commit(); !s) return s;
  }
  return Ok{};
}

Result<int64_t> Store::CreateRun(const RunRecord& run) {
  auto stmt = db_.Prepare(
      "INSERT INTO runs (matrix_path, matrix_sha256, matrix_name, started_at, finished_at, orchestrator_version, "
      "host_stamp_json, status, resumed_from, gates_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return stmt.error();
  stmt->Bind(1, run.matrix_path).Bind(2, run.matrix_sha256).Bind(3, run.matrix_name).Bind(4, run.started_at);
  stmt->Bind(5, run.finished_at).Bind(6, run.orchestrator_version).Bind(7, run.host_stamp_json).Bind(8, run.status);
  stmt->BindOptional(9, run.resumed_from);
  stmt->Bind(10, run.gates_json);
  if (auto s = stmt->Run(); !s) return s.error();
  return db_.LastInsertRowId();
}

Status Store::FinishRun(int64_t run_id, const std::string& status, const std::string& finished_at) {
  auto stmt = db_.Prepare("UPDATE runs SET status = ?, finished_at = ? WHERE id = ?");
  if (!stmt) return stmt.error();
  stmt->Bind(1, status).Bind(2, finished_at).Bind(3, run_id);
  return stmt->Run();
}

Status Store::ReopenRun(int64_t run_id) {
  auto stmt = db_.Prepare("UPDATE runs SET status = 'running', finished_at = '' WHERE id = ?");
  if (!stmt) return stmt.error();
  stmt->Bind(1, run_id);
  return stmt->Run();
}

Status Store::AddPlannedCells(int64_t run_id, const std::vector<CellRecord>& cells) {
  auto tx = sql::Transaction::Begin(db_);
  if (!tx) return tx.error();
  auto stmt = db_.Prepare(
      "INSERT OR IGNORE INTO cells (run_id, cell_id, model, scheme, target, target_kind, axes_json, status, reason) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt) return stmt.error();
  for (const CellRecord& c : cells) {
    stmt->Reset();
    stmt->Bind(1, run_id).Bind(2, c.cell_id).Bind(3, c.model).Bind(4, c.scheme).Bind(5, c.target);
    stmt->Bind(6, c.target_kind).Bind(7, c.axes_json).Bind(8, c.status).Bind(9, c.reason);
    if (auto s = stmt->Run(); !s) return s;
  }
  return tx->Commit();
}

Status Store::RecordCell(int64_t run_id, const CellRecord& cell) {
  nlohmann::json result;
  if (cell.result_json) {
    result = nlohmann::json::parse(*cell.result_json, nullptr, /*allow_exceptions=*/false);
    if (result.is_discarded()) {
      return MakeError("cell " + cell.cell_id + ": result is not valid JSON; not recorded", ExitCode::kInternal);
    }
  }
  auto tx = sql::Transaction::Begin(db_);
  if (!tx) return tx.error();

  auto upsert = db_.Prepare(
      "INSERT INTO cells (run_id, cell_id, model, scheme, target, target_kind, axes_json, status, reason, attempts, "
      "started_at, finished_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (run_id, cell_id) DO UPDATE SET status = excluded.status, reason = excluded.reason, "
      "attempts = excluded.attempts, started_at = excluded.started_at, finished_at = excluded.finished_at, "
      "duration_ms = excluded.duration_ms");
  if (!upsert) return upsert.error();
  upsert->Bind(1, run_id).Bind(2, cell.cell_id).Bind(3, cell.model).Bind(4, cell.scheme).Bind(5, cell.target);
  upsert->Bind(6, cell.target_kind).Bind(7, cell.axes_json).Bind(8, cell.status).Bind(9, cell.reason);
  upsert->Bind(10, cell.attempts).Bind(11, cell.started_at).Bind(12, cell.finished_at).BindOptional(13, cell.duration_ms);
  if (auto s = upsert->Run(); !s) return s;

  for (const char* table : {"DELETE FROM results WHERE run_id = ? AND cell_id = ?",
                            "DELETE FROM predictions WHERE run_id = ? AND cell_id = ?"}) {
    auto del = db_.Prepare(table);
    if (!del) return del.error();
    del->Bind(1, run_id).Bind(2, cell.cell_id);
    if (auto s = del->Run(); !s) return s;
  }

  if (cell.result_json) {
    auto ins = db_.Prepare(
        "INSERT INTO results (run_id, cell_id, size_bytes, accuracy, samples, latency_ms_mean, latency_ms_p50, "
        "latency_ms_p95, latency_ms_p99, latency_ms_min, latency_ms_max, latency_ms_stdev, load_ms, "
        "first_inference_ms, rss_delta_bytes, peak_rss_bytes, arena_bytes, emulated, device, arch, result_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!ins) return ins.error();
    ins->Bind(1, run_id).Bind(2, cell.cell_id);
    ins->BindOptional(3, IntegerAt(result, "/metrics/size_bytes"));
    ins->BindOptional(4, NumberAt(result, "/metrics/accuracy"));
    ins->BindOptional(5, IntegerAt(result, "/metrics/samples"));
    const char* latency[] = {"/metrics/latency_ms/mean", "/metrics/latency_ms/p50", "/metrics/latency_ms/p95",
                             "/metrics/latency_ms/p99",  "/metrics/latency_ms/min", "/metrics/latency_ms/max",
                             "/metrics/latency_ms/stdev"};
    for (int i = 0; i < 7; ++i) ins->BindOptional(6 + i, NumberAt(result, latency[i]));
    ins->BindOptional(13, NumberAt(result, "/metrics/load_ms"));
    ins->BindOptional(14, NumberAt(result, "/metrics/first_inference_ms"));
    ins->BindOptional(15, IntegerAt(result, "/metrics/rss_delta_bytes"));
    ins->BindOptional(16, IntegerAt(result, "/metrics/peak_rss_bytes"));
    ins->BindOptional(17, IntegerAt(result, "/metrics/arena_bytes"));
    const auto emulated = nlohmann::json::json_pointer("/stamp/emulated");
    if (result.contains(emulated) && result.at(emulated).is_boolean()) {
      ins->Bind(18, static_cast<int64_t>(result.at(emulated).get<bool>()));
    } else {
      ins->BindNull(18);
    }
    ins->Bind(19, TextAt(result, "/stamp/device")).Bind(20, TextAt(result, "/stamp/arch"));
    ins->Bind(21, *cell.result_json);
    if (auto s = ins->Run(); !s) return s;
  }
  if (cell.predictions) {
    auto ins = db_.Prepare("INSERT INTO predictions (run_id, cell_id, encoded) VALUES (?, ?, ?)");
    if (!ins) return ins.error();
    ins->Bind(1, run_id).Bind(2, cell.cell_id).Bind(3, *cell.predictions);
    if (auto s = ins->Run(); !s) return s;
  }
  return tx->Commit();
}

Status Store::MarkUnfinished(int64_t run_id, const std::string& status, const std::string& reason) {
  auto stmt = db_.Prepare(
      "UPDATE cells SET status = ?, reason = ? WHERE run_id = ? AND status IN ('pending', 'running')");
  if (!stmt) return stmt.error();
  stmt->Bind(1, status).Bind(2, reason).Bind(3, run_id);
  return stmt->Run();
}

Status Store::RecordArtifact(const ArtifactRecord& artifact) {
  auto stmt = db_.Prepare(
      "INSERT INTO artifacts (sha256, size_bytes, kind, path) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (sha256) DO UPDATE SET path = excluded.path");
  if (!stmt) return stmt.error();
  stmt->Bind(1, artifact.sha256).Bind(2, artifact.size_bytes).Bind(3, artifact.kind).Bind(4, artifact.path);
  return stmt->Run();
}

Status Store::LinkArtifact(int64_t run_id, const std::string& cell_id, const std::string& sha256,
                           const std::string& role) {
  auto stmt = db_.Prepare(
      "INSERT OR REPLACE INTO cell_artifacts (run_id, cell_id, sha256, role) VALUES (?, ?, ?, ?)");
  if (!stmt) return stmt.error();
  stmt->Bind(1, run_id).Bind(2, cell_id).Bind(3, sha256).Bind(4, role);
  return stmt->Run();
}

Result<std::vector<RunRecord>> Store::ListRuns() {
  auto stmt = db_.Prepare(std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id");
  if (!stmt) return stmt.error();
  std::vector<RunRecord> runs;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    runs.push_back(ReadRun(*stmt));
  }
  return runs;
}

Result<RunRecord> Store::LoadRun(int64_t run_id) {
  auto stmt = db_.Prepare(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
  if (!stmt) return stmt.error();
  stmt->Bind(1, run_id);
  auto row = stmt->Step();
  if (!row) return row.error();
  if (!*row) return MakeError("no run " + std::to_string(run_id) + " in results store '" + db_.path() + "'");
  return ReadRun(*stmt);
}

Result<int64_t> Store::LatestRunId() {
  auto stmt = db_.Prepare("SELECT MAX(id) FROM runs");
  if (!stmt) return stmt.error();
  auto row = stmt->Step();
  if (!row) return row.error();
  if (stmt->ColumnIsNull(0)) return MakeError("results store '" + db_.path() + "' holds no runs yet");
  return stmt->ColumnInt(0);
}

Result<std::vector<CellRecord>> Store::LoadCells(int64_t run_id) {
  auto stmt = db_.Prepare(
      "SELECT c.cell_id, c.model, c.scheme, c.target, c.target_kind, c.axes_json, c.status, c.reason, c.attempts, "
      "c.started_at, c.finished_at, c.duration_ms, r.result_json, p.encoded FROM cells c "
      "LEFT JOIN results r ON r.run_id = c.run_id AND r.cell_id = c.cell_id "
      "LEFT JOIN predictions p ON p.run_id = c.run_id AND p.cell_id = c.cell_id "
      "WHERE c.run_id = ? ORDER BY c.rowid");
  if (!stmt) return stmt.error();
  stmt->Bind(1, run_id);
  std::vector<CellRecord> cells;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    CellRecord c;
    c.cell_id = stmt->ColumnText(0);
    c.model = stmt->ColumnText(1);
    c.scheme = stmt->ColumnText(2);
    c.target = stmt->ColumnText(3);
    c.target_kind = stmt->ColumnText(4);
    c.axes_json = stmt->ColumnText(5);
    c.status = stmt->ColumnText(6);
    c.reason = stmt->ColumnText(7);
    c.attempts = stmt->ColumnInt(8);
    c.started_at = stmt->ColumnText(9);
    c.finished_at = stmt->ColumnText(10);
    c.duration_ms = stmt->ColumnOptionalDouble(11);
    if (!stmt->ColumnIsNull(12)) c.result_json = stmt->ColumnText(12);
    if (!stmt->ColumnIsNull(13)) c.predictions = stmt->ColumnText(13);
    cells.push_back(std::move(c));
  }
  return cells;
}

Result<std::vector<ArtifactRecord>> Store::LoadArtifacts(int64_t run_id, const std::string& cell_id) {
  auto stmt = db_.Prepare(
      "SELECT a.sha256, a.size_bytes, a.kind, a.path FROM cell_artifacts l JOIN artifacts a ON a.sha256 = l.sha256 "
      "WHERE l.run_id = ? AND l.cell_id = ? ORDER BY l.role");
  if (!stmt) return stmt.error();
  stmt->Bind(1, run_id).Bind(2, cell_id);
  std::vector<ArtifactRecord> artifacts;
  for (;;) {
    auto row = stmt->Step();
    if (!row) return row.error();
    if (!*row) break;
    artifacts.push_back({stmt->ColumnText(0), stmt->ColumnInt(1), stmt->ColumnText(2), stmt->ColumnText(3)});
  }
  return artifacts;
}

}  // namespace bsb
