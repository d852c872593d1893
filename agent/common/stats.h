// Summary statistics of a latency sample (the seed methodology's latency_ms block).
//
// Definitions (stable: reports compare runs against each other):
// - percentile p (0..100) is NumPy's default "linear" method: sort x[0..n-1], take the
//   fractional rank h = (n - 1) * p / 100 and interpolate linearly between x[floor(h)] and
//   x[ceil(h)]. So p50 of an even-sized sample is the mean of the two middle values, p0 is the
//   minimum and p100 the maximum.
// - stdev is the SAMPLE standard deviation (divisor n - 1, NumPy's ddof=1); 0 for n == 1.
// - mean is the arithmetic mean.
// std only and heap-free (sorts the caller's buffer in place) so the MCU firmware can use it.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

namespace bsb::agent {

struct LatencySummary {
  std::size_t count = 0;
  double mean = 0;
  double p50 = 0;
  double p95 = 0;
  double p99 = 0;
  double min = 0;
  double max = 0;
  double stdev = 0;
};

// Percentile of an already ascending-sorted, non-empty sample; p is clamped to [0, 100].
double PercentileOfSorted(std::span<const double> sorted, double p);

// Sorts `samples` in place and summarizes them. nullopt for an empty sample.
std::optional<LatencySummary> Summarize(std::span<double> samples);

}  // namespace bsb::agent
