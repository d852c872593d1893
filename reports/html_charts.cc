#include "reports/html_charts.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <sstream>
#include <vector>

#include "reports/format.h"

namespace bsb::reports {

namespace {

bool Measured(const Cell& cell) {
  return cell.status == CellStatus::kOk && cell.result && cell.result->metrics;
}

// At most `max_bytes` of `text`, cut on a UTF-8 character boundary, with "…" when cut.
std::string Shorten(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "\u2026";
}

// A "nice" upper bound for an axis with four tick intervals: 1, 2, 4 or 8 times a power of
// ten (so a quarter of it is round too), at least `value`.
double NiceCeiling(double value) {
  if (value <= 0) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(value)));
  for (double step : {1.0, 2.0, 4.0, 8.0, 10.0}) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

// Shortest of 0..3 decimals that shows `value` exactly enough for a tick.
std::string TickLabel(double value) {
  for (int decimals = 0; decimals < 3; ++decimals) {
    const double scale = std::pow(10.0, decimals);
    if (std::fabs(value * scale - std::round(value * scale)) < 1e-6) return Fixed(value, decimals);
  }
  return Fixed(value, 3);
}

}  // namespace

const char* SchemeColour(std::string_view scheme) {
  static constexpr std::array<const char*, 8> kColours = {
      "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#b8860b", "#b07aa1", "#9c755f"};
  return kColours[static_cast<size_t>(std::min(SchemeRank(scheme), 7))];
}

std::string SizeAccuracyChart(const Analysis& a, const std::string& model) {
  constexpr double kWidth = 420, kHeight = 260, kLeft = 56, kRight = 16, kTop = 28,
                   kBottom = 44;
  constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
  std::vector<size_t> cells;
  double max_kib = 0, min_acc = 1;
  for (size_t i : a.order) {
    const Cell& cell = a.set.cells[i];
    if (cell.model != model || !Measured(cell)) continue;
    cells.push_back(i);
    max_kib = std::max(max_kib, static_cast<double>(cell.result->metrics->size_bytes) / 1024);
    const auto& ci = a.comparisons[i].accuracy_ci95;
    min_acc = std::min(min_acc, ci ? ci->low : cell.result->metrics->accuracy);
  }
  if (cells.empty()) return "";
  const double x_max = NiceCeiling(max_kib * 1.1);
  // Accuracy axis from a tenth below the lowest interval, so small deltas stay visible.
  const double y_min = std::max(0.0, std::floor(min_acc * 10 - 0.5) / 10);
  auto x = [&](double kib) { return kLeft + kib / x_max * kPlotW; };
  auto y = [&](double acc) { return kTop + (1 - (acc - y_min) / (1 - y_min)) * kPlotH; };

  std::ostringstream svg;
  svg << "<svg class=\"chart\" role=\"img\" width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" viewBox=\"0 0 " << kWidth << " " << kHeight << "\"><title>Size and accuracy: "
      << HtmlEscape(model) << "</title>\n";
  svg << "<text x=\"" << kLeft << "\" y=\"16\" class=\"chart-title\">" << HtmlEscape(Shorten(model, 48))
      << "</text>\n";
  for (int t = 0; t <= 4; ++t) {
    const double acc = y_min + (1 - y_min) * t / 4, kib = x_max * t / 4;
    svg << "<line class=\"grid\" x1=\"" << kLeft << "\" x2=\"" << kLeft + kPlotW << "\" y1=\""
        << Fixed(y(acc), 1) << "\" y2=\"" << Fixed(y(acc), 1) << "\"/>"
        << "<text class=\"tick\" text-anchor=\"end\" x=\"" << kLeft - 4 << "\" y=\""
        << Fixed(y(acc) + 4, 1) << "\">" << TickLabel(acc * 100) << "%</text>"
        << "<text class=\"tick\" text-anchor=\"middle\" x=\"" << Fixed(x(kib), 1) << "\" y=\""
        << kTop + kPlotH + 16 << "\">" << TickLabel(kib) << "</text>\n";
  }
  svg << "<text class=\"axis\" text-anchor=\"middle\" x=\"" << kLeft + kPlotW / 2 << "\" y=\""
      << kHeight - 6 << "\">model size (KiB)</text>\n";
  std::set<std::string> schemes;
  for (size_t i : cells) {
    const Cell& cell = a.set.cells[i];
    const protocol::Metrics& m = *cell.result->metrics;
    const double cx = x(static_cast<double>(m.size_bytes) / 1024), cy = y(m.accuracy);
    const char* colour = SchemeColour(cell.scheme);
    if (const auto& ci = a.comparisons[i].accuracy_ci95) {
      svg << "<line class=\"ci\" stroke=\"" << colour << "\" x1=\"" << Fixed(cx, 1) << "\" x2=\""
          << Fixed(cx, 1) << "\" y1=\"" << Fixed(y(ci->low), 1) << "\" y2=\""
          << Fixed(y(ci->high), 1) << "\"/>";
    }
    svg << "<circle r=\"4.5\" fill=\"" << colour << "\" cx=\"" << Fixed(cx, 1) << "\" cy=\""
        << Fixed(cy, 1) << "\"><title>" << HtmlEscape(cell.scheme) << " on "
        << HtmlEscape(cell.target) << ": " << Bytes(static_cast<double>(m.size_bytes)) << ", "
        << Percent(m.accuracy) << "</title></circle>\n";
    schemes.insert(cell.scheme);
  }
  // Legend: schemes in DESIGN order along the top right.
  std::vector<std::string> legend(schemes.begin(), schemes.end());
  std::sort(legend.begin(), legend.end(), [](const std::string& l, const std::string& r) {
    return SchemeRank(l) != SchemeRank(r) ? SchemeRank(l) < SchemeRank(r) : l < r;
  });
  double ly = kTop + 4;
  for (const std::string& scheme : legend) {
    svg << "<circle r=\"4\" fill=\"" << SchemeColour(scheme) << "\" cx=\"" << kLeft + kPlotW - 86
        << "\" cy=\"" << ly << "\"/><text class=\"tick\" x=\"" << kLeft + kPlotW - 78 << "\" y=\""
        << ly + 4 << "\">" << HtmlEscape(Shorten(scheme, 14)) << "</text>\n";
    ly += 14;
  }
  svg << "</svg>";
  return svg.str();
}

