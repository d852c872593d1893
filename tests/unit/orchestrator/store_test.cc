#include "orchestrator/store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace bsb {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bsb-store-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = (dir_ / "results.sqlite").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  static RunRecord SampleRun() {
    RunRecord run;
    run.matrix_path = "/tmp/m.yaml";
    run.matrix_sha256 = std::string(64, 'a');
    run.matrix_name = "nightly";
    run.started_at = "2026-11-23T10:00:00Z";
    run.orchestrator_version = "0.1.0";
    run.status = "running";
    return run;
  }

  static CellRecord SampleCell(const std::string& id, const std::string& status = "pending") {
    CellRecord c;
    c.cell_id = id;
    c.model = "fc-small";
    c.scheme = "int8";
    c.target = "x86";
    c.target_kind = "local";
    c.status = status;
    return c;
  }

  fs::path dir_;
  std::string path_;
};

constexpr const char* kResultJson =
    R"({"schema":1,"status":"ok","stamp":{"emulated":true,"device":"Cortex-A72","arch":"aarch64"},)"
    R"("metrics":{"size_bytes":1234,"accuracy":0.875,"samples":8,"latency_ms":{"mean":1.5,"p50":1.25,)"
    R"("p95":2.0,"p99":2.5,"min":1.0,"max":3.0,"stdev":0.5},"arena_bytes":4096}})";

TEST_F(StoreTest, NewStoreIsAtCurrentSchemaVersion) {
  auto store = Store::Open(path_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(*store->SchemaVersion(), Store::kSchemaVersion);
}

TEST_F(StoreTest, RecordsRunCellsAndResultsAndReadsThemBack) {
  auto store = Store::Open(path_);
  ASSERT_TRUE(store.ok());
  auto run_id = store->CreateRun(SampleRun());
  ASSERT_TRUE(run_id.ok()) << run_id.error().message;
  CellRecord unsupported = SampleCell("bbbbbbbbbbbb", "unsupported");
  unsupported.reason = "qemu-mcu cannot run scheme dynamic";
  ASSERT_TRUE(store->AddPlannedCells(*run_id, {SampleCell("aaaaaaaaaaaa"), unsupported}).ok());

  CellRecord done = SampleCell("aaaaaaaaaaaa", "ok");
  done.attempts = 1;
  done.result_json = kResultJson;
  done.predictions = "01234567";
  done.duration_ms = 12.5;
  ASSERT_TRUE(store->RecordCell(*run_id, done).ok());

  auto cells = store->LoadCells(*run_id);
  ASSERT_TRUE(cells.ok()) << cells.error().message;
  ASSERT_EQ(cells->size(), 2u);
  EXPECT_EQ((*cells)[0].status, "ok");
  EXPECT_EQ((*cells)[0].result_json.value_or(""), kResultJson);
  EXPECT_EQ((*cells)[0].predictions.value_or(""), "01234567");
  EXPECT_EQ((*cells)[0].duration_ms.value_or(0), 12.5);
  EXPECT_EQ((*cells)[1].status, "unsupported");
  EXPECT_EQ((*cells)[1].reason, "qemu-mcu cannot run scheme dynamic");

  // Metric columns are extracted for SQL users (notebooks) from the result JSON.
  auto db = sql::Database::Open(path_);
  ASSERT_TRUE(db.ok());
  auto q = db->Prepare("SELECT accuracy, latency_ms_p95, emulated, arch, arena_bytes FROM results");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_DOUBLE_EQ(q->ColumnDouble(0), 0.875);
  EXPECT_DOUBLE_EQ(q->ColumnDouble(1), 2.0);
  EXPECT_EQ(q->ColumnInt(2), 1);
  EXPECT_EQ(q->ColumnText(3), "aarch64");
  EXPECT_EQ(q->ColumnInt(4), 4096);
}

TEST_F(StoreTest, RerecordingACellReplacesItNeverDuplicates) {
  auto store = Store::Open(path_);
  auto run_id = *store->CreateRun(SampleRun());
  CellRecord c = SampleCell("aaaaaaaaaaaa", "transport");
  c.attempts = 1;
  ASSERT_TRUE(store->RecordCell(run_id, c).ok());
  c.status = "ok";
  c.attempts = 2;
  c.result_json = kResultJson;
  ASSERT_TRUE(store->RecordCell(run_id, c).ok());
  ASSERT_TRUE(store->RecordCell(run_id, c).ok());

  auto cells = *store->LoadCells(run_id);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].status, "ok");
  EXPECT_EQ(cells[0].attempts, 2);
  auto db = sql::Database::Open(path_);
  auto q = db->Prepare("SELECT COUNT(*) FROM results");
  ASSERT_TRUE(*q->Step());
  EXPECT_EQ(q->ColumnInt(0), 1);
}

TEST_F(StoreTest, ValuesThatLookLikeSqlAreStoredVerbatim) {
  auto store = Store::Open(path_);
  auto run_id = *store->CreateRun(SampleRun());
  CellRecord c = SampleCell("aaaaaaaaaaaa", "failed");
  c.model = "x'); DROP TABLE cells; --";
  c.reason = "model \"x\" failed";
  ASSERT_TRUE(store->RecordCell(run_id, c).ok());
  auto cells = *store->LoadCells(run_id);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].model, "x'); DROP TABLE cells; --");
  EXPECT_EQ(cells[0].reason, "model \"x\" failed");
}

