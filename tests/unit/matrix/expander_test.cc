// Expansion: cartesian product in a stable order, exclude (every named key must match; list
// values), include (GitHub Actions semantics), unsupported cells kept with their reason.
#include <gtest/gtest.h>

#include "tests/unit/matrix/matrix_test_util.h"

namespace bsb::matrix {
namespace {

using testing::kDatasetsYaml;
using testing::PlanOf;

// 2 models × 2 schemes × 2 targets × threads [1, 2] = 16 cells before rules.
const std::string kBase = std::string(kDatasetsYaml) +
                          "models:\n"
                          "  - {name: a, source: a.tflite, dataset: digits}\n"
                          "  - {name: b, source: b.tflite, dataset: digits}\n"
                          "schemes: [fp32, int8]\n"
                          "targets:\n"
                          "  - {name: x86, kind: local}\n"
                          "  - {name: arm, kind: qemu-user, arch: aarch64}\n"
                          "axes: {threads: [1, 2]}\n";

std::vector<std::string> Keys(const Plan& plan) {
  std::vector<std::string> keys;
  for (const Cell& c : plan.cells) {
    std::string key = c.model + "/" + c.scheme + "/" + c.target;
    for (const auto& [name, value] : c.axes.items()) key += "/" + name + "=" + value.dump();
    keys.push_back(key);
  }
  return keys;
}

const Cell* Find(const Plan& plan, const std::string& model, const std::string& scheme, const std::string& target,
                 const nlohmann::json& axes) {
  for (const Cell& c : plan.cells) {
    if (c.model == model && c.scheme == scheme && c.target == target && c.axes == axes) return &c;
  }
  return nullptr;
}

TEST(Expand, ProductInDeclarationOrderWithTheFirstAxisFastest) {
  const Plan plan = PlanOf(std::string(kDatasetsYaml) +
                           "models: [{name: a, source: a.tflite, dataset: digits}]\n"
                           "schemes: [int8, fp32]\n"
                           "targets: [{name: x86, kind: local}]\n"
                           "axes: {threads: [4, 1], batch: [x, y]}\n");
  EXPECT_EQ(Keys(plan), (std::vector<std::string>{
                            "a/int8/x86/batch=\"x\"/threads=4", "a/int8/x86/batch=\"x\"/threads=1",
                            "a/int8/x86/batch=\"y\"/threads=4", "a/int8/x86/batch=\"y\"/threads=1",
                            "a/fp32/x86/batch=\"x\"/threads=4", "a/fp32/x86/batch=\"x\"/threads=1",
                            "a/fp32/x86/batch=\"y\"/threads=4", "a/fp32/x86/batch=\"y\"/threads=1"}));
  EXPECT_EQ(plan.cells[1].settings.threads, 1);  // an axis named like a setting sets it
  EXPECT_EQ(plan.cells[0].settings.threads, 4);
}

TEST(Expand, TheSameFileExpandsToTheSameCellsInTheSameOrder) {
  const Plan first = PlanOf(kBase);
  const Plan second = PlanOf(kBase);
  ASSERT_EQ(first.cells.size(), 16u);
  ASSERT_EQ(Keys(first), Keys(second));
  for (std::size_t i = 0; i < first.cells.size(); ++i) EXPECT_EQ(first.cells[i].id, second.cells[i].id);
}

TEST(Exclude, RemovesCellsWhereEveryNamedKeyMatches) {
  const Plan plan = PlanOf(kBase + "exclude: [{target: arm, scheme: int8}]\n");
  EXPECT_EQ(plan.cells.size(), 16u - 4u);  // arm+int8: 2 models × 2 thread values
  EXPECT_EQ(Find(plan, "a", "int8", "arm", {{"threads", 1}}), nullptr);
  EXPECT_NE(Find(plan, "a", "int8", "x86", {{"threads", 1}}), nullptr);  // only one key matches
  EXPECT_NE(Find(plan, "a", "fp32", "arm", {{"threads", 1}}), nullptr);
}

TEST(Exclude, AListValueMatchesAnyOfItsValues) {
  const Plan plan = PlanOf(kBase + "exclude: [{model: [a, b], threads: [2]}]\n");
  EXPECT_EQ(plan.cells.size(), 8u);
  for (const Cell& c : plan.cells) EXPECT_EQ(c.axes["threads"], 1);
}

TEST(Exclude, RulesAreIndependentAndAxisValuesCompareByType) {
  const Plan plan = PlanOf(kBase + "exclude:\n  - {model: a}\n  - {threads: \"2\"}\n");
  // The first rule removes model a; the second names the string "2", which no cell holds.
  EXPECT_EQ(plan.cells.size(), 8u);
  for (const Cell& c : plan.cells) EXPECT_EQ(c.model, "b");
}

TEST(Include, ExtendsEveryCellWhoseOriginalValuesItDoesNotOverwrite) {
  const Plan plan = PlanOf(kBase + "defaults: {runs: 200}\ninclude: [{target: arm, runs: 5, timeout: 90s}]\n");
  ASSERT_EQ(plan.cells.size(), 16u);  // extends, adds nothing
  for (const Cell& c : plan.cells) {
    EXPECT_EQ(c.settings.runs, c.target == "arm" ? 5 : 200) << c.target;
    EXPECT_EQ(c.settings.timeout_ms, c.target == "arm" ? 90'000 : 5 * 60'000) << c.target;
  }
}

TEST(Include, AnEntryWithOnlyNewKeysExtendsEveryCell) {
  const Plan plan = PlanOf(kBase + "include: [{retries: 0}]\n");
  ASSERT_EQ(plan.cells.size(), 16u);
  for (const Cell& c : plan.cells) EXPECT_EQ(c.settings.retries, 0);
}

TEST(Include, LaterEntriesOverwriteAddedValuesButNeverOriginalOnes) {
  const Plan plan = PlanOf(kBase + "include:\n  - {runs: 7}\n  - {model: a, runs: 9}\n");
  ASSERT_EQ(plan.cells.size(), 16u);
  for (const Cell& c : plan.cells) EXPECT_EQ(c.settings.runs, c.model == "a" ? 9 : 7);
}

TEST(Include, AnEntryMatchingNoCellAddsANewOne) {
  // threads: 8 overwrites every cell's original threads value, so the entry becomes its own cell,
  // even with a scheme outside `schemes:` (GitHub Actions adds such combinations too).
  const Plan plan = PlanOf(kBase + "include: [{model: b, scheme: int16x8, target: x86, threads: 8, runs: 3}]\n");
  ASSERT_EQ(plan.cells.size(), 17u);
  const Cell& added = plan.cells.back();
  EXPECT_EQ(added.model, "b");
  EXPECT_EQ(added.scheme, "int16x8");
  EXPECT_EQ(added.target, "x86");
  EXPECT_EQ(added.axes, nlohmann::json({{"threads", 8}}));
  EXPECT_EQ(added.settings.threads, 8);
  EXPECT_EQ(added.settings.runs, 3);
  EXPECT_EQ(added.status, CellStatus::kPlanned);
}

TEST(Include, CanAddBackAnExcludedCell) {
  const Plan plan = PlanOf(kBase + "exclude: [{scheme: int8}]\ninclude: [{model: a, scheme: int8, target: arm, threads: 1}]\n");
  ASSERT_EQ(plan.cells.size(), 9u);  // 8 fp32 cells + the one added back
  EXPECT_NE(Find(plan, "a", "int8", "arm", {{"threads", 1}}), nullptr);
  EXPECT_EQ(Find(plan, "a", "int8", "arm", {{"threads", 2}}), nullptr);
}

TEST(Include, NewCellsAreNotExtendedByLaterEntriesButTwoEqualNewCellsMerge) {
  const Plan plan = PlanOf(kBase + "exclude: [{scheme: int8}]\n"
                                   "include:\n"
                                   "  - {model: a, scheme: int8, target: x86, threads: 1, runs: 3}\n"
                                   "  - {model: a, scheme: int8, target: x86, threads: 1, warmup: 0}\n");
  ASSERT_EQ(plan.cells.size(), 9u);  // one new cell, not two
  const Cell* cell = Find(plan, "a", "int8", "x86", {{"threads", 1}});
  ASSERT_NE(cell, nullptr);
  EXPECT_EQ(cell->settings.runs, 3);    // from the first entry
  EXPECT_EQ(cell->settings.warmup, 0);  // from the second
}

TEST(Include, AnEntryThatCanNeitherExtendNorAddIsAnError) {
  const Result<Matrix> m = testing::Parse(kBase + "include:\n  - {threads: 8}\n  - {model: a, threads: 8}\n");
  ASSERT_TRUE(m.ok()) << m.error().message;
  const Result<Plan> plan = Expand(*m);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message,
            "m.yaml:13:5: error: this include entry matches no cell, and to add a new one it needs 'model', 'scheme' "
            "and 'target'\n"
            "m.yaml:14:5: error: this include entry matches no cell, and to add a new one it needs 'scheme' and "
            "'target'");
}

TEST(Unsupported, McuKindsKeepDynamicAndFloat16CellsWithAReason) {
  const Plan plan = PlanOf(std::string(kDatasetsYaml) +
                           "models: [{name: a, source: a.tflite, dataset: digits}]\n"
                           "schemes: [fp32, float16, dynamic, int8]\n"
                           "targets:\n"
                           "  - {name: x86, kind: local}\n"
                           "  - {name: m4, kind: qemu-mcu, board: mps2-an386}\n"
                           "  - {name: nucleo, kind: serial, port: /dev/ttyACM0}\n");
  ASSERT_EQ(plan.cells.size(), 12u);  // nothing dropped
  EXPECT_EQ(plan.CountUnsupported(), 4u);
  for (const Cell& c : plan.cells) {
    const bool mcu = c.target != "x86";
    const bool unsupported = mcu && (c.scheme == "dynamic" || c.scheme == "float16");
    EXPECT_EQ(c.status, unsupported ? CellStatus::kUnsupported : CellStatus::kPlanned) << c.target << " " << c.scheme;
    EXPECT_EQ(c.reason.empty(), !unsupported);
  }
  const Cell* dynamic = Find(plan, "a", "dynamic", "m4", nlohmann::json::object());
  ASSERT_NE(dynamic, nullptr);
  EXPECT_EQ(dynamic->reason, "microcontroller targets (qemu-mcu) cannot run dynamic models: the MCU runtime has no "
                             "hybrid (float activation, int8 weight) kernels");
  const Cell* fp16 = Find(plan, "a", "float16", "nucleo", nlohmann::json::object());
  ASSERT_NE(fp16, nullptr);
  EXPECT_EQ(fp16->reason, "microcontroller targets (serial) cannot run float16 models: fp16 weights need a float "
                          "DEQUANTIZE the MCU runtime does not ship");
}

TEST(Unsupported, PrebuiltModelsWithoutThatSchemeAreKeptWithAReason) {
  const Plan plan = PlanOf(std::string(kDatasetsYaml) +
                           "models: [{name: p, artifacts: {fp32: p.tflite}, dataset: digits}]\n"
                           "schemes: [fp32, int8]\n"
                           "targets: [{name: x86, kind: local}]\n");
  ASSERT_EQ(plan.cells.size(), 2u);
  EXPECT_EQ(plan.cells[0].status, CellStatus::kPlanned);
  EXPECT_EQ(plan.cells[1].status, CellStatus::kUnsupported);
  EXPECT_EQ(plan.cells[1].reason, "model 'p' has no int8 artifact and no source to quantize from");
}

TEST(Expand, TooManyCellsFailFast) {
  // 1 model × 1 scheme × 1 target × 200^3 = 8,000,000 cells > kMaxCells (2,000,000).
  std::string values = "[";
  for (int i = 0; i < 200; ++i) values += (i ? "," : "") + std::to_string(i);
  values += "]";
  const Result<Matrix> m = testing::Parse(std::string(kDatasetsYaml) +
                                          "models: [{name: a, source: a.tflite, dataset: digits}]\n"
                                          "schemes: [fp32]\ntargets: [{name: x86, kind: local}]\n"
                                          "axes: {p: " + values + ", q: " + values + ", r: " + values + "}\n");
  ASSERT_TRUE(m.ok()) << m.error().message;
  const Result<Plan> plan = Expand(*m);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message, "m.yaml: error: the matrix expands to more than 2000000 cells before exclude; "
                                  "shorten the lists or split the matrix");
}

