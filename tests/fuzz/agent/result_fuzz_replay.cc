// Runs the result fuzz target under gcc builds: the seed corpus, then deterministic random
// mutations of it (byte flips, inserts, deletes, splices of JSON tokens). A crash, an escaped
// exception or a broken round trip aborts the test.
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "agent/protocol/cell_spec.h"
#include "agent/protocol/result.h"
#include "tests/unit/agent/protocol/sample_results.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

int RunFuzzTarget(const std::string& input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::vector<std::string> SeedCorpus() {
  std::vector<std::string> seeds;
  for (const auto& r : bsb::protocol::testing::AllSampleResults()) {
    seeds.push_back(bsb::protocol::SerializeResult(r));
    seeds.push_back(bsb::protocol::StampToJson(r.stamp).dump());
  }
  bsb::protocol::CellSpec spec{"m.tflite", "i.idx", "l.idx", 0.5, "int8", 1, 2, 3, 1, 7, 0, "r"};
  seeds.push_back(bsb::protocol::SerializeCellSpec(spec));
  seeds.push_back("");
  seeds.push_back("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
  seeds.push_back(std::string(100'000, '['));  // deep nesting must not overflow the stack
  return seeds;
}

std::string Mutate(std::string s, std::mt19937_64& rng, const std::vector<std::string>& corpus) {
  static const char* kTokens[] = {"null", "true", "-1", "1e400", "0.5", "\"\"", "{}", "[]",
                                  ",", ":", "\"\\u0000\"", "\"zz\"", "18446744073709551616"};
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 5) {
      case 0:
        if (!s.empty() && pos < s.size()) s[pos] = static_cast<char>(rng() & 0xff);
        break;
      case 1: s.insert(pos, 1, static_cast<char>(rng() & 0xff)); break;
      case 2:
        if (pos < s.size()) s.erase(pos, 1 + rng() % 8);
        break;
      case 3: s.insert(pos, kTokens[rng() % std::size(kTokens)]); break;
      case 4: {
        const std::string& other = corpus[rng() % corpus.size()];
        size_t from = other.empty() ? 0 : rng() % other.size();
        s.insert(pos, other.substr(from, rng() % 64));
        break;
      }
    }
  }
  return s;
}

TEST(ResultFuzzReplay, SeedCorpusParsesAndRoundTrips) {
  std::vector<std::string> corpus = SeedCorpus();
  for (const std::string& seed : corpus) EXPECT_EQ(RunFuzzTarget(seed), 0);
  // The seeds themselves must be accepted, or the mutations explore nothing useful.
  EXPECT_TRUE(bsb::protocol::ParseResult(corpus[0]).ok());
}

TEST(ResultFuzzReplay, RandomMutationsNeverCrash) {
  std::vector<std::string> corpus = SeedCorpus();
  std::mt19937_64 rng(20261123);  // fixed seed: failures reproduce
  constexpr int kMutations = 100'000;
  for (int i = 0; i < kMutations; ++i) {
    std::string input = Mutate(corpus[rng() % (corpus.size() - 1)], rng, corpus);
    ASSERT_EQ(RunFuzzTarget(input), 0);
  }
}

}  // namespace
