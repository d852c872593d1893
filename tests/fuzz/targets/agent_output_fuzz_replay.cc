// The agent-output fuzz target under gcc: the seed corpus, then 50 000 mutations of it.
#include <gtest/gtest.h>

#include "tests/fuzz/replay_util.h"

TEST(AgentOutputFuzzReplay, SeedsAndMutationsRunClean) {
  const auto corpus = bsb::fuzz::ReadCorpus(BSB_SOURCE_DIR "/tests/fuzz/targets/corpus");
  ASSERT_GE(corpus.size(), 2u);
  EXPECT_EQ(bsb::fuzz::ReplayAndMutate(corpus, 50'000), static_cast<int>(corpus.size()) + 50'000);
}
