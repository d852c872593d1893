// The HTML report as text: escaping, sections, no network. The browser-level checks (DOM,
// screenshot) are in tests/e2e/reports/.
#include <regex>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reports/report.h"
#include "tests/unit/reports/fixture_result_set.h"

namespace bsb::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Html(const ResultSet& set = testing::FixtureResultSet()) {
  std::ostringstream out;
  EXPECT_TRUE(RenderReport(set, Format::kHtml, out).ok());
  return out.str();
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST(HtmlReportTest, InjectedModelNameStaysText) {
  std::string html = Html();
  EXPECT_THAT(html, Not(HasSubstr(testing::kInjectedModel)));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_EQ(Count(html, "<script"), 1u) << "only the report's own sorting script";
  EXPECT_THAT(html, Not(HasSubstr("<i>"))) << "axis values are escaped too";
}

TEST(HtmlReportTest, EveryOutsideStringIsEscapedEverywhere) {
  // Put markup in every field that reaches the page and check none survives as markup.
  ResultSet set = testing::FixtureResultSet();
  const std::string evil = "<img src=x onerror=alert(2)>";
  set.run.matrix_name = set.run.id = set.run.matrix_path = evil;
  set.run.host->hostname = evil;
  for (Cell& cell : set.cells) {
    cell.target = evil + cell.target;
    cell.reason = evil;
    if (cell.result) cell.result->stamp.device = evil;
  }
  set.cells[0].scheme = evil;
  std::string html = Html(set);
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(2)&gt;"));
}

TEST(HtmlReportTest, NativeAndEmulatedAreSeparateSections) {
  std::string html = Html();
  size_t native = html.find("<section id=\"native\">");
  size_t emulated = html.find("<section id=\"emulated\">");
  ASSERT_NE(native, std::string::npos);
  ASSERT_NE(emulated, std::string::npos);
  std::string native_part = html.substr(native, emulated - native);
  std::string emulated_part = html.substr(emulated);
  for (const char* id : {"a1b2c3", "a1b2c4", "a1b2c5", "a1b2c6", "d1b2c3", "e1b2c3", "e1b2c4"}) {
    EXPECT_THAT(native_part, HasSubstr(std::string("data-cell=\"") + id + "\"")) << id;
    EXPECT_THAT(emulated_part, Not(HasSubstr(std::string("data-cell=\"") + id + "\""))) << id;
  }
  for (const char* id : {"b1b2c3", "b1b2c4", "b1b2c5", "c1b2c3"}) {
    EXPECT_THAT(emulated_part, HasSubstr(std::string("data-cell=\"") + id + "\"")) << id;
  }
}

TEST(HtmlReportTest, EmulatedSectionShowsRatiosNotAbsoluteLatency) {
  std::string html = Html();
  std::string emulated = html.substr(html.find("<section id=\"emulated\">"));
  emulated = emulated.substr(0, emulated.find("</section>"));
  EXPECT_THAT(emulated, HasSubstr("measure the emulator, not the device"));
  EXPECT_THAT(emulated, Not(HasSubstr("p50 ms")));
  EXPECT_THAT(emulated, Not(HasSubstr("2.500")));  // the emulated fp32 p50 in ms
  EXPECT_THAT(emulated, HasSubstr("2.00\u00d7"));  // its speedup: 2.5 / 1.25
  EXPECT_THAT(emulated, Not(HasSubstr("<svg")));   // no latency chart for emulated targets
}

TEST(HtmlReportTest, MakesNoNetworkRequests) {
  std::string html = Html();
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  EXPECT_THAT(html, HasSubstr("default-src 'none'"));
}

TEST(HtmlReportTest, StatusesReasonsAndGateAreVisible) {
  std::string html = Html();
  EXPECT_THAT(html, HasSubstr("microcontroller targets have no hybrid (dynamic-range) kernels"));
  EXPECT_THAT(html, HasSubstr("no result within 300 s"));
  EXPECT_THAT(html, HasSubstr("unsupported op: FULLY_CONNECTED with hybrid int8 weights, "
                              "&quot;float&quot; input"));
  EXPECT_THAT(html, HasSubstr("fc-small int8-only on x86 (cell a1b2c5): accuracy drop 0.0530"));
  EXPECT_THAT(html, HasSubstr("class=\"st-ok gate\" data-cell=\"a1b2c5\""));
}

TEST(HtmlReportTest, ChartsForEveryModelAndNativeTarget) {
  std::string html = Html();
  EXPECT_THAT(html, HasSubstr("<title>Size and accuracy: fc-small</title>"));
  EXPECT_THAT(html, HasSubstr("<title>Size and accuracy: &lt;script&gt;"));
  EXPECT_THAT(html, HasSubstr("<title>Latency on x86</title>"));
  EXPECT_THAT(html, Not(HasSubstr("<title>Latency on arm64-emu</title>")));
  // SVG in HTML5 needs no namespace; none is written, so no URL appears at all.
  EXPECT_EQ(Count(html, "<svg"), 3u);  // 2 models + 1 native target with measured cells
}

}  // namespace
}  // namespace bsb::reports

namespace bsb::reports {
namespace {

TEST(HtmlReportTest, EveryRowHasAsManyCellsAsTheHeader) {
  std::string html = Html();
  std::regex table_re("<table[^>]*>([\\s\\S]*?)</table>");
  int tables = 0;
  for (std::sregex_iterator t(html.begin(), html.end(), table_re), end; t != end; ++t, ++tables) {
    const std::string table = (*t)[1];
    const size_t header_cells = Count(table.substr(0, table.find("</thead>")), "<th ");
    std::regex row_re("<tr class=[^>]*>([\\s\\S]*?)</tr>");
    int rows = 0;
    for (std::sregex_iterator r(table.begin(), table.end(), row_re); r != end; ++r, ++rows) {
      EXPECT_EQ(Count((*r)[1], "<td"), header_cells) << (*r)[0];
    }
    EXPECT_GT(rows, 0);
  }
  EXPECT_EQ(tables, 2);
}

}  // namespace
}  // namespace bsb::reports
