// Confidence intervals for accuracies (shares of correctly classified samples).
// Method and formulas: reports/README.md, "Accuracy intervals".
#pragma once

#include <cstdint>

namespace bsb::reports {

// The normal quantile for a two-sided 95% interval: Φ⁻¹(0.975).
inline constexpr double kZ95 = 1.959963984540054;

struct Interval {
  double low = 0;
  double high = 0;
};

// Wilson score interval for a proportion of `successes` out of `trials` (trials > 0):
//   centre = (p + z²/2n) / (1 + z²/n)
//   half   = z / (1 + z²/n) · sqrt(p(1−p)/n + z²/4n²)
// Unlike p ± z·sqrt(p(1−p)/n) it stays inside [0, 1] and is sound at p = 0 or 1.
Interval WilsonInterval(uint64_t successes, uint64_t trials, double z = kZ95);

// Newcombe's hybrid score interval (1998, method 10) for the difference p1 − p2 of two
// proportions, built from their Wilson intervals (l1, u1), (l2, u2):
//   low  = d − sqrt((p1 − l1)² + (u2 − p2)²)
//   high = d + sqrt((u1 − p1)² + (p2 − l2)²)
// It assumes independent samples; for two models scored on the same test set it is
// conservative (see README).
Interval NewcombeDifferenceInterval(uint64_t successes1, uint64_t trials1,
                                    uint64_t successes2, uint64_t trials2, double z = kZ95);

}  // namespace bsb::reports
