// `bsb-matrix plan` output: --only filtering, the JSON shape and the text table.
#include <gtest/gtest.h>

#include <algorithm>

#include "matrix/plan_output.h"
#include "tests/unit/matrix/matrix_test_util.h"

namespace bsb::matrix {
namespace {

const std::string kYaml = std::string(testing::kDatasetsYaml) +
                          "name: demo\n"
                          "models: [{name: a, source: a.tflite, dataset: digits}]\n"
                          "schemes: [fp32, dynamic]\n"
                          "targets:\n"
                          "  - {name: x86, kind: local}\n"
                          "  - {name: m4, kind: qemu-mcu, board: mps2-an386}\n"
                          "axes: {threads: [1, 2]}\n";

TEST(FilterPlan, EveryKeyMustMatchAndARepeatedKeyMatchesEither) {
  const Plan plan = testing::PlanOf(kYaml);
  ASSERT_EQ(plan.cells.size(), 8u);
  Result<Plan> only = FilterPlan(plan, "target=x86,threads=2");
  ASSERT_TRUE(only.ok()) << only.error().message;
  ASSERT_EQ(only->cells.size(), 2u);
  for (const Cell& c : only->cells) EXPECT_EQ(c.target, "x86");
  only = FilterPlan(plan, "scheme=fp32,scheme=dynamic,status=unsupported");
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(only->cells.size(), 2u);  // dynamic on m4, threads 1 and 2
  only = FilterPlan(plan, "id=" + plan.cells[3].id);
  ASSERT_TRUE(only.ok());
  ASSERT_EQ(only->cells.size(), 1u);
  EXPECT_EQ(only->cells[0].id, plan.cells[3].id);
}

TEST(FilterPlan, MalformedOrUnknownKeysAreInputErrors) {
  const Plan plan = testing::PlanOf(kYaml);
  const Result<Plan> bad = FilterPlan(plan, "target");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ExitCode::kInvalidInput);
  EXPECT_EQ(bad.error().message, "--only: expected key=value[,key=value...], got 'target'");
  const Result<Plan> unknown = FilterPlan(plan, "board=x");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "--only: unknown key 'board'; expected one of id, model, scheme, target, status, "
                                     "threads");
  EXPECT_FALSE(FilterPlan(plan, "target=x86,").ok());
}

TEST(PlanToJson, HasTheDocumentedShape) {
  const Plan plan = testing::PlanOf(kYaml);
  const nlohmann::json json = PlanToJson(plan);
  EXPECT_EQ(json["matrix"], "demo");
  EXPECT_EQ(json["file"], "m.yaml");
  EXPECT_EQ(json["summary"], nlohmann::json({{"cells", 8}, {"unsupported", 2}}));
  ASSERT_EQ(json["cells"].size(), 8u);
  const nlohmann::json& first = json["cells"][0];
  EXPECT_EQ(first["id"], plan.cells[0].id);
  EXPECT_EQ(first["model"], "a");
  EXPECT_EQ(first["scheme"], "fp32");
  EXPECT_EQ(first["target"], "x86");
  EXPECT_EQ(first["axes"], nlohmann::json({{"threads", 1}}));
  EXPECT_EQ(first["status"], "planned");
  EXPECT_EQ(first["reason"], "");
  EXPECT_EQ(first["settings"], nlohmann::json({{"warmup", 10},
                                               {"runs", 200},
                                               {"samples", 1000},
                                               {"threads", 1},
                                               {"timeout_ms", 300000},
                                               {"retries", 2}}));
  const nlohmann::json& unsupported = json["cells"][6];  // a/dynamic/m4/threads=1
  EXPECT_EQ(unsupported["status"], "unsupported");
  EXPECT_NE(unsupported["reason"].get<std::string>().find("cannot run dynamic"), std::string::npos);
}

TEST(PlanToJsonText, IsTheSameDocumentAsPlanToJson) {
  // Strings that need escaping, non-ASCII text, numbers and booleans as axis values.
  const Plan plan = testing::PlanOf(std::string(testing::kDatasetsYaml) +
                                    "models: [{name: a, source: a.tflite, dataset: digits}]\n"
                                    "schemes: [fp32, dynamic]\n"
                                    "targets: [{name: x86, kind: local}, {name: m4, kind: qemu-mcu, board: b}]\n"
                                    "axes:\n"
                                    "  threads: [1, 2]\n"
                                    "  label: [\"tab\\there \\\"q\\\" back\\\\slash \\u0001 \u00e9\u20ac\", 2.5, true]\n");
  ASSERT_EQ(plan.cells.size(), 24u);
  const std::string text = PlanToJsonText(plan);
  EXPECT_EQ(nlohmann::json::parse(text), PlanToJson(plan));
  // One line per cell after the header line, and a closing line.
  EXPECT_EQ(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')), plan.cells.size() + 2);
  Plan empty;
  empty.matrix_name = "e";
  EXPECT_EQ(nlohmann::json::parse(PlanToJsonText(empty)), PlanToJson(empty));
}

TEST(AppendJsonString, EscapesLikeNlohmannAndReplacesInvalidUtf8) {
  const std::string samples[] = {"plain", "q\"b\\", "\b\f\n\r\t\x01\x1f\x7f", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "a/b"};
  for (const std::string& sample : samples) {
    std::string out;
    AppendJsonString(out, sample);
    EXPECT_EQ(out, nlohmann::json(sample).dump()) << sample;
  }
  std::string out;
  AppendJsonString(out, "a\xff" "b\xc3");
  EXPECT_EQ(out, "\"a\xef\xbf\xbd" "b\xef\xbf\xbd\"");  // U+FFFD for each bad byte
  EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), "a\xef\xbf\xbd" "b\xef\xbf\xbd");
}

TEST(PlanToTable, OneAlignedRowPerCellAndASummary) {
  const Plan plan = testing::PlanOf(std::string(testing::kDatasetsYaml) +
                                    "models: [{name: a, source: a.tflite, dataset: digits}]\n"
                                    "schemes: [fp32, float16]\n"
                                    "targets: [{name: m4, kind: qemu-mcu, board: mps2-an386}]\n");
  const std::string table = PlanToTable(plan);
  EXPECT_EQ(table,
            "ID            MODEL  SCHEME   TARGET  AXES  STATUS\n" +
                plan.cells[0].id + "  a      fp32     m4      -     planned\n" +
                plan.cells[1].id + "  a      float16  m4      -     unsupported (" + plan.cells[1].reason + ")\n" +
                "2 cells (1 unsupported)\n");
}

}  // namespace
}  // namespace bsb::matrix
