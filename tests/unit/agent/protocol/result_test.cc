#include "agent/protocol/result.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/agent/protocol/sample_results.h"

namespace bsb::protocol {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

TEST(ResultTest, EverySampleRoundTripsThroughText) {
  for (const CellResult& original : testing::AllSampleResults()) {
    std::string line = SerializeResult(original);
    EXPECT_EQ(line.find('\n'), std::string::npos) << "one JSON line";
    Parsed<CellResult> parsed = ParseResult(line);
    ASSERT_TRUE(parsed.ok()) << parsed.error();
    EXPECT_EQ(parsed.value(), original) << line;
  }
}

TEST(ResultTest, SerializedFieldsUseDocumentedNames) {
  json j = ResultToJson(testing::LinuxOkResult());
  EXPECT_EQ(j["schema"], 1);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_FALSE(j.contains("error"));
  EXPECT_EQ(j["stamp"]["arch"], "x86_64");
  EXPECT_EQ(j["stamp"]["emulated"], false);
  EXPECT_EQ(j["metrics"]["latency_ms"]["p95"], 0.31);
  EXPECT_EQ(j["metrics"]["rss_delta_bytes"], -4096);
  EXPECT_FALSE(j["metrics"].contains("cycles")) << "absent optional fields are not written";
  EXPECT_EQ(j["predictions"], (json{{"width", 1}, {"digits", "92116146"}}));
}

TEST(ResultTest, FailedResultCarriesErrorAndNoPredictions) {
  json j = ResultToJson(testing::FailedResult());
  EXPECT_EQ(j["status"], "failed");
  EXPECT_THAT(j["error"].get<std::string>(), HasSubstr("unsupported op"));
  EXPECT_FALSE(j.contains("metrics"));
  EXPECT_FALSE(j.contains("predictions"));
}

TEST(ResultTest, CorrectCountRecoversIntegerFromAccuracy) {
  Metrics m;
  m.samples = 1000;
  m.accuracy = 873.0 / 1000.0;
  EXPECT_EQ(m.CorrectCount(), 873u);
  m.samples = 3;
  m.accuracy = 2.0 / 3.0;
  EXPECT_EQ(m.CorrectCount(), 2u);
}

TEST(PredictionsTest, WidthGrowsWithLargestLabel) {
  EXPECT_EQ(EncodePredictions({0, 35})["width"], 1);
  EXPECT_EQ(EncodePredictions({36})["width"], 2);              // 36 = "10" in base 36
  EXPECT_EQ(EncodePredictions({36})["digits"], "10");
  EXPECT_EQ(EncodePredictions({1295})["width"], 2);            // 36^2 - 1 = "zz"
  EXPECT_EQ(EncodePredictions({1296})["width"], 3);
  EXPECT_EQ(EncodePredictions({UINT32_MAX})["width"], 7);      // 36^6 < 2^32 <= 36^7
  EXPECT_EQ(EncodePredictions({})["digits"], "");
}

TEST(PredictionsTest, RoundTripsExtremes) {
  std::vector<uint32_t> labels = {0, 1, 35, 36, 1295, 1296, 46655, UINT32_MAX};
  Parsed<std::vector<uint32_t>> decoded = DecodePredictions(EncodePredictions(labels));
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(decoded.value(), labels);
}

TEST(PredictionsTest, RejectsMalformedEncodings) {
  struct Case { json input; const char* expected; };
  const Case cases[] = {
      {json::array(), "predictions: expected an object"},
      {{{"digits", "12"}}, "predictions.width: missing"},
      {{{"width", 0}, {"digits", ""}}, "predictions.width: expected 1..7"},
      {{{"width", 8}, {"digits", ""}}, "predictions.width: expected 1..7"},
      {{{"width", 2}, {"digits", "123"}}, "not a multiple of width 2"},
      {{{"width", 1}, {"digits", "1A"}}, "character 1 is not a lowercase base-36 digit"},
      {{{"width", 7}, {"digits", "zzzzzzz"}}, "exceeds 2^32-1"},  // 36^7 - 1 > 2^32 - 1
      {{{"width", 1}, {"digits", 5}}, "predictions.digits: expected a string"},
  };
  for (const Case& c : cases) {
    Parsed<std::vector<uint32_t>> decoded = DecodePredictions(c.input);
    ASSERT_FALSE(decoded.ok()) << c.input.dump();
    EXPECT_THAT(decoded.error(), HasSubstr(c.expected)) << c.input.dump();
  }
}

// Mutates the valid Linux result with `edit` and expects a parse error containing `expected`.
struct Malformed {
  const char* name;
  void (*edit)(json&);
  const char* expected;
};

TEST(ResultTest, MalformedResultsAreClearErrors) {
  const Malformed cases[] = {
      {"schema 2", [](json& j) { j["schema"] = 2; }, "result.schema: unsupported version 2"},
      {"schema string", [](json& j) { j["schema"] = "1"; }, "result.schema: expected an integer"},
      {"no status", [](json& j) { j.erase("status"); }, "result.status: missing (required)"},
      {"bad status", [](json& j) { j["status"] = "timeout"; }, "expected \"ok\" or \"failed\""},
      {"failed no error", [](json& j) { j["status"] = "failed"; }, "result.error: missing"},
      {"failed empty error", [](json& j) { j["status"] = "failed"; j["error"] = ""; },
       "must say why"},
      {"no stamp", [](json& j) { j.erase("stamp"); }, "result.stamp: missing"},
      {"stamp array", [](json& j) { j["stamp"] = json::array(); }, "result.stamp: expected an object"},
      {"arch number", [](json& j) { j["stamp"]["arch"] = 64; }, "result.stamp.arch: expected a string"},
      {"emulated no reason", [](json& j) { j["stamp"]["emulated"] = true; },
       "result.stamp.emulated_reason: required when emulated"},
      {"emulated string", [](json& j) { j["stamp"]["emulated"] = "no"; },
       "result.stamp.emulated: expected true or false"},
      {"ok no metrics", [](json& j) { j.erase("metrics"); }, "result.metrics: missing"},
      {"accuracy > 1", [](json& j) { j["metrics"]["accuracy"] = 87.5; },
       "result.metrics.accuracy: expected a share in [0, 1]"},
      {"negative size", [](json& j) { j["metrics"]["size_bytes"] = -1; },
       "result.metrics.size_bytes: expected an integer >= 0, got -1"},
      {"fractional samples", [](json& j) { j["metrics"]["samples"] = 8.5; },
       "result.metrics.samples: expected an integer >= 0, got a number with a fraction"},
      {"huge samples", [](json& j) { j["metrics"]["samples"] = 1e30; },
       "result.metrics.samples: expected an integer >= 0"},
      {"no p99", [](json& j) { j["metrics"]["latency_ms"].erase("p99"); },
       "result.metrics.latency_ms.p99: missing"},
      {"null mean", [](json& j) { j["metrics"]["latency_ms"]["mean"] = nullptr; },
       "result.metrics.latency_ms.mean: expected a number, got null"},
      {"negative min", [](json& j) { j["metrics"]["latency_ms"]["min"] = -0.5; },
       "cannot be negative"},
      {"unordered percentiles", [](json& j) { j["metrics"]["latency_ms"]["p50"] = 0.35; },
       "expected min <= p50 <= p95 <= p99 <= max"},
      {"negative load", [](json& j) { j["metrics"]["load_ms"] = -2; },
       "result.metrics.load_ms: a duration cannot be negative"},
      {"rss too big", [](json& j) { j["metrics"]["rss_delta_bytes"] = UINT64_MAX; },
       "result.metrics.rss_delta_bytes: integer out of range"},
      {"ok no predictions", [](json& j) { j.erase("predictions"); }, "result.predictions: missing"},
      {"predictions count", [](json& j) { j["predictions"]["digits"] = "921"; },
       "holds 3 labels but metrics.samples is 8"},
  };
  const json valid = ResultToJson(testing::LinuxOkResult());
  for (const Malformed& c : cases) {
    json j = valid;
    c.edit(j);
    Parsed<CellResult> parsed = ParseResult(j.dump());
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_THAT(parsed.error(), HasSubstr(c.expected)) << c.name;
  }
}

TEST(ResultTest, NotJsonOrNotAnObjectIsAnError) {
  for (const char* text : {"", "{", "null", "[1,2]", "\"ok\"", "{\"schema\":1,}", "\xff\xfe"}) {
    Parsed<CellResult> parsed = ParseResult(text);
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_THAT(parsed.error(), HasSubstr("result")) << text;
  }
}

TEST(ResultTest, UnknownKeysAreIgnoredForForwardCompatibility) {
  json j = ResultToJson(testing::LinuxOkResult());
  j["new_field"] = 1;
  j["metrics"]["energy_mj"] = 3.5;
  Parsed<CellResult> parsed = ResultFromJson(j);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed.value(), testing::LinuxOkResult());
}

TEST(ResultTest, InvalidUtf8InErrorIsReplacedNotThrown) {
  CellResult r = testing::FailedResult();
  r.error = "agent said \xc3\x28 then died";
  std::string line = SerializeResult(r);
  Parsed<CellResult> parsed = ParseResult(line);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_THAT(parsed->error, HasSubstr("\xef\xbf\xbd"));  // U+FFFD
}

TEST(StampTest, ParsesWhatProbePrints) {
  Stamp s = testing::McuOkResult().stamp;
  Parsed<Stamp> parsed = ParseStamp(StampToJson(s).dump());
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed.value(), s);
  Parsed<Stamp> bad = ParseStamp("{\"arch\":\"x86_64\"}");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.error(), HasSubstr("stamp.device: missing"));
}

}  // namespace
}  // namespace bsb::protocol
