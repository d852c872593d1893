#include <gtest/gtest.h>

#include "matrix/diagnostics.h"

namespace bsb::matrix {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("runs", "runs"), 0u);
  EXPECT_EQ(EditDistance("runs", "run"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("x86", "x68"), 2u);  // a transposition is two edits
}

TEST(ClosestMatch, SuggestsOnlyPlausibleMisspellings) {
  const std::vector<std::string> keys = {"warmup", "runs", "samples", "threads", "timeout", "retries"};
  EXPECT_EQ(ClosestMatch("runz", keys), "runs");
  EXPECT_EQ(ClosestMatch("treads", keys), "threads");
  EXPECT_EQ(ClosestMatch("Timeout", keys), "timeout");   // case only
  EXPECT_EQ(ClosestMatch("rnz", keys), "");              // short words: one edit at most
  EXPECT_EQ(ClosestMatch("batchsize", keys), "");
  EXPECT_EQ(ClosestMatch("runs", keys), "");             // an exact match is not a suggestion
  EXPECT_EQ(ClosestMatch(std::string(100, 'r'), keys), "");
  EXPECT_EQ(DidYouMean("samles", keys), "; did you mean 'samples'?");
  EXPECT_EQ(DidYouMean("zzz", keys), "");
}

TEST(JoinAlternatives, ReadsLikeEnglish) {
  EXPECT_EQ(JoinAlternatives({}), "");
  EXPECT_EQ(JoinAlternatives({"a"}), "a");
  EXPECT_EQ(JoinAlternatives({"a", "b"}), "a or b");
  EXPECT_EQ(JoinAlternatives({"a", "b", "c"}), "a, b or c");
}

TEST(Diagnostics, LinesAreOrderedByPositionWithFileLineColumn) {
  Diagnostics diagnostics("m.yaml");
  diagnostics.Error({7, 3}, "third");
  diagnostics.Error({2, 9}, "second");
  diagnostics.Error({2, 1}, "first");
  diagnostics.Error({}, "no position");
  ASSERT_EQ(diagnostics.size(), 4u);
  EXPECT_EQ(diagnostics.Text(),
            "m.yaml: error: no position\n"
            "m.yaml:2:1: error: first\n"
            "m.yaml:2:9: error: second\n"
            "m.yaml:7:3: error: third");
}

}  // namespace
}  // namespace bsb::matrix