std::string LatencyChart(const Analysis& a, const std::string& target) {
  constexpr double kWidth = 640, kLeft = 210, kRight = 24, kTop = 28, kRowH = 22, kBottom = 40;
  constexpr double kPlotW = kWidth - kLeft - kRight;
  std::vector<size_t> cells;
  double max_ms = 0;
  for (size_t i : a.order) {
    const Cell& cell = a.set.cells[i];
    if (cell.target != target || !Measured(cell) || IsEmulated(cell)) continue;
    cells.push_back(i);
    max_ms = std::max(max_ms, cell.result->metrics->latency_ms.p95);
  }
  if (cells.empty()) return "";
  const double x_max = NiceCeiling(max_ms * 1.05);
  const double plot_h = kRowH * static_cast<double>(cells.size());
  const double height = kTop + plot_h + kBottom;
  auto x = [&](double ms) { return kLeft + ms / x_max * kPlotW; };

  std::ostringstream svg;
  svg << "<svg class=\"chart\" role=\"img\" width=\"" << kWidth << "\" height=\""
      << Fixed(height, 0) << "\" viewBox=\"0 0 " << kWidth << " " << Fixed(height, 0)
      << "\"><title>Latency on " << HtmlEscape(target) << "</title>\n";
  svg << "<text x=\"" << kLeft << "\" y=\"16\" class=\"chart-title\">"
      << HtmlEscape(Shorten(target, 48)) << ": p50 latency, whisker to p95</text>\n";
  for (int t = 0; t <= 4; ++t) {
    const double ms = x_max * t / 4;
    svg << "<line class=\"grid\" x1=\"" << Fixed(x(ms), 1) << "\" x2=\"" << Fixed(x(ms), 1)
        << "\" y1=\"" << kTop << "\" y2=\"" << Fixed(kTop + plot_h, 1) << "\"/><text class=\"tick\" "
        << "text-anchor=\"middle\" x=\"" << Fixed(x(ms), 1) << "\" y=\""
        << Fixed(kTop + plot_h + 16, 1) << "\">" << TickLabel(ms) << "</text>\n";
  }
  svg << "<text class=\"axis\" text-anchor=\"middle\" x=\"" << kLeft + kPlotW / 2 << "\" y=\""
      << Fixed(height - 6, 0) << "\">milliseconds per single-sample inference</text>\n";
  double row_y = kTop;
  for (size_t i : cells) {
    const Cell& cell = a.set.cells[i];
    const protocol::LatencyMs& l = cell.result->metrics->latency_ms;
    std::string label = cell.model + " " + cell.scheme;
    std::string axes = AxesLabel(cell);
    if (!axes.empty()) label += " [" + axes + "]";
    const double mid = row_y + kRowH / 2;
    svg << "<text class=\"tick\" text-anchor=\"end\" x=\"" << kLeft - 6 << "\" y=\""
        << Fixed(mid + 4, 1) << "\">" << HtmlEscape(Shorten(label, 34)) << "</text>"
        << "<rect fill=\"" << SchemeColour(cell.scheme) << "\" x=\"" << kLeft << "\" y=\""
        << Fixed(row_y + 4, 1) << "\" width=\"" << Fixed(x(l.p50) - kLeft, 1) << "\" height=\""
        << Fixed(kRowH - 8, 1) << "\"><title>" << HtmlEscape(label) << ": p50 "
        << Fixed(l.p50, 3) << " ms, p95 " << Fixed(l.p95, 3) << " ms</title></rect>"
        << "<line class=\"whisker\" x1=\"" << Fixed(x(l.p50), 1) << "\" x2=\"" << Fixed(x(l.p95), 1)
        << "\" y1=\"" << Fixed(mid, 1) << "\" y2=\"" << Fixed(mid, 1) << "\"/>"
        << "<line class=\"whisker\" x1=\"" << Fixed(x(l.p95), 1) << "\" x2=\"" << Fixed(x(l.p95), 1)
        << "\" y1=\"" << Fixed(mid - 5, 1) << "\" y2=\"" << Fixed(mid + 5, 1) << "\"/>\n";
    row_y += kRowH;
  }
  svg << "</svg>";
  return svg.str();
}

}  // namespace bsb::reports
