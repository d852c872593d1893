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

TEST(IsValidUtf8, AcceptsWellFormedSequencesOnly) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9"));              // é
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac"));          // €
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));      // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));      // U+10FFFF, the last code point
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\x80"));                   // a lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xc3"));                   // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));               // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));           // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));           // a UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));       // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("ok\xc3\x28"));             // bad continuation
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
