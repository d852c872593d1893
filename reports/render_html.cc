// The HTML report: one self-contained file. Inline CSS, inline SVG, a few lines of inline
// JS to sort tables (the page reads fine without it), a Content-Security-Policy that forbids
// every network request, and HtmlEscape on every string that came from outside.
#include <iterator>
#include <map>
#include <ostream>
#include <set>
#include <string>

#include "reports/format.h"
#include "reports/html_charts.h"
#include "reports/report.h"

namespace bsb::reports {

namespace {

constexpr const char* kStyle = R"css(
:root{--fg:#1d2433;--muted:#5b6475;--line:#d9dee7;--bg:#fff;--band:#f5f7fa;--bad:#b42318;--good:#067647;--warn:#b54708}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0 auto;padding:24px 32px;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;padding-top:8px;border-top:2px solid var(--line)}h3{font-size:15px;margin:16px 0 8px}
.meta{color:var(--muted);margin:0 0 16px}
.badges span{display:inline-block;margin:0 6px 6px 0;padding:2px 10px;border-radius:12px;background:var(--band);border:1px solid var(--line)}
.badges .st-failed,.badges .st-timeout,.badges .st-unreachable,.badges .st-transport,.badges .st-interrupted{border-color:var(--bad);color:var(--bad)}
.findings{border-left:4px solid var(--bad);background:#fef3f2;padding:8px 12px;margin:8px 0}
.passed{border-left:4px solid var(--good);background:#ecfdf3;padding:8px 12px;margin:8px 0}
.caveat{border-left:4px solid var(--warn);background:#fffaeb;padding:8px 12px;margin:8px 0;max-width:1000px}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:13px;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--band);position:sticky;top:0;cursor:pointer;user-select:none;vertical-align:bottom}
th[aria-sort=ascending]::after{content:" \25B2"}th[aria-sort=descending]::after{content:" \25BC"}
td.num{text-align:right;white-space:nowrap}td.num .ci{display:block}
td.name{min-width:7em;max-width:260px;overflow-wrap:anywhere}
tr.st-failed td,tr.st-timeout td,tr.st-unreachable td,tr.st-transport td,tr.st-interrupted td{background:#fef3f2}
tr.st-unsupported td{color:var(--muted);background:var(--band)}
tr.gate td{background:#fef3f2}
.status{font-weight:600}.reason{font-weight:400;color:var(--muted);font-size:12px;overflow-wrap:anywhere;min-width:12em;max-width:300px}
.ci{color:var(--muted);font-size:12px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
svg.chart{border:1px solid var(--line);background:#fff}
svg .grid{stroke:#e8ebf0}svg .tick{font-size:11px;fill:var(--muted)}svg .axis{font-size:11px;fill:var(--fg)}
svg .chart-title{font-size:13px;font-weight:600;fill:var(--fg)}svg .whisker{stroke:#1d2433;stroke-width:1.5}svg .ci{stroke-width:2;opacity:.5}
footer{color:var(--muted);font-size:12px;margin-top:32px;border-top:1px solid var(--line);padding-top:8px}
)css";

// Click a header to sort by that column; numbers by data-sort, else by text.
constexpr const char* kScript = R"js(
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, column) {
    th.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      function key(row) {
        var cell = row.cells[column];
        var v = cell.getAttribute("data-sort");
        return v !== null && v !== "" && !isNaN(v) ? parseFloat(v) : cell.textContent.trim().toLowerCase();
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        if (typeof x !== typeof y) { x = String(x); y = String(y); }
        return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
document.documentElement.setAttribute("data-sorting", "ready");
)js";

constexpr const char* kNative[] = {
    "Model", "Scheme", "Target", "Status",
    "Size", "Size ratio", "Accuracy [95% CI]",
    "\u0394 vs fp32 [95% CI]", "Agreement", "p50 ms",
    "p95 ms", "Speedup", "Peak RSS", "Arena"};
constexpr const char* kEmulated[] = {
    "Model", "Scheme", "Target", "Status",
    "Size", "Size ratio", "Accuracy [95% CI]",
    "\u0394 vs fp32 [95% CI]", "Agreement",
    "Speedup (emulated, indicative)", "Arena"};
// Model, Scheme, Target and Status come first; the rest are numbers, blank when unmeasured.
constexpr int kTextColumns = 4;

// A numeric table cell: shown text plus the raw value to sort by.
std::string Num(const std::string& shown, const std::string& sort_value) {
  return "<td class=\"num\" data-sort=\"" + sort_value + "\">" + shown + "</td>";
}
std::string Empty() { return "<td class=\"num\" data-sort=\"\">\u2014</td>"; }

std::string IntervalText(const std::optional<Interval>& ci, double scale, bool sign) {
  if (!ci) return "";
  auto f = [&](double v) { return sign ? Signed(v * scale, 2) : Fixed(v * scale, 1); };
  return "<span class=\"ci\"> [" + f(ci->low) + ", " + f(ci->high) + "]</span>";
}

void Row(const Analysis& a, size_t i, bool emulated, const std::set<size_t>& gated,
         std::ostream& out) {
  const Cell& cell = a.set.cells[i];
  const Comparison& c = a.comparisons[i];
  out << "<tr class=\"st-" << CellStatusName(cell.status) << (gated.count(i) ? " gate" : "")
      << "\" data-cell=\"" << HtmlEscape(cell.id) << "\">";
  out << "<td class=\"name\">" << HtmlEscape(cell.model) << "</td><td>" << HtmlEscape(cell.scheme)
      << "</td><td class=\"name\">" << HtmlEscape(cell.target);
  if (!cell.axes.empty()) out << "<div class=\"ci\">" << HtmlEscape(AxesLabel(cell)) << "</div>";
  out << "</td>";
  out << "<td><span class=\"status\">" << CellStatusName(cell.status) << "</span>";
  if (cell.attempts > 1) out << " <span class=\"ci\">(" << cell.attempts << " attempts)</span>";
  if (!cell.reason.empty()) out << "<div class=\"reason\">" << HtmlEscape(cell.reason) << "</div>";
  out << "</td>";
  const int empty_columns =
      static_cast<int>(emulated ? std::size(kEmulated) : std::size(kNative)) - kTextColumns;
  if (cell.status != CellStatus::kOk || !cell.result || !cell.result->metrics) {
    for (int k = 0; k < empty_columns; ++k) out << Empty();
    out << "</tr>\n";
    return;
  }
  const protocol::Metrics& m = *cell.result->metrics;
  out << Num(Bytes(static_cast<double>(m.size_bytes)), std::to_string(m.size_bytes));
  out << (c.size_ratio ? Num(Ratio(*c.size_ratio), Fixed(*c.size_ratio, 6)) : Empty());
  out << Num(Percent(m.accuracy) + IntervalText(c.accuracy_ci95, 100, false), Fixed(m.accuracy, 6));
  if (cell.scheme != "fp32" && c.accuracy_delta) {
    out << Num(Signed(*c.accuracy_delta * 100, 2) + " pp" +
                   IntervalText(c.accuracy_delta_ci95, 100, true),
               Fixed(*c.accuracy_delta, 6));
  } else {
    out << (cell.scheme == "fp32" ? Num("baseline", "0") : Empty());
  }
  out << (c.agreement ? Num(Percent(*c.agreement), Fixed(*c.agreement, 6)) : Empty());
  if (!emulated) {
    out << Num(Fixed(m.latency_ms.p50, 3), Fixed(m.latency_ms.p50, 6))
        << Num(Fixed(m.latency_ms.p95, 3), Fixed(m.latency_ms.p95, 6));
  }
  out << (c.speedup ? Num(Ratio(*c.speedup), Fixed(*c.speedup, 6)) : Empty());
  if (!emulated) {
    out << (m.peak_rss_bytes ? Num(Bytes(static_cast<double>(*m.peak_rss_bytes)),
                                   std::to_string(*m.peak_rss_bytes))
                             : Empty());
  }
  out << (m.arena_bytes ? Num(Bytes(static_cast<double>(*m.arena_bytes)),
                              std::to_string(*m.arena_bytes))
                        : Empty());
  out << "</tr>\n";
}

void Section(const Analysis& a, bool emulated, const std::set<size_t>& gated, std::ostream& out) {
  const char* id = emulated ? "emulated" : "native";
  out << "<section id=\"" << id << "\">\n<h2>" << (emulated ? "Emulated targets" : "Native targets")
      << "</h2>\n";
  if (emulated) out << "<p class=\"caveat\">" << HtmlEscape(kEmulatedCaveat) << "</p>\n";
  std::set<std::string> targets;
  size_t rows = 0;
  for (size_t i : a.order) {
    if (IsEmulated(a.set.cells[i]) != emulated) continue;
    targets.insert(a.set.cells[i].target);
    ++rows;
  }
  if (rows == 0) {
    out << "<p>No cells ran on " << id << " targets.</p>\n</section>\n";
    return;
  }
  if (!emulated) {
    out << "<div class=\"charts\">\n";
    for (const std::string& target : targets) out << LatencyChart(a, target) << "\n";
    out << "</div>\n";
  }
  out << "<div class=\"scroll\"><table class=\"sortable\" id=\"" << id << "-table\"><thead><tr>";
  if (emulated) {
    for (const char* title : kEmulated) out << "<th scope=\"col\">" << title << "</th>";
  } else {
    for (const char* title : kNative) out << "<th scope=\"col\">" << title << "</th>";
  }
  out << "</tr></thead>\n<tbody>\n";
  for (size_t i : a.order) {
    if (IsEmulated(a.set.cells[i]) == emulated) Row(a, i, emulated, gated, out);
  }
  out << "</tbody></table></div>\n</section>\n";
}

void Header(const Analysis& a, std::ostream& out) {
  const RunInfo& run = a.set.run;
  out << "<header><h1>bsb-matrix report: " << HtmlEscape(run.matrix_name) << "</h1>\n"
      << "<p class=\"meta\">Run <code>" << HtmlEscape(run.id) << "</code> of <code>"
      << HtmlEscape(run.matrix_path) << "</code> \u00b7 started " << HtmlEscape(run.started_at);
  if (!run.finished_at.empty()) out << " \u00b7 finished " << HtmlEscape(run.finished_at);
  out << " \u00b7 bsb-matrix " << HtmlEscape(run.orchestrator_version);
  if (run.host) {
    out << " \u00b7 host " << HtmlEscape(run.host->hostname) << " (" << HtmlEscape(run.host->device)
        << ", " << HtmlEscape(run.host->arch) << ")";
  }
  out << "</p></header>\n";

  std::map<std::string, int> counts;
  for (const Cell& cell : a.set.cells) ++counts[CellStatusName(cell.status)];
  out << "<section id=\"summary\"><div class=\"badges\">" << a.set.cells.size() << " cells: ";
  for (const auto& [status, count] : counts) {
    out << "<span class=\"st-" << status << "\">" << count << " " << status << "</span>";
  }
  out << "</div>\n";
  if (!GateSummary(a.set.gates).empty()) {
    if (a.findings.empty()) {
      out << "<p class=\"passed\">Gates " << HtmlEscape(GateSummary(a.set.gates))
          << ": passed.</p>\n";
    } else {
      out << "<div class=\"findings\" id=\"gate-findings\"><strong>Gates failed</strong><ul>\n";
      for (const GateFinding& f : a.findings) out << "<li>" << HtmlEscape(f.message) << "</li>\n";
      out << "</ul></div>\n";
    }
  }
  out << "</section>\n";
}

void SizeAccuracySection(const Analysis& a, std::ostream& out) {
  std::set<std::string> models;
  for (const Cell& cell : a.set.cells) models.insert(cell.model);
  std::string charts;
  for (const std::string& model : models) charts += SizeAccuracyChart(a, model);
  if (charts.empty()) return;
  out << "<section id=\"size-accuracy\"><h2>Size and accuracy</h2>\n<p class=\"meta\">Per model, "
         "every measured cell (all targets: size and accuracy do not depend on emulation). "
         "Bars: Wilson 95% interval.</p>\n<div class=\"charts\">"
      << charts << "</div></section>\n";
}

}  // namespace

void RenderHtml(const Analysis& a, std::ostream& out) {
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>bsb-matrix report: " << HtmlEscape(a.set.run.matrix_name) << "</title>\n"
      << "<style>" << kStyle << "</style></head>\n<body>\n";
  std::set<size_t> gated;
  for (const GateFinding& f : a.findings) gated.insert(f.cell);
  Header(a, out);
  SizeAccuracySection(a, out);
  Section(a, /*emulated=*/false, gated, out);
  Section(a, /*emulated=*/true, gated, out);
  out << "<footer>Accuracy: top-1 over the cell's samples, Wilson score 95% interval. "
         "\u0394 vs fp32: accuracy minus the fp32 cell's of the same model, target and axes, "
         "Newcombe hybrid score 95% interval (conservative for a shared test set). Agreement: "
         "share of samples whose top-1 label equals the fp32 cell's. Speedup: fp32 p50 / this "
         "p50. Size ratio: this model file / fp32 model file.</footer>\n";
  out << "<script>" << kScript << "</script>\n</body></html>\n";
}

}  // namespace bsb::reports
