#include "agent/protocol/cell_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bsb::protocol {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

CellSpec FullSpec() {
  CellSpec s;
  s.model_path = "/cache/objects/ab12.tflite";
  s.images_path = "/cache/objects/cd34.idx3";
  s.labels_path = "/cache/objects/ef56.idx1";
  s.input_scale = 1.0 / 255.0;
  s.scheme = "int8-only";
  s.warmup = 10;
  s.runs = 200;
  s.samples = 1000;
  s.threads = 4;
  s.seed = 18'446'744'073'709'551'615u;  // full uint64 range survives
  s.cpu = 2;
  s.reference_outputs_path = "/cache/objects/0099.bin";
  return s;
}

TEST(CellSpecTest, RoundTrips) {
  for (CellSpec spec : {FullSpec(), CellSpec{"m", "i", "l", 1.0, "fp32", 0, 1, 1, 1, 0, {}, ""}}) {
    Parsed<CellSpec> parsed = ParseCellSpec(SerializeCellSpec(spec));
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    EXPECT_EQ(parsed.value(), spec);
  }
}

TEST(CellSpecTest, OptionalFieldsAreOmittedWhenUnset) {
  CellSpec spec = FullSpec();
  spec.cpu.reset();
  spec.reference_outputs_path.clear();
  json j = CellSpecToJson(spec);
  EXPECT_FALSE(j.contains("cpu"));
  EXPECT_FALSE(j.contains("reference_outputs_path"));
  EXPECT_EQ(j["schema"], 1);
}

TEST(CellSpecTest, InputScaleDefaultsToOne) {
  json j = CellSpecToJson(FullSpec());
  j.erase("input_scale");
  Parsed<CellSpec> parsed = CellSpecFromJson(j);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->input_scale, 1.0);
}

TEST(CellSpecTest, MalformedSpecsAreClearErrors) {
  struct Case { const char* name; void (*edit)(json&); const char* expected; };
  const Case cases[] = {
      {"unknown key", [](json& j) { j["runz"] = 3; }, "spec: unknown key \"runz\""},
      {"schema", [](json& j) { j["schema"] = 7; }, "spec.schema: unsupported version 7"},
      {"no model", [](json& j) { j.erase("model_path"); }, "spec.model_path: missing"},
      {"empty labels", [](json& j) { j["labels_path"] = ""; }, "spec.labels_path: must not be empty"},
      {"scheme typo", [](json& j) { j["scheme"] = "int9"; }, "spec.scheme: unknown scheme \"int9\""},
      {"runs 0", [](json& j) { j["runs"] = 0; }, "spec.runs: must be at least 1"},
      {"samples 0", [](json& j) { j["samples"] = 0; }, "spec.samples: must be at least 1"},
      {"threads 0", [](json& j) { j["threads"] = 0; }, "spec.threads: must be at least 1"},
      {"negative warmup", [](json& j) { j["warmup"] = -1; }, "spec.warmup: expected an integer >= 0"},
      {"runs string", [](json& j) { j["runs"] = "200"; }, "spec.runs: expected an integer >= 0, got a string"},
      {"zero scale", [](json& j) { j["input_scale"] = 0; }, "spec.input_scale: must be greater than 0"},
      {"cpu bool", [](json& j) { j["cpu"] = true; }, "spec.cpu: expected an integer >= 0, got a boolean"},
  };
  for (const Case& c : cases) {
    json j = CellSpecToJson(FullSpec());
    c.edit(j);
    Parsed<CellSpec> parsed = ParseCellSpec(j.dump());
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_THAT(parsed.error(), HasSubstr(c.expected)) << c.name;
  }
  Parsed<CellSpec> not_json = ParseCellSpec("{\"schema\": 1");
  ASSERT_FALSE(not_json.ok());
  EXPECT_EQ(not_json.error(), "spec: not valid JSON");
}

}  // namespace
}  // namespace bsb::protocol
