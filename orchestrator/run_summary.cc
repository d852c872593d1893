#include "orchestrator/run_summary.h"

#include <map>

namespace bsb {
namespace {

std::string Percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", 100.0 * share);
  return buf;
}

std::string Points(double delta) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.2f pp", 100.0 * delta);
  return buf;
}

std::string Ratio(double r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fx", r);
  return buf;
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

RunVerdict Judge(const reports::ResultSet& set) {
  RunVerdict v;
  v.comparisons = reports::CompareToBaselines(set);
  v.findings = reports::EvaluateGates(set, v.comparisons);
  for (const reports::Cell& c : set.cells) {
    switch (c.status) {
      case reports::CellStatus::kOk: ++v.ok; break;
      case reports::CellStatus::kUnsupported: ++v.unsupported; break;
      case reports::CellStatus::kInterrupted: ++v.interrupted; break;
      default: ++v.not_ok; break;
    }
  }
  return v;
}

void PrintSummary(std::FILE* out, const reports::ResultSet& set, const RunVerdict& v, bool quiet,
                  const std::string& db_path) {
  std::map<std::string, int> by_status;
  for (const reports::Cell& c : set.cells) ++by_status[reports::CellStatusName(c.status)];
  std::string counts;
  for (const auto& [status, n] : by_status) counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + status;
  std::fprintf(out, "run %s (%s): %zu cells: %s\n", set.run.id.c_str(), set.run.matrix_name.c_str(), set.cells.size(),
               counts.c_str());

  const bool any_measured = v.ok > 0;
  if (!quiet && any_measured) {
    std::fprintf(out, "  %-12s %-13s %-12s %9s %11s %9s %7s %8s  %s\n", "model", "scheme", "target", "accuracy",
                 "vs fp32", "agreement", "size", "speedup", "");
    for (size_t i : reports::ReportOrder(set)) {
      const reports::Cell& c = set.cells[i];
      if (c.status != reports::CellStatus::kOk || !c.result || !c.result->metrics) continue;
      const reports::Comparison& cmp = v.comparisons[i];
      const bool emulated = reports::IsEmulated(c);
      std::fprintf(out, "  %-12s %-13s %-12s %9s %11s %9s %7s %8s  %s\n", c.model.c_str(), c.scheme.c_str(),
                   c.target.c_str(), Percent(c.result->metrics->accuracy).c_str(),
                   cmp.accuracy_delta ? Points(*cmp.accuracy_delta).c_str() : "-",
                   cmp.agreement ? Percent(*cmp.agreement).c_str() : "-",
                   cmp.size_ratio ? Ratio(*cmp.size_ratio).c_str() : "-",
                   cmp.speedup ? Ratio(*cmp.speedup).c_str() : "-", emulated ? "(emulated: ratios only)" : "");
    }
  }
  for (size_t i : reports::ReportOrder(set)) {
    const reports::Cell& c = set.cells[i];
    if (c.status == reports::CellStatus::kOk || c.status == reports::CellStatus::kUnsupported) continue;
    std::fprintf(out, "%s: %s: %s\n", reports::CellStatusName(c.status), reports::CellTitle(c).c_str(),
                 FirstLine(c.reason).c_str());
  }
  for (const reports::GateFinding& f : v.findings) std::fprintf(out, "gate failed: %s\n", f.message.c_str());
  if (!quiet) {
    std::fprintf(out, "report: bsb-matrix report --db %s --run %s --html -o report.html\n", db_path.c_str(),
                 set.run.id.c_str());
  }
}

}  // namespace bsb
