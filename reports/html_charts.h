// Inline SVG charts for the HTML report. No external resources; every label HTML-escaped.
#pragma once

#include <string>
#include <string_view>

#include "reports/report.h"

namespace bsb::reports {

// Size (x) against top-1 accuracy (y) of every measured cell of `model`, one colour per
// scheme, Wilson 95% interval as a vertical bar. All targets: size and accuracy are exact
// even when emulated.
std::string SizeAccuracyChart(const Analysis& analysis, const std::string& model);

// p50 latency bars with a whisker to p95, one row per measured cell of a native `target`.
// Never called for emulated targets: their absolute latency is not a result.
std::string LatencyChart(const Analysis& analysis, const std::string& target);

// A fixed colour per scheme (DESIGN §2 order), shared by the charts and the legend.
const char* SchemeColour(std::string_view scheme);

}  // namespace bsb::reports
