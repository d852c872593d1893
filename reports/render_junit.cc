// JUnit XML: one <testsuite> per target, one <testcase> per cell. failed → <failure>;
// timeout, unreachable, transport, interrupted → <error> (the infrastructure, not the
// model); unsupported → <skipped>; a breached gate → <failure> naming the cell. XML-escaped.
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "reports/format.h"
#include "reports/report.h"

namespace bsb::reports {

namespace {

enum class Outcome { kPass, kFailure, kError, kSkipped };

struct Case {
  size_t cell;
  Outcome outcome = Outcome::kPass;
  std::string type;     // failure/error type attribute
  std::string message;  // failure/error/skipped message
};

Outcome OutcomeOf(CellStatus status) {
  switch (status) {
    case CellStatus::kOk: return Outcome::kPass;
    case CellStatus::kFailed: return Outcome::kFailure;
    case CellStatus::kUnsupported: return Outcome::kSkipped;
    case CellStatus::kTimeout:
    case CellStatus::kUnreachable:
    case CellStatus::kTransport:
    case CellStatus::kInterrupted: return Outcome::kError;
  }
  return Outcome::kError;
}

std::string CaseName(const Cell& cell) {
  std::string name = cell.model + "/" + cell.scheme;
  std::string axes = AxesLabel(cell);
  if (!axes.empty()) name += " [" + axes + "]";
  return name + " (" + cell.id + ")";
}

}  // namespace

void RenderJunit(const Analysis& a, std::ostream& out) {
  std::map<size_t, const GateFinding*> gate_by_cell;
  for (const GateFinding& f : a.findings) gate_by_cell.emplace(f.cell, &f);

  // Targets in report order of first appearance would depend on models; sort by name.
  std::map<std::string, std::vector<Case>> suites;
  for (size_t i : a.order) {
    const Cell& cell = a.set.cells[i];
    Case c{i, OutcomeOf(cell.status), CellStatusName(cell.status), cell.reason};
    if (c.outcome == Outcome::kPass) {
      auto gate = gate_by_cell.find(i);
      if (gate != gate_by_cell.end()) {
        c.outcome = Outcome::kFailure;
        c.type = "gate:" + gate->second->gate;
        c.message = gate->second->message;
      }
    }
    suites[cell.target].push_back(std::move(c));
  }

  auto count = [](const std::vector<Case>& cases, Outcome outcome) {
    int n = 0;
    for (const Case& c : cases) n += c.outcome == outcome ? 1 : 0;
    return n;
  };
  std::vector<Case> all;
  for (const auto& [target, cases] : suites) all.insert(all.end(), cases.begin(), cases.end());

  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"bsb-matrix " << XmlEscape(a.set.run.matrix_name) << "\" tests=\""
      << all.size() << "\" failures=\"" << count(all, Outcome::kFailure) << "\" errors=\""
      << count(all, Outcome::kError) << "\" skipped=\"" << count(all, Outcome::kSkipped)
      << "\">\n";
  for (const auto& [target, cases] : suites) {
    double time_s = 0;
    for (const Case& c : cases) time_s += a.set.cells[c.cell].duration_s.value_or(0);
    out << "  <testsuite name=\"" << XmlEscape(target) << "\" tests=\"" << cases.size()
        << "\" failures=\"" << count(cases, Outcome::kFailure) << "\" errors=\""
        << count(cases, Outcome::kError) << "\" skipped=\"" << count(cases, Outcome::kSkipped)
        << "\" time=\"" << Fixed(time_s, 3) << "\">\n";
    for (const Case& c : cases) {
      const Cell& cell = a.set.cells[c.cell];
      out << "    <testcase classname=\"bsb-matrix." << XmlEscape(target) << "\" name=\""
          << XmlEscape(CaseName(cell)) << "\" time=\"" << Fixed(cell.duration_s.value_or(0), 3)
          << "\"";
      if (c.outcome == Outcome::kPass) {
        out << "/>\n";
        continue;
      }
      out << ">\n      ";
      const std::string message = XmlEscape(c.message);
      switch (c.outcome) {
        case Outcome::kFailure:
          // A gate's message already names the cell; a benchmark failure's reason does not.
          out << "<failure type=\"" << XmlEscape(c.type) << "\" message=\"" << message << "\">"
              << (cell.status == CellStatus::kOk ? "" : XmlEscape(CellTitle(cell)) + ": ")
              << message << "</failure>";
          break;
        case Outcome::kError:
          out << "<error type=\"" << XmlEscape(c.type) << "\" message=\"" << message << "\">"
              << XmlEscape(CellTitle(cell)) << ": " << XmlEscape(c.type) << " after "
              << cell.attempts << " attempt(s): " << message << "</error>";
          break;
        case Outcome::kSkipped:
          out << "<skipped message=\"" << message << "\"/>";
          break;
        case Outcome::kPass: break;
      }
      out << "\n    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace bsb::reports