TEST_F(StoreTest, MarkUnfinishedLeavesFinishedCellsAlone) {
  auto store = Store::Open(path_);
  auto run_id = *store->CreateRun(SampleRun());
  ASSERT_TRUE(store->AddPlannedCells(run_id, {SampleCell("c1"), SampleCell("c2"), SampleCell("c3")}).ok());
  ASSERT_TRUE(store->RecordCell(run_id, SampleCell("c2", "ok")).ok());
  ASSERT_TRUE(store->MarkUnfinished(run_id, "interrupted", "Ctrl-C before the cell started").ok());
  auto cells = *store->LoadCells(run_id);
  ASSERT_EQ(cells.size(), 3u);
  EXPECT_EQ(cells[0].status, "interrupted");
  EXPECT_EQ(cells[1].status, "ok");
  EXPECT_EQ(cells[2].status, "interrupted");
  EXPECT_EQ(cells[2].reason, "Ctrl-C before the cell started");
}

TEST_F(StoreTest, MigratesAnOlderStoreKeepingItsRows) {
  {
    auto old_store = Store::OpenAtVersion(path_, 1);
    ASSERT_TRUE(old_store.ok()) << old_store.error().message;
    EXPECT_EQ(*old_store->SchemaVersion(), 1);
    // A run row as a v1 bsb-matrix wrote it (no gates_json column yet).
    {
      auto db = sql::Database::Open(path_);
      ASSERT_TRUE(db.ok());
      ASSERT_TRUE(db->Exec("INSERT INTO runs (matrix_path, matrix_sha256, matrix_name, started_at, "
                           "orchestrator_version, status) VALUES ('/m.yaml', 'aa', 'old', "
                           "'2026-01-01T00:00:00Z', '0.0.1', 'finished')").ok());
    }
    const int64_t run_id = 1;
    CellRecord c = SampleCell("aaaaaaaaaaaa", "ok");
    c.result_json = kResultJson;
    ASSERT_TRUE(old_store->RecordCell(run_id, c).ok());
    // v1 has no artifacts table yet.
    EXPECT_FALSE(old_store->RecordArtifact({std::string(64, 'f'), 10, "model", "/x"}).ok());
  }
  auto store = Store::Open(path_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ(*store->SchemaVersion(), Store::kSchemaVersion);
  auto runs = *store->ListRuns();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].matrix_name, "old");
  EXPECT_EQ(runs[0].gates_json, "{}");  // v3's column, defaulted for old rows
  auto cells = *store->LoadCells(runs[0].id);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_EQ(cells[0].result_json.value_or(""), kResultJson);
  ASSERT_TRUE(store->RecordArtifact({std::string(64, 'f'), 10, "model", "/x"}).ok());
  ASSERT_TRUE(store->LinkArtifact(runs[0].id, "aaaaaaaaaaaa", std::string(64, 'f'), "model").ok());
  auto artifacts = *store->LoadArtifacts(runs[0].id, "aaaaaaaaaaaa");
  ASSERT_EQ(artifacts.size(), 1u);
  EXPECT_EQ(artifacts[0].size_bytes, 10);
}

TEST_F(StoreTest, RefusesAStoreFromANewerVersion) {
  {
    auto db = sql::Database::Open(path_);
    ASSERT_TRUE(db->Exec("PRAGMA user_version = 99").ok());
  }
  auto store = Store::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find("schema version 99"), std::string::npos) << store.error().message;
}

TEST_F(StoreTest, NotADatabaseIsAClearError) {
  {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    std::fputs("this is a text file, not SQLite, and it is long enough to have a header......", f);
    std::fclose(f);
  }
  auto store = Store::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().message.find(path_), std::string::npos) << store.error().message;
}

TEST_F(StoreTest, LatestRunAndMissingRun) {
  auto store = Store::Open(path_);
  EXPECT_FALSE(store->LatestRunId().ok());
  auto first = *store->CreateRun(SampleRun());
  auto second = *store->CreateRun(SampleRun());
  EXPECT_EQ(*store->LatestRunId(), second);
  EXPECT_TRUE(store->LoadRun(first).ok());
  auto missing = store->LoadRun(second + 1);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no run"), std::string::npos);
}

}  // namespace
}  // namespace bsb

namespace bsb {
namespace {

TEST_F(StoreTest, GatesAndReopenForResume) {
  auto store = Store::Open(path_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  RunRecord run = SampleRun();
  run.gates_json = R"({"accuracy_drop":0.02})";
  const int64_t run_id = *store->CreateRun(run);
  ASSERT_TRUE(store->FinishRun(run_id, "interrupted", "2026-11-23T10:05:00Z").ok());
  EXPECT_EQ(store->LoadRun(run_id)->status, "interrupted");
  ASSERT_TRUE(store->ReopenRun(run_id).ok());
  auto reopened = *store->LoadRun(run_id);
  EXPECT_EQ(reopened.status, "running");
  EXPECT_EQ(reopened.finished_at, "");
  EXPECT_EQ(reopened.gates_json, R"({"accuracy_drop":0.02})");
  EXPECT_EQ(reopened.started_at, run.started_at);
}

}  // namespace
}  // namespace bsb
