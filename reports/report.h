// The reports' entry point: a ResultSet in, one document out. Pure: no clock, no files, no
// environment — the same set renders the same bytes (golden-file tests rely on it).
#pragma once

#include <optional>
#include <ostream>
#include <string_view>
#include <vector>

#include "reports/comparison.h"
#include "reports/result_set.h"
#include "support/result.h"

namespace bsb::reports {

enum class Format { kHtml, kMarkdown, kCsv, kJson, kJunit };

// "html", "md" (or "markdown"), "csv", "json", "junit".
std::optional<Format> FormatFromName(std::string_view name);

// Writes the report. Fails only when the stream does (disk full, closed pipe).
bsb::Status RenderReport(const ResultSet& set, Format format, std::ostream& out);

// What every renderer needs, computed once.
struct Analysis {
  const ResultSet& set;
  std::vector<Comparison> comparisons;  // per cell, ResultSet::cells order
  std::vector<GateFinding> findings;
  std::vector<size_t> order;            // ReportOrder(set)
};
Analysis Analyze(const ResultSet& set);

void RenderHtml(const Analysis& analysis, std::ostream& out);
void RenderMarkdown(const Analysis& analysis, std::ostream& out);
void RenderCsv(const Analysis& analysis, std::ostream& out);
void RenderJson(const Analysis& analysis, std::ostream& out);
void RenderJunit(const Analysis& analysis, std::ostream& out);

// The seed methodology's caveat for emulated results, shared by HTML and Markdown.
extern const char* const kEmulatedCaveat;

}  // namespace bsb::reports
