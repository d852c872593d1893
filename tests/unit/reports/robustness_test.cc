// Renderers on unusual but possible inputs: an empty run, inconsistent cells, degenerate
// numbers, and random hostile strings in every field.
#include <random>
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

constexpr Format kAllFormats[] = {Format::kHtml, Format::kMarkdown, Format::kCsv, Format::kJson,
                                  Format::kJunit};

std::string Render(const ResultSet& set, Format format) {
  std::ostringstream out;
  EXPECT_TRUE(RenderReport(set, format, out).ok());
  return out.str();
}

TEST(RobustnessTest, EmptyRunRendersEveryFormat) {
  ResultSet set;
  set.run.id = "run-empty";
  for (Format f : kAllFormats) EXPECT_FALSE(Render(set, f).empty());
  EXPECT_THAT(Render(set, Format::kHtml), HasSubstr("No cells ran on native targets."));
  EXPECT_THAT(Render(set, Format::kJunit), HasSubstr("tests=\"0\""));
}

TEST(RobustnessTest, InconsistentAndDegenerateCellsDoNotBreakComparisons) {
  ResultSet set = testing::FixtureResultSet();
  set.cells[0].result.reset();                       // ok without a result
  set.cells[1].result->metrics->latency_ms = {};     // a timer too coarse: p50 = 0
  set.cells[1].result->predictions.clear();          // no predictions
  set.cells.push_back(set.cells[4]);                 // a second fp32 for arm64-emu
  set.cells.back().id = "dup";
  std::vector<Comparison> c = CompareToBaselines(set);
  EXPECT_FALSE(c[0].accuracy_ci95.has_value());
  EXPECT_FALSE(c[1].baseline.has_value());  // its fp32 (cell 0) has no result any more
  set.cells[0] = testing::FixtureResultSet().cells[0];
  c = CompareToBaselines(set);
  EXPECT_FALSE(c[1].speedup.has_value());
  EXPECT_FALSE(c[1].agreement.has_value());
  EXPECT_TRUE(c[1].accuracy_delta.has_value());
  for (Format f : kAllFormats) EXPECT_FALSE(Render(set, f).empty());
}

// Random strings built from pieces that break each output language if left unescaped.
std::string Hostile(std::mt19937& rng) {
  static const char* kPieces[] = {"<b>", "</td>", "&amp;", "\"", "'", "|", ",", "\n", "\r\n",
                                  "\x01", "]]>", "-->", "`", "*", "\\", "\xc3\xa9", "x", " "};
  std::string s;
  for (int i = 0, n = 1 + static_cast<int>(rng() % 8); i < n; ++i) s += kPieces[rng() % 18];
  return s;
}

TEST(RobustnessTest, HostileStringsEverywhereStayText) {
  std::mt19937 rng(7);  // fixed: reproducible
  for (int round = 0; round < 50; ++round) {
    ResultSet set = testing::FixtureResultSet();
    set.run.matrix_name = Hostile(rng);
    for (Cell& cell : set.cells) {
      cell.model = Hostile(rng);
      cell.target = Hostile(rng);
      cell.reason = Hostile(rng);
      for (auto& [name, value] : cell.axes) value = Hostile(rng);
      if (cell.result) cell.result->stamp.device = Hostile(rng);
    }
    const std::string html = Render(set, Format::kHtml);
    EXPECT_THAT(html, Not(HasSubstr("<b>")));
    const std::string md = Render(set, Format::kMarkdown);
    EXPECT_THAT(md, Not(HasSubstr("<b>")));
    const std::string junit = Render(set, Format::kJunit);
    EXPECT_THAT(junit, Not(HasSubstr("<b>")));
    EXPECT_THAT(junit, Not(HasSubstr("\x01")));
    nlohmann::json report = nlohmann::json::parse(Render(set, Format::kJson), nullptr, false);
    EXPECT_FALSE(report.is_discarded());
    EXPECT_EQ(report["cells"].size(), set.cells.size());
  }
}

TEST(RobustnessTest, MarkdownTableRowsKeepTheirColumnCount) {
  std::mt19937 rng(11);
  ResultSet set = testing::FixtureResultSet();
  for (Cell& cell : set.cells) cell.model = Hostile(rng) + "|" + Hostile(rng);
  std::istringstream lines(Render(set, Format::kMarkdown));
  auto pipes = [](const std::string& line) {
    int n = 0;
    for (size_t i = 0; i < line.size(); ++i) n += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    return n;
  };
  int expected = -1, rows = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| model", 0) == 0) {
      expected = pipes(line);
    } else if (line.rfind("|", 0) == 0) {
      EXPECT_EQ(pipes(line), expected) << line;
      ++rows;
    } else {
      expected = line.empty() ? expected : -1;
    }
  }
  EXPECT_EQ(rows, 2 + 11);  // two separator lines + one line per cell
}

}  // namespace
}  // namespace bsb::reports