TEST(Expand, FullExampleCounts) {
  const Result<Plan> plan = LoadPlan(std::string(BSB_SOURCE_DIR) + "/examples/full.yaml");
  ASSERT_TRUE(plan.ok()) << plan.error().message;
  // 4 models × 7 schemes × 8 targets × 2 threads = 448. exclude removes
  //   {m4-emu, nucleo} with threads 4:          4 models × 7 schemes × 2 targets = 56,
  //   remote-cnn on {m4-emu, nucleo} (threads 1): 7 schemes × 2 targets        = 14,
  //   int16x8-only on {armv7-emu, arm-farm}:      4 models × 2 targets × 2      = 16;
  // include adds fc-small/int16x8-only/armv7-emu/threads=1 back: 448 - 86 + 1 = 363.
  EXPECT_EQ(plan->cells.size(), 363u);
  // Unsupported: on the two MCUs (threads 1; fc-small, cnn-small, seed-ffn) dynamic and float16:
  // 3 × 2 × 2 = 12; seed-ffn (artifacts fp32 and int8 only) on the MCUs for int8-only, int16x8,
  // int16x8-only: 3 × 2 = 6; seed-ffn on the 6 other targets × 2 threads for float16, dynamic,
  // int8-only, int16x8: 4 × 12 = 48, and int16x8-only on the 4 targets not excluded: 4 × 2 = 8.
  EXPECT_EQ(plan->CountUnsupported(), 12u + 6u + 48u + 8u);
}

}  // namespace
}  // namespace bsb::matrix
