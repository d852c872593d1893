#include "agent/common/stats.h"

#include <algorithm>
#include <cmath>

namespace bsb::agent {

double PercentileOfSorted(std::span<const double> sorted, double p) {
  const double clamped = std::clamp(p, 0.0, 100.0);
  const double rank = static_cast<double>(sorted.size() - 1) * clamped / 100.0;
  const auto lower = static_cast<std::size_t>(std::floor(rank));
  const std::size_t upper = std::min(lower + 1, sorted.size() - 1);
  const double fraction = rank - static_cast<double>(lower);
  return sorted[lower] + fraction * (sorted[upper] - sorted[lower]);
}

std::optional<LatencySummary> Summarize(std::span<double> samples) {
  if (samples.empty()) return std::nullopt;
  std::sort(samples.begin(), samples.end());
  LatencySummary s;
  s.count = samples.size();
  double sum = 0;
  for (double x : samples) sum += x;
  s.mean = sum / static_cast<double>(s.count);
  // Two-pass variance: numerically stable enough for latencies spanning a few decades.
  double squares = 0;
  for (double x : samples) squares += (x - s.mean) * (x - s.mean);
  s.stdev = s.count > 1 ? std::sqrt(squares / static_cast<double>(s.count - 1)) : 0.0;
  s.min = samples.front();
  s.max = samples.back();
  s.p50 = PercentileOfSorted(samples, 50);
  s.p95 = PercentileOfSorted(samples, 95);
  s.p99 = PercentileOfSorted(samples, 99);
  return s;
}

}  // namespace bsb::agent
