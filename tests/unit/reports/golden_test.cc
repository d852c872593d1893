// Golden files: the fixed ResultSet rendered to each text format must equal
// tests/data/reports/fixture.<format>.golden byte for byte. After an intended change,
// regenerate with BSB_UPDATE_GOLDEN=1 and review the diff like code.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reports/report.h"
#include "tests/unit/reports/fixture_result_set.h"

namespace bsb::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Render(Format format) {
  std::ostringstream out;
  bsb::Status status = RenderReport(testing::FixtureResultSet(), format, out);
  EXPECT_TRUE(status.ok());
  return out.str();
}

void ExpectGolden(Format format, const std::string& name) {
  const std::string actual = Render(format);
  const std::string path = std::string(BSB_SOURCE_DIR) + "/tests/data/reports/" + name + ".golden";
  if (const char* update = std::getenv("BSB_UPDATE_GOLDEN"); update && *update == '1') {
    std::ofstream(path, std::ios::binary) << actual;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (BSB_UPDATE_GOLDEN=1 writes it)";
  std::stringstream expected;
  expected << in.rdbuf();
  if (expected.str() != actual) {
    const std::string actual_path = std::string(BSB_BINARY_DIR) + "/" + name + ".actual";
    std::ofstream(actual_path, std::ios::binary) << actual;
    FAIL() << name << " differs from its golden file; see: diff " << path << " " << actual_path;
  }
}

TEST(GoldenTest, Markdown) { ExpectGolden(Format::kMarkdown, "fixture.md"); }
TEST(GoldenTest, Csv) { ExpectGolden(Format::kCsv, "fixture.csv"); }
TEST(GoldenTest, Json) { ExpectGolden(Format::kJson, "fixture.json"); }
TEST(GoldenTest, Junit) { ExpectGolden(Format::kJunit, "fixture.junit.xml"); }

TEST(RenderTest, RendersAreDeterministic) {
  for (Format f : {Format::kHtml, Format::kMarkdown, Format::kCsv, Format::kJson, Format::kJunit}) {
    EXPECT_EQ(Render(f), Render(f));
  }
}

TEST(RenderTest, JsonReportParsesAndKeepsEveryCell) {
  nlohmann::json report = nlohmann::json::parse(Render(Format::kJson));
  EXPECT_EQ(report["cells"].size(), testing::FixtureResultSet().cells.size());
  EXPECT_EQ(report["findings"].size(), 1u);
  EXPECT_EQ(report["cells"][0]["model"], testing::kInjectedModel);  // data, not markup
}

TEST(RenderTest, CsvHasSeedColumnsAndOnlyMeasuredRows) {
  std::string csv = Render(Format::kCsv);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "timestamp,pipeline,framework,runtime,variant,quantization,size_mb,accuracy,"
            "agreement,latency_ms_mean,latency_ms_p50,latency_ms_p95,rss_delta_mb,peak_rss_mb,"
            "num_samples,threads,device,arch,os,emulated,lib_versions,target,cell_id");
  int rows = 0;
  for (size_t at = 0; (at = csv.find("\r\n", at)) != std::string::npos; at += 2) ++rows;
  EXPECT_EQ(rows, 1 + 7);  // header + the 7 ok cells
  // The axis value holds , and " so the variant field is quoted with doubled quotes.
  EXPECT_THAT(csv, HasSubstr(",\"<script>alert(1)</script>[note=a,b \"\"q\"\" <i>]\","));
}

TEST(RenderTest, MarkdownAndJunitEscapeTheInjectedModel) {
  EXPECT_THAT(Render(Format::kMarkdown), Not(HasSubstr("<script>")));
  EXPECT_THAT(Render(Format::kJunit), Not(HasSubstr("<script>")));
  EXPECT_THAT(Render(Format::kJunit), HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;/fp32"));
}

TEST(RenderTest, FormatNames) {
  EXPECT_EQ(FormatFromName("html"), Format::kHtml);
  EXPECT_EQ(FormatFromName("md"), Format::kMarkdown);
  EXPECT_EQ(FormatFromName("junit"), Format::kJunit);
  EXPECT_FALSE(FormatFromName("pdf").has_value());
}

TEST(RenderTest, AFailingStreamIsAnError) {
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  bsb::Status status = RenderReport(testing::FixtureResultSet(), Format::kCsv, out);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.error().message, HasSubstr("could not write the report"));
}

}  // namespace
}  // namespace bsb::reports
