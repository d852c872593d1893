#include "orchestrator/result_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "agent/protocol/result.h"
#include "reports/comparison.h"

namespace bsb {
namespace {

namespace fs = std::filesystem;

class ResultLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bsb-loader-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto store = Store::Open((dir_ / "r.sqlite").string());
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_.emplace(std::move(*store));
  }
  void TearDown() override { fs::remove_all(dir_); }

  // An ok result of `samples` predictions, `correct` of them right.
  static std::string Result(double accuracy, std::vector<uint32_t> predictions, bool emulated) {
    protocol::CellResult r;
    r.stamp.device = "test cpu";
    r.stamp.arch = emulated ? "aarch64" : "x86_64";
    r.stamp.os = "Debian GNU/Linux 12";
    r.stamp.agent_version = "0.1.0";
    r.stamp.runtime_version = "0.1.0";
    r.stamp.emulated = emulated;
    if (emulated) r.stamp.emulated_reason = "qemu-user";
    protocol::Metrics m;
    m.size_bytes = 1000;
    m.accuracy = accuracy;
    m.samples = predictions.size();
    m.latency_ms = {1, 1, 1, 1, 1, 1, 0};
    r.metrics = m;
    r.predictions = std::move(predictions);
    return protocol::SerializeResult(r);
  }

  CellRecord Cell(const std::string& id, const std::string& scheme, const std::string& status) {
    CellRecord c;
    c.cell_id = id;
    c.model = "fc-small";
    c.scheme = scheme;
    c.target = "x86";
    c.target_kind = "local";
    c.axes_json = R"({"threads":2})";
    c.status = status;
    return c;
  }

  fs::path dir_;
  std::optional<Store> store_;
};

TEST_F(ResultLoaderTest, CellsResultsStoredPredictionsAndGates) {
  RunRecord run;
  run.matrix_path = "/m.yaml";
  run.matrix_sha256 = std::string(64, 'a');
  run.matrix_name = "nightly";
  run.started_at = "2026-11-23T10:00:00.000Z";
  run.orchestrator_version = "0.1.0";
  run.status = "running";
  run.gates_json = R"({"accuracy_drop":0.1,"latency_regression":0.25})";
  const int64_t id = *store_->CreateRun(run);
  ASSERT_TRUE(store_->AddPlannedCells(id, {Cell("aaaaaaaaaaaa", "fp32", "pending"),
                                          Cell("bbbbbbbbbbbb", "int8", "pending"),
                                          Cell("cccccccccccc", "int8-only", "pending")}).ok());
  // fp32: labels 0 1 2 3; int8 differs on two of four samples → agreement 0.5.
  CellRecord fp32 = Cell("aaaaaaaaaaaa", "fp32", "ok");
  fp32.result_json = Result(1.0, {0, 1, 2, 3}, false);
  fp32.predictions = protocol::EncodePredictions({0, 1, 2, 3}).dump();
  fp32.duration_ms = 1500;
  ASSERT_TRUE(store_->RecordCell(id, fp32).ok());
  CellRecord int8 = Cell("bbbbbbbbbbbb", "int8", "ok");
  int8.result_json = Result(0.5, {0, 1, 9, 9}, false);
  int8.predictions = protocol::EncodePredictions({0, 1, 9, 9}).dump();
  ASSERT_TRUE(store_->RecordCell(id, int8).ok());
  // cccccccccccc stays pending: the run was killed before it finished.

  auto set = LoadResultSet(*store_, id);
  ASSERT_TRUE(set.ok()) << set.error().message;
  EXPECT_EQ(set->run.id, std::to_string(id));
  EXPECT_EQ(set->run.matrix_name, "nightly");
  ASSERT_TRUE(set->gates.accuracy_drop.has_value());
  EXPECT_DOUBLE_EQ(*set->gates.accuracy_drop, 0.1);
  ASSERT_TRUE(set->gates.latency_regression.has_value());
  EXPECT_DOUBLE_EQ(*set->gates.latency_regression, 0.25);
  ASSERT_EQ(set->cells.size(), 3u);
  EXPECT_EQ(set->cells[0].status, reports::CellStatus::kOk);
  ASSERT_TRUE(set->cells[0].duration_s.has_value());
  EXPECT_DOUBLE_EQ(*set->cells[0].duration_s, 1.5);
  ASSERT_EQ(set->cells[0].axes.size(), 1u);
  EXPECT_EQ(set->cells[0].axes[0], (std::pair<std::string, std::string>{"threads", "2"}));
  EXPECT_EQ(set->cells[2].status, reports::CellStatus::kInterrupted);
  EXPECT_NE(set->cells[2].reason.find("never finished"), std::string::npos);

  const auto comparisons = reports::CompareToBaselines(*set);
  ASSERT_TRUE(comparisons[1].agreement.has_value());
  EXPECT_DOUBLE_EQ(*comparisons[1].agreement, 0.5);
  ASSERT_TRUE(comparisons[1].accuracy_delta.has_value());
  EXPECT_DOUBLE_EQ(*comparisons[1].accuracy_delta, -0.5);
  const auto findings = reports::EvaluateGates(*set, comparisons);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_NE(findings[0].message.find("bbbbbbbbbbbb"), std::string::npos);
}

TEST_F(ResultLoaderTest, ResolveRunIdTakesLatestOrANumber) {
  EXPECT_FALSE(ResolveRunId(*store_, "latest").ok());  // an empty store has no runs
  RunRecord run;
  run.matrix_path = "/m.yaml";
  run.matrix_sha256 = "x";
  run.started_at = "t";
  run.status = "finished";
  *store_->CreateRun(run);
  const int64_t second = *store_->CreateRun(run);
  EXPECT_EQ(*ResolveRunId(*store_, "latest"), second);
  EXPECT_EQ(*ResolveRunId(*store_, ""), second);
  EXPECT_EQ(*ResolveRunId(*store_, "1"), 1);
  for (const char* bad : {"0", "-1", "1x", "abc", "99999999999999999999"}) {
    auto r = ResolveRunId(*store_, bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ExitCode::kInvalidInput);
    }
  }
  EXPECT_FALSE(LoadResultSet(*store_, 42).ok());
}

}  // namespace
}  // namespace bsb
