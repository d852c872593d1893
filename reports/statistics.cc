#include "reports/statistics.h"

#include <algorithm>
#include <cmath>

namespace bsb::reports {

Interval WilsonInterval(uint64_t successes, uint64_t trials, double z) {
  if (trials == 0) return {0, 1};  // no information: the whole range
  const double n = static_cast<double>(trials);
  const double p = static_cast<double>(std::min(successes, trials)) / n;
  const double z2 = z * z;
  const double denominator = 1 + z2 / n;
  const double centre = (p + z2 / (2 * n)) / denominator;
  const double half = z / denominator * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Interval NewcombeDifferenceInterval(uint64_t successes1, uint64_t trials1,
                                    uint64_t successes2, uint64_t trials2, double z) {
  if (trials1 == 0 || trials2 == 0) return {-1, 1};
  const double p1 = static_cast<double>(std::min(successes1, trials1)) / trials1;
  const double p2 = static_cast<double>(std::min(successes2, trials2)) / trials2;
  const Interval w1 = WilsonInterval(successes1, trials1, z);
  const Interval w2 = WilsonInterval(successes2, trials2, z);
  const double d = p1 - p2;
  const double low = d - std::sqrt((p1 - w1.low) * (p1 - w1.low) + (w2.high - p2) * (w2.high - p2));
  const double high = d + std::sqrt((w1.high - p1) * (w1.high - p1) + (p2 - w2.low) * (p2 - w2.low));
  return {std::max(-1.0, low), std::min(1.0, high)};
}

}  // namespace bsb::reports
