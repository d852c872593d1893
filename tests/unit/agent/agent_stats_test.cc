// Known vectors for the latency summary. Expected values are worked out beside each case with
// NumPy's "linear" percentile (h = (n-1)·p/100) and the sample stdev (divisor n-1).
#include "agent/common/stats.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace bsb::agent {
namespace {

TEST(AgentStats, EmptySampleHasNoSummary) {
  std::vector<double> empty;
  EXPECT_FALSE(Summarize(empty).has_value());
}

TEST(AgentStats, SingleSampleIsEveryStatisticWithZeroStdev) {
  std::vector<double> one{10.0};
  auto s = Summarize(one);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->count, 1u);
  EXPECT_DOUBLE_EQ(s->mean, 10.0);
  EXPECT_DOUBLE_EQ(s->p50, 10.0);
  EXPECT_DOUBLE_EQ(s->p99, 10.0);
  EXPECT_DOUBLE_EQ(s->min, 10.0);
  EXPECT_DOUBLE_EQ(s->max, 10.0);
  EXPECT_DOUBLE_EQ(s->stdev, 0.0);
}

TEST(AgentStats, FourValuesInterpolateBetweenClosestRanks) {
  std::vector<double> v{4, 1, 3, 2};  // unsorted on purpose
  auto s = Summarize(v);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->mean, 2.5);
  EXPECT_DOUBLE_EQ(s->p50, 2.5);   // h = 3·0.50 = 1.50 → 2 + 0.50·(3-2)
  EXPECT_DOUBLE_EQ(s->p95, 3.85);  // h = 3·0.95 = 2.85 → 3 + 0.85·(4-3)
  EXPECT_DOUBLE_EQ(s->p99, 3.97);  // h = 3·0.99 = 2.97 → 3 + 0.97·(4-3)
  EXPECT_DOUBLE_EQ(s->min, 1);
  EXPECT_DOUBLE_EQ(s->max, 4);
  // squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; 5 / (4-1) = 5/3
  EXPECT_DOUBLE_EQ(s->stdev, std::sqrt(5.0 / 3.0));
}

TEST(AgentStats, OneToHundred) {
  std::vector<double> v;
  for (int i = 100; i >= 1; --i) v.push_back(i);
  auto s = Summarize(v);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->mean, 50.5);
  EXPECT_DOUBLE_EQ(s->p50, 50.5);               // h = 49.5 → 50 + 0.5
  EXPECT_NEAR(s->p95, 95.05, 1e-12);            // h = 94.05 → 95 + 0.05
  EXPECT_NEAR(s->p99, 99.01, 1e-12);            // h = 98.01 → 99 + 0.01
  // sample variance of 1..n is n(n+1)/12 = 100·101/12
  EXPECT_NEAR(s->stdev, std::sqrt(100.0 * 101.0 / 12.0), 1e-12);
}

TEST(AgentStats, SampleStdevNotPopulationStdev) {
  // The textbook set whose POPULATION stdev is exactly 2; the sample one is sqrt(32/7).
  std::vector<double> v{2, 4, 4, 4, 5, 5, 7, 9};
  auto s = Summarize(v);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->mean, 5.0);
  EXPECT_NEAR(s->stdev, std::sqrt(32.0 / 7.0), 1e-12);
  EXPECT_DOUBLE_EQ(s->p50, 4.5);  // h = 3.5 → 4 + 0.5·(5-4)
}

TEST(AgentStats, PercentileIsClampedAndHitsTheEnds) {
  const std::vector<double> sorted{1, 2, 3};
  EXPECT_DOUBLE_EQ(PercentileOfSorted(sorted, 0), 1);
  EXPECT_DOUBLE_EQ(PercentileOfSorted(sorted, 100), 3);
  EXPECT_DOUBLE_EQ(PercentileOfSorted(sorted, -5), 1);
  EXPECT_DOUBLE_EQ(PercentileOfSorted(sorted, 250), 3);
  EXPECT_DOUBLE_EQ(PercentileOfSorted(sorted, 25), 1.5);  // h = 0.5
}

}  // namespace
}  // namespace bsb::agent
