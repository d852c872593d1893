// Per (model, target, axes) the fp32 cell is the baseline (DESIGN.md §7). This file finds
// baselines and computes, for every cell with a result, how it compares: size ratio,
// speedup, accuracy delta with its 95% interval, and agreement of top-1 predictions.
// Also the gate findings (`gates: {accuracy_drop: X}`) the orchestrator turns into exit 4.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "reports/result_set.h"
#include "reports/statistics.h"

namespace bsb::reports {

struct Comparison {
  // Index into ResultSet::cells of the fp32 cell with the same model, target and axes, if it
  // finished ok. For the fp32 cell itself it is its own index.
  std::optional<size_t> baseline;
  std::optional<Interval> accuracy_ci95;     // Wilson interval of this cell's accuracy
  std::optional<double> size_ratio;          // size_bytes / baseline size_bytes
  std::optional<double> speedup;             // baseline p50 / this p50 (> 1 is faster)
  std::optional<double> accuracy_delta;      // accuracy − baseline accuracy
  std::optional<Interval> accuracy_delta_ci95;  // Newcombe hybrid score interval
  std::optional<double> agreement;           // share of samples with the same top-1 label
};

// One entry per cell, in ResultSet::cells order.
std::vector<Comparison> CompareToBaselines(const ResultSet& set);

// Share of positions where `a` and `b` hold the same label; nullopt when the lengths differ
// or both are empty (the predictions do not describe the same samples).
std::optional<double> Agreement(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b);

struct GateFinding {
  size_t cell;           // index into ResultSet::cells
  std::string gate;      // "accuracy_drop" or "latency_regression"
  double value = 0;      // the measured drop (baseline accuracy − cell accuracy) or slowdown
                         // (cell p50 / baseline p50 − 1)
  double threshold = 0;  // the configured limit
  std::string message;   // "fc-small int8 on x86 (cell 3fa2c1): accuracy drop 0.0310 > 0.0200"
};

// Quantized cells whose accuracy fell (accuracy_drop) or whose p50 latency rose
// (latency_regression) by more than the gate against their fp32 baseline, in report order.
// Cells without a baseline are not judged by the gates (their status already says why).
std::vector<GateFinding> EvaluateGates(const ResultSet& set,
                                       const std::vector<Comparison>& comparisons);

// The configured gates as "accuracy_drop ≤ 0.0200, latency_regression ≤ 0.1000"; empty when
// the matrix set none.
std::string GateSummary(const Gates& gates);

// Cells in report order: by model, target, axes, then scheme in DESIGN §2 order (fp32
// first), then id — deterministic, so reports diff cleanly between runs.
std::vector<size_t> ReportOrder(const ResultSet& set);

// "model scheme on target [axes] (cell ID)" for messages and test names.
std::string CellTitle(const Cell& cell);

}  // namespace bsb::reports
