#include "reports/comparison.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/reports/fixture_result_set.h"

namespace bsb::reports {
namespace {

using ::testing::HasSubstr;

size_t IndexOf(const ResultSet& set, const std::string& id) {
  for (size_t i = 0; i < set.cells.size(); ++i) {
    if (set.cells[i].id == id) return i;
  }
  ADD_FAILURE() << "no cell " << id;
  return 0;
}

TEST(ComparisonTest, QuantizedCellComparesToFp32OfSameModelAndTarget) {
  ResultSet set = testing::FixtureResultSet();
  std::vector<Comparison> c = CompareToBaselines(set);
  const Comparison& int8 = c[IndexOf(set, "a1b2c4")];
  ASSERT_TRUE(int8.baseline.has_value());
  EXPECT_EQ(set.cells[*int8.baseline].id, "a1b2c3");
  EXPECT_DOUBLE_EQ(*int8.size_ratio, 104'448.0 / 409'600.0);
  EXPECT_DOUBLE_EQ(*int8.speedup, 0.120 / 0.045);  // fp32 p50 / int8 p50
  EXPECT_NEAR(*int8.accuracy_delta, 0.861 - 0.873, 1e-12);
  EXPECT_NEAR(int8.accuracy_delta_ci95->low, -0.041841, 1e-6);   // Newcombe, hand-computed
  EXPECT_NEAR(int8.accuracy_delta_ci95->high, 0.017830, 1e-6);
  EXPECT_DOUBLE_EQ(*int8.agreement, 0.96);  // every 25th of 1000 labels differs: 40 of 1000

  // The emulated int8 cell compares to the emulated fp32, never to x86's.
  const Comparison& emu = c[IndexOf(set, "b1b2c4")];
  EXPECT_EQ(set.cells[*emu.baseline].id, "b1b2c3");
  EXPECT_DOUBLE_EQ(*emu.speedup, 2.0);
}

TEST(ComparisonTest, BaselineComparesToItself) {
  ResultSet set = testing::FixtureResultSet();
  const std::vector<Comparison> all = CompareToBaselines(set);
  const Comparison& fp32 = all[IndexOf(set, "a1b2c3")];
  EXPECT_EQ(*fp32.size_ratio, 1.0);
  EXPECT_EQ(*fp32.speedup, 1.0);
  EXPECT_EQ(*fp32.accuracy_delta, 0.0);
  EXPECT_EQ(*fp32.agreement, 1.0);
  EXPECT_NEAR(fp32.accuracy_ci95->low, 0.850925, 1e-6);
}

TEST(ComparisonTest, CellsWithoutResultsOrBaselineGetNoNumbers) {
  ResultSet set = testing::FixtureResultSet();
  std::vector<Comparison> c = CompareToBaselines(set);
  for (const char* id : {"a1b2c6", "b1b2c5", "c1b2c3", "d1b2c3"}) {
    const Comparison& none = c[IndexOf(set, id)];
    EXPECT_FALSE(none.baseline || none.accuracy_ci95 || none.speedup) << id;
  }
  // Axes are part of the key: pi4's threads=4 cell would need a threads=4 fp32 cell.
  set.cells[IndexOf(set, "d1b2c3")].status = CellStatus::kOk;
  set.cells[IndexOf(set, "d1b2c3")].result = set.cells[IndexOf(set, "a1b2c4")].result;
  set.cells[IndexOf(set, "d1b2c3")].target = "x86";
  c = CompareToBaselines(set);
  EXPECT_FALSE(c[IndexOf(set, "d1b2c3")].baseline.has_value());
  EXPECT_TRUE(c[IndexOf(set, "d1b2c3")].accuracy_ci95.has_value());
}

TEST(ComparisonTest, AgreementNeedsPredictionsOfTheSameSamples) {
  EXPECT_EQ(Agreement({1, 2, 3, 4}, {1, 2, 0, 4}), 0.75);
  EXPECT_FALSE(Agreement({1, 2}, {1, 2, 3}).has_value());
  EXPECT_FALSE(Agreement({}, {}).has_value());
}

TEST(GateTest, AccuracyDropBeyondThresholdNamesTheCell) {
  ResultSet set = testing::FixtureResultSet();
  std::vector<GateFinding> findings = EvaluateGates(set, CompareToBaselines(set));
  ASSERT_EQ(findings.size(), 1u);  // int8-only lost 0.053; int8 lost 0.012 (< 0.02)
  EXPECT_EQ(set.cells[findings[0].cell].id, "a1b2c5");
  EXPECT_EQ(findings[0].gate, "accuracy_drop");
  EXPECT_NEAR(findings[0].value, 0.053, 1e-12);
  EXPECT_EQ(findings[0].threshold, 0.02);
  EXPECT_EQ(findings[0].message,
            "fc-small int8-only on x86 (cell a1b2c5): accuracy drop 0.0530 > 0.0200 against fp32");
}

TEST(GateTest, NoGateNoFindingsAndLooserGatePasses) {
  ResultSet set = testing::FixtureResultSet();
  set.gates.accuracy_drop.reset();
  EXPECT_TRUE(EvaluateGates(set, CompareToBaselines(set)).empty());
  set.gates.accuracy_drop = 0.06;
  EXPECT_TRUE(EvaluateGates(set, CompareToBaselines(set)).empty());
  set.gates.accuracy_drop = 0.006;  // int8 (drop 0.012) joins; the injected model's int8
                                    // (drop 0.700 − 0.695 = 0.005) stays under
  std::vector<GateFinding> findings = EvaluateGates(set, CompareToBaselines(set));
  ASSERT_EQ(findings.size(), 3u);  // x86 int8, x86 int8-only, arm64-emu int8
  EXPECT_THAT(findings[0].message, HasSubstr("fc-small int8 on arm64-emu"));
}

TEST(GateTest, LatencyRegressionJudgesQuantizedCellsAgainstFp32OnTheirTarget) {
  ResultSet set = testing::FixtureResultSet();
  set.gates.accuracy_drop.reset();
  set.gates.latency_regression = 0.10;
  EXPECT_TRUE(EvaluateGates(set, CompareToBaselines(set)).empty()) << "every int8 cell is faster";
  EXPECT_EQ(GateSummary(set.gates), "latency_regression \u2264 0.1000");

  // int8 on x86 now 25 % slower than its fp32 (0.120 ms): a finding naming it with the numbers.
  set.cells[IndexOf(set, "a1b2c4")].result->metrics->latency_ms.p50 = 0.150;
  std::vector<GateFinding> findings = EvaluateGates(set, CompareToBaselines(set));
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(set.cells[findings[0].cell].id, "a1b2c4");
  EXPECT_EQ(findings[0].gate, "latency_regression");
  EXPECT_NEAR(findings[0].value, 0.25, 1e-12);
  EXPECT_EQ(findings[0].threshold, 0.10);
  EXPECT_EQ(findings[0].message,
            "fc-small int8 on x86 (cell a1b2c4): p50 latency 25.0% above fp32's > 10.0% allowed "
            "(latency_regression 0.1000)");

  // 9 % slower is within a 0.10 gate; the fp32 baseline itself is never judged.
  set.cells[IndexOf(set, "a1b2c4")].result->metrics->latency_ms.p50 = 0.131;
  EXPECT_TRUE(EvaluateGates(set, CompareToBaselines(set)).empty());
  set.cells[IndexOf(set, "a1b2c3")].result->metrics->latency_ms.p50 = 0.001;
  findings = EvaluateGates(set, CompareToBaselines(set));
  for (const GateFinding& f : findings) EXPECT_NE(set.cells[f.cell].scheme, "fp32");
  EXPECT_FALSE(findings.empty()) << "a 1 µs fp32 baseline makes its quantized cells slow";

  // Both gates together: one summary, findings of each kind.
  set.gates.accuracy_drop = 0.02;
  EXPECT_EQ(GateSummary(set.gates), "accuracy_drop \u2264 0.0200, latency_regression \u2264 0.1000");
  findings = EvaluateGates(set, CompareToBaselines(set));
  bool accuracy = false, latency = false;
  for (const GateFinding& f : findings) (f.gate == "accuracy_drop" ? accuracy : latency) = true;
  EXPECT_TRUE(accuracy && latency);
}

TEST(ReportOrderTest, ModelTargetAxesThenSchemeWithFp32First) {
  ResultSet set = testing::FixtureResultSet();
  std::vector<std::string> ids;
  for (size_t i : ReportOrder(set)) ids.push_back(set.cells[i].id);
  EXPECT_EQ(ids, (std::vector<std::string>{"e1b2c3", "e1b2c4", "b1b2c3", "b1b2c4", "b1b2c5",
                                           "c1b2c3", "d1b2c3", "a1b2c3", "a1b2c6", "a1b2c4",
                                           "a1b2c5"}));
}

}  // namespace
}  // namespace bsb::reports
