// Markdown report for a CI step summary ($GITHUB_STEP_SUMMARY): a status line, gate
// findings, then the native and emulated tables. Every outside string is MarkdownEscape'd.
#include <map>
#include <ostream>
#include <string>

#include "reports/format.h"
#include "reports/report.h"

namespace bsb::reports {

namespace {

std::string Dash(const std::string& text) { return text.empty() ? "—" : text; }

std::string AccuracyCell(const Comparison& c, const protocol::Metrics& m) {
  std::string text = Percent(m.accuracy);
  if (c.accuracy_ci95) {
    text += " [" + Fixed(c.accuracy_ci95->low * 100, 1) + ", " +
            Fixed(c.accuracy_ci95->high * 100, 1) + "]";
  }
  return text;
}

std::string DeltaCell(const Cell& cell, const Comparison& c) {
  if (cell.scheme == "fp32" || !c.accuracy_delta) return "";
  std::string text = Signed(*c.accuracy_delta * 100, 2) + " pp";
  if (c.accuracy_delta_ci95) {
    text += " [" + Signed(c.accuracy_delta_ci95->low * 100, 2) + ", " +
            Signed(c.accuracy_delta_ci95->high * 100, 2) + "]";
  }
  return text;
}

std::string StatusCell(const Cell& cell) {
  std::string text = CellStatusName(cell.status);
  if (cell.status != CellStatus::kOk && !cell.reason.empty()) {
    text += ": " + MarkdownEscape(cell.reason);
  }
  if (cell.attempts > 1) text += " (" + std::to_string(cell.attempts) + " attempts)";
  return text;
}

void Section(const Analysis& a, bool emulated, std::ostream& out) {
  out << "\n## " << (emulated ? "Emulated targets" : "Native targets") << "\n\n";
  if (emulated) out << "> " << kEmulatedCaveat << "\n\n";
  bool any = false;
  for (size_t i : a.order) any = any || IsEmulated(a.set.cells[i]) == emulated;
  if (!any) {
    out << "No cells.\n";
    return;
  }
  out << "| model | scheme | target | status | size | size ratio | accuracy [95% CI] | "
         "Δ accuracy vs fp32 [95% CI] | agreement | ";
  out << (emulated ? "speedup (emulated) |\n" : "p50 ms | p95 ms | speedup |\n");
  out << "|---|---|---|---|--:|--:|--:|--:|--:|" << (emulated ? "--:|\n" : "--:|--:|--:|\n");
  for (size_t i : a.order) {
    const Cell& cell = a.set.cells[i];
    if (IsEmulated(cell) != emulated) continue;
    const Comparison& c = a.comparisons[i];
    std::string target = cell.target;
    std::string axes = AxesLabel(cell);
    if (!axes.empty()) target += " [" + axes + "]";
    out << "| " << MarkdownEscape(cell.model) << " | " << MarkdownEscape(cell.scheme) << " | "
        << MarkdownEscape(target) << " | " << StatusCell(cell) << " | ";
    const bool measured = cell.status == CellStatus::kOk && cell.result && cell.result->metrics;
    if (!measured) {
      out << "— | — | — | — | — | " << (emulated ? "— |\n" : "— | — | — |\n");
      continue;
    }
    const protocol::Metrics& m = *cell.result->metrics;
    out << Bytes(static_cast<double>(m.size_bytes)) << " | "
        << (c.size_ratio ? Ratio(*c.size_ratio) : "—") << " | " << AccuracyCell(c, m) << " | "
        << Dash(DeltaCell(cell, c)) << " | " << (c.agreement ? Percent(*c.agreement) : "—")
        << " | ";
    if (!emulated) {
      out << Fixed(m.latency_ms.p50, 3) << " | " << Fixed(m.latency_ms.p95, 3) << " | ";
    }
    out << (c.speedup ? Ratio(*c.speedup) : "—") << " |\n";
  }
}

}  // namespace

void RenderMarkdown(const Analysis& a, std::ostream& out) {
  const RunInfo& run = a.set.run;
  out << "# bsb-matrix report: " << MarkdownEscape(run.matrix_name) << "\n\n";
  out << "Run " << MarkdownEscape(run.id) << ", started " << MarkdownEscape(run.started_at);
  if (!run.finished_at.empty()) out << ", finished " << MarkdownEscape(run.finished_at);
  out << ", bsb-matrix " << MarkdownEscape(run.orchestrator_version) << ".\n\n";

  std::map<std::string, int> counts;
  for (const Cell& cell : a.set.cells) ++counts[CellStatusName(cell.status)];
  out << "**" << a.set.cells.size() << " cells:**";
  const char* separator = " ";
  for (const auto& [status, count] : counts) {
    out << separator << count << " " << status;
    separator = ", ";
  }
  out << ".\n";

  if (!GateSummary(a.set.gates).empty()) {
    out << "\n### Gates\n\n";
    if (a.findings.empty()) out << GateSummary(a.set.gates) << ": passed.\n";
    for (const GateFinding& f : a.findings) out << "- ❌ " << MarkdownEscape(f.message) << "\n";
  }
  Section(a, /*emulated=*/false, out);
  Section(a, /*emulated=*/true, out);
  out << "\nAccuracy intervals: Wilson score (95%); Δ vs fp32: Newcombe hybrid score interval "
         "(95%). Speedup: fp32 p50 latency / this p50 latency.\n";
}

}  // namespace bsb::reports
