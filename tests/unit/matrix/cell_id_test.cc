// Cell ids: the documented definition (matrix/README.md), pinned to values computed outside
// this code base, so that ids stay identical across runs, machines and releases.
#include <gtest/gtest.h>

#include "tests/unit/matrix/matrix_test_util.h"

namespace bsb::matrix {
namespace {

TEST(CellId, CanonicalJsonHasSortedKeysAndNoWhitespace) {
  EXPECT_EQ(CanonicalCellJson("fc-small", "fp32", "x86", {{"threads", 1}}),
            R"({"axes":{"threads":1},"model":"fc-small","scheme":"fp32","target":"x86"})");
  EXPECT_EQ(CanonicalCellJson("fc-small", "int8", "m4-emu", {{"threads", 4}, {"batch", "b"}}),
            R"({"axes":{"batch":"b","threads":4},"model":"fc-small","scheme":"int8","target":"m4-emu"})");
  EXPECT_EQ(CanonicalCellJson("m", "fp32", "t", nlohmann::json::object()),
            R"({"axes":{},"model":"m","scheme":"fp32","target":"t"})");
}

// The expected ids were computed independently with Python's hashlib and json modules:
//   python3 -c 'import hashlib, json; print(hashlib.sha256(json.dumps(
//     {"axes": {"threads": 1}, "model": "fc-small", "scheme": "fp32", "target": "x86"},
//     sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:12])'
TEST(CellId, PinnedValues) {
  EXPECT_EQ(CellId("fc-small", "fp32", "x86", {{"threads", 1}}), "30c25dc04b5f");
  EXPECT_EQ(CellId("fc-small", "fp32", "x86", nlohmann::json::object()), "0f6a45d3e290");
  EXPECT_EQ(CellId("fc-small", "int8", "m4-emu", {{"batch", "b"}, {"threads", 4}}), "5df3ce078a22");
}

TEST(CellId, ThePlanUsesThePinnedIds) {
  const Plan plan = testing::PlanOf(std::string(testing::kDatasetsYaml) +
                                    "models: [{name: fc-small, source: a.tflite, dataset: digits}]\n"
                                    "schemes: [fp32]\n"
                                    "targets: [{name: x86, kind: local}]\n"
                                    "axes: {threads: [1]}\n");
  ASSERT_EQ(plan.cells.size(), 1u);
  EXPECT_EQ(plan.cells[0].id, "30c25dc04b5f");
}

TEST(CellId, DependsOnlyOnWhatTheCellIs) {
  // Settings, the matrix name, declaration order and other cells do not change an id.
  const std::string head = std::string(testing::kDatasetsYaml) +
                           "models: [{name: fc-small, source: a.tflite, dataset: digits}]\n";
  const Plan a = testing::PlanOf(head + "name: one\nschemes: [fp32, int8]\ntargets: [{name: x86, kind: local}]\n");
  const Plan b = testing::PlanOf(head + "name: two\ndefaults: {runs: 7}\nschemes: [int8, fp32]\n"
                                        "targets: [{name: arm, kind: qemu-user, arch: aarch64}, {name: x86, kind: local}]\n");
  auto id_of = [](const Plan& plan, const std::string& scheme) {
    for (const Cell& c : plan.cells) {
      if (c.scheme == scheme && c.target == "x86") return c.id;
    }
    return std::string();
  };
  EXPECT_EQ(id_of(a, "fp32"), "0f6a45d3e290");
  EXPECT_EQ(id_of(b, "fp32"), "0f6a45d3e290");
  EXPECT_EQ(id_of(a, "int8"), id_of(b, "int8"));
  EXPECT_NE(id_of(a, "int8"), id_of(a, "fp32"));
  // An axis value of another JSON type is another cell.
  EXPECT_NE(CellId("m", "fp32", "t", {{"threads", 1}}), CellId("m", "fp32", "t", {{"threads", "1"}}));
}

}  // namespace
}  // namespace bsb::matrix
