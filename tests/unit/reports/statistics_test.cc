#include "reports/statistics.h"

#include <gtest/gtest.h>

namespace bsb::reports {
namespace {

// Published values: Newcombe RG, "Two-sided confidence intervals for the single proportion:
// comparison of seven methods", Stat Med 1998;17:857-872 (Wilson score, method 3), and
// "Interval estimation for the difference between independent proportions: comparison of
// eleven methods", Stat Med 1998;17:873-890 (hybrid score, method 10), to four decimals.
TEST(WilsonIntervalTest, MatchesNewcombesPublishedExamples) {
  Interval a = WilsonInterval(81, 263);
  EXPECT_NEAR(a.low, 0.2553, 5e-5);
  EXPECT_NEAR(a.high, 0.3662, 5e-5);
  Interval b = WilsonInterval(15, 148);
  EXPECT_NEAR(b.low, 0.0624, 5e-5);
  EXPECT_NEAR(b.high, 0.1605, 5e-5);
  Interval none = WilsonInterval(0, 10);  // stays sound at p = 0, unlike the Wald interval
  EXPECT_EQ(none.low, 0.0);
  EXPECT_NEAR(none.high, 0.2775, 5e-5);
  Interval all = WilsonInterval(10, 10);
  EXPECT_NEAR(all.low, 0.7225, 5e-5);
  EXPECT_LE(all.high, 1.0);
}

TEST(WilsonIntervalTest, HandComputedForFixtureAccuracy) {
  // 873/1000, z = 1.959964: z²/n = 0.0038415, centre = (0.873 + 0.00192073)/1.0038415
  // = 0.871573, half = 1.952464 · sqrt(0.873·0.127/1000 + 3.8415/4e6) = 0.020647.
  Interval ci = WilsonInterval(873, 1000);
  EXPECT_NEAR(ci.low, 0.850925, 1e-6);
  EXPECT_NEAR(ci.high, 0.892220, 1e-6);
}

TEST(WilsonIntervalTest, NoTrialsMeansNoInformation) {
  Interval ci = WilsonInterval(0, 0);
  EXPECT_EQ(ci.low, 0.0);
  EXPECT_EQ(ci.high, 1.0);
}

TEST(NewcombeIntervalTest, MatchesNewcombesPublishedExamples) {
  // Example (a): 56/70 − 48/80 = 0.2000, hybrid score interval 0.0524 to 0.3339.
  Interval a = NewcombeDifferenceInterval(56, 70, 48, 80);
  EXPECT_NEAR(a.low, 0.0524, 5e-5);
  EXPECT_NEAR(a.high, 0.3339, 5e-5);
  // Example (d): 0/10 − 0/20 = 0, interval −0.1611 to 0.2775.
  Interval d = NewcombeDifferenceInterval(0, 10, 0, 20);
  EXPECT_NEAR(d.low, -0.1611, 5e-5);
  EXPECT_NEAR(d.high, 0.2775, 5e-5);
}

TEST(NewcombeIntervalTest, SwappingArmsMirrorsTheInterval) {
  Interval ab = NewcombeDifferenceInterval(861, 1000, 873, 1000);
  Interval ba = NewcombeDifferenceInterval(873, 1000, 861, 1000);
  EXPECT_NEAR(ab.low, -ba.high, 1e-12);
  EXPECT_NEAR(ab.high, -ba.low, 1e-12);
  EXPECT_LT(ab.low, -0.012);  // contains the point estimate −0.012 ...
  EXPECT_GT(ab.high, -0.012);
  EXPECT_GT(ab.high, 0.0);    // ... and zero: 12 of 1000 is not a significant loss
}

}  // namespace
}  // namespace bsb::reports
