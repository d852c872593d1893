#include "reports/comparison.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <numeric>
#include <tuple>

#include "reports/format.h"

namespace bsb::reports {

namespace {

bool HasMetrics(const Cell& cell) {
  return cell.status == CellStatus::kOk && cell.result && cell.result->metrics;
}

using BaselineKey = std::tuple<std::string, std::string, std::string>;  // model, target, axes

BaselineKey KeyOf(const Cell& cell) { return {cell.model, cell.target, AxesLabel(cell)}; }

}  // namespace

std::optional<double> Agreement(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.size() != b.size() || a.empty()) return std::nullopt;
  size_t same = 0;
  for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i] ? 1 : 0;
  return static_cast<double>(same) / static_cast<double>(a.size());
}

std::vector<Comparison> CompareToBaselines(const ResultSet& set) {
  std::map<BaselineKey, size_t> baselines;
  for (size_t i = 0; i < set.cells.size(); ++i) {
    const Cell& cell = set.cells[i];
    if (cell.scheme == "fp32" && HasMetrics(cell)) baselines.emplace(KeyOf(cell), i);
  }

  std::vector<Comparison> out(set.cells.size());
  for (size_t i = 0; i < set.cells.size(); ++i) {
    const Cell& cell = set.cells[i];
    if (!HasMetrics(cell)) continue;
    Comparison& c = out[i];
    const protocol::Metrics& m = *cell.result->metrics;
    if (m.samples > 0) c.accuracy_ci95 = WilsonInterval(m.CorrectCount(), m.samples);

    auto found = baselines.find(KeyOf(cell));
    if (found == baselines.end()) continue;
    c.baseline = found->second;
    const protocol::CellResult& base_result = *set.cells[found->second].result;
    const protocol::Metrics& base = *base_result.metrics;
    if (base.size_bytes > 0) {
      c.size_ratio = static_cast<double>(m.size_bytes) / static_cast<double>(base.size_bytes);
    }
    // A zero p50 (a timer too coarse for the model) gives no ratio rather than 0 or ∞.
    if (m.latency_ms.p50 > 0 && base.latency_ms.p50 > 0) {
      c.speedup = base.latency_ms.p50 / m.latency_ms.p50;
    }
    c.accuracy_delta = m.accuracy - base.accuracy;
    // The baseline against itself: the delta is exactly 0, an interval would be noise.
    if (m.samples > 0 && base.samples > 0 && found->second != i) {
      c.accuracy_delta_ci95 = NewcombeDifferenceInterval(m.CorrectCount(), m.samples,
                                                         base.CorrectCount(), base.samples);
    }
    c.agreement = Agreement(cell.result->predictions, base_result.predictions);
  }
  return out;
}

std::string CellTitle(const Cell& cell) {
  std::string title = cell.model + " " + cell.scheme + " on " + cell.target;
  std::string axes = AxesLabel(cell);
  if (!axes.empty()) title += " [" + axes + "]";
  return title + " (cell " + cell.id + ")";
}

std::vector<GateFinding> EvaluateGates(const ResultSet& set,
                                       const std::vector<Comparison>& comparisons) {
  std::vector<GateFinding> findings;
  const auto& accuracy_drop = set.gates.accuracy_drop;
  const auto& latency_regression = set.gates.latency_regression;
  for (size_t i : ReportOrder(set)) {
    const Comparison& c = comparisons[i];
    if (set.cells[i].scheme == "fp32") continue;
    char numbers[128];
    if (accuracy_drop && c.accuracy_delta && -*c.accuracy_delta > *accuracy_drop) {
      const double drop = -*c.accuracy_delta;
      std::snprintf(numbers, sizeof numbers, "accuracy drop %.4f > %.4f against fp32", drop,
                    *accuracy_drop);
      findings.push_back({i, "accuracy_drop", drop, *accuracy_drop,
                          CellTitle(set.cells[i]) + ": " + numbers});
    }
    // speedup = fp32 p50 / this p50, so this cell is (1 / speedup − 1) slower.
    if (latency_regression && c.speedup && *c.speedup > 0) {
      const double slower = 1.0 / *c.speedup - 1.0;
      if (slower > *latency_regression) {
        std::snprintf(numbers, sizeof numbers,
                      "p50 latency %.1f%% above fp32's > %.1f%% allowed (latency_regression %.4f)",
                      slower * 100, *latency_regression * 100, *latency_regression);
        findings.push_back({i, "latency_regression", slower, *latency_regression,
                            CellTitle(set.cells[i]) + ": " + numbers});
      }
    }
  }
  return findings;
}

std::string GateSummary(const Gates& gates) {
  std::string summary;
  auto add = [&summary](const char* name, const std::optional<double>& limit) {
    if (!limit) return;
    if (!summary.empty()) summary += ", ";
    summary += std::string(name) + " \u2264 " + Fixed(*limit, 4);
  };
  add("accuracy_drop", gates.accuracy_drop);
  add("latency_regression", gates.latency_regression);
  return summary;
}

std::vector<size_t> ReportOrder(const ResultSet& set) {
  std::vector<size_t> order(set.cells.size());
  std::iota(order.begin(), order.end(), size_t{0});
  auto key = [&set](size_t i) {
    const Cell& c = set.cells[i];
    return std::make_tuple(c.model, c.target, AxesLabel(c), SchemeRank(c.scheme), c.scheme, c.id);
  };
  std::stable_sort(order.begin(), order.end(),
                   [&key](size_t a, size_t b) { return key(a) < key(b); });
  return order;
}

}  // namespace bsb::reports
