// The results store: one SQLite file holding runs, cells, results, predictions and
// artifacts. One transaction per finished cell, so a crash, a kill -9 or a full disk loses at
// most the cells in flight. The schema is versioned with PRAGMA user_version and migrated
// forward on open; an older bsb-matrix refuses a newer store instead of corrupting it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/sqlite.h"
#include "support/result.h"

namespace bsb {

struct RunRecord {
  int64_t id = 0;
  std::string matrix_path;
  std::string matrix_sha256;
  std::string matrix_name;
  std::string started_at;   // ISO 8601 UTC
  std::string finished_at;  // empty while running
  std::string orchestrator_version;
  std::string host_stamp_json;  // the orchestrator host's own stamp
  std::string status;           // running | finished | interrupted
  std::optional<int64_t> resumed_from;
  std::string gates_json = "{}";  // the matrix's `gates:`, so a later report judges the same way
};

struct CellRecord {
  std::string cell_id;
  std::string model;
  std::string scheme;
  std::string target;
  std::string target_kind;
  std::string axes_json = "{}";
  // pending | ok | failed | unsupported | timeout | unreachable | transport | interrupted
  std::string status = "pending";
  std::string reason;
  int64_t attempts = 0;
  std::string started_at;
  std::string finished_at;
  std::optional<double> duration_ms;
  std::optional<std::string> result_json;  // the agent's result line, as received
  std::optional<std::string> predictions;  // compact encoding, see agent/protocol/RESULT.md
};

struct ArtifactRecord {
  std::string sha256;
  int64_t size_bytes = 0;
  std::string kind;  // model | dataset | agent | firmware
  std::string path;  // where it lives in the local content-addressed store
};

class Store {
 public:
  static constexpr int kSchemaVersion = 3;

  // Opens or creates the store and migrates it to kSchemaVersion.
  static Result<Store> Open(const std::string& path);
  // For migration tests: creates/migrates only up to `version`.
  static Result<Store> OpenAtVersion(const std::string& path, int version);

  Result<int> SchemaVersion();

  Result<int64_t> CreateRun(const RunRecord& run);
  Status FinishRun(int64_t run_id, const std::string& status, const std::string& finished_at);
  // For --resume: the run is `running` again (finished_at cleared); its cells are kept.
  Status ReopenRun(int64_t run_id);

  // Records the planned cells of a run (status pending or unsupported); existing rows are kept.
  Status AddPlannedCells(int64_t run_id, const std::vector<CellRecord>& cells);
  // Records one finished cell in a single transaction: the cell row, its result metrics and
  // its predictions. Re-recording a cell replaces its row — never a duplicate.
  Status RecordCell(int64_t run_id, const CellRecord& cell);
  // Marks every cell still pending or running as `status` (e.g. interrupted) with a reason.
  Status MarkUnfinished(int64_t run_id, const std::string& status, const std::string& reason);

  Status RecordArtifact(const ArtifactRecord& artifact);
  Status LinkArtifact(int64_t run_id, const std::string& cell_id, const std::string& sha256, const std::string& role);

  Result<std::vector<RunRecord>> ListRuns();
  Result<RunRecord> LoadRun(int64_t run_id);
  Result<int64_t> LatestRunId();
  Result<std::vector<CellRecord>> LoadCells(int64_t run_id);
  Result<std::vector<ArtifactRecord>> LoadArtifacts(int64_t run_id, const std::string& cell_id);

 private:
  explicit Store(sql::Database db) : db_(std::move(db)) {}
  Status Migrate(int target_version);

  sql::Database db_;
};

}  // namespace bsb
