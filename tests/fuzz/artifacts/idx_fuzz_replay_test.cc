// Replays the IDX fuzz target under gcc: a small corpus of valid files plus deterministic
// mutations (bit flips, truncations, byte overwrites, header-dimension edits).
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "agent/common/idx.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<std::vector<uint8_t>> Corpus() {
  bsb::idx::Images im;
  im.count = 3;
  im.rows = 4;
  im.cols = 5;
  im.pixels.resize(60);
  for (size_t i = 0; i < im.pixels.size(); ++i) im.pixels[i] = static_cast<uint8_t>(i * 7);
  return {bsb::idx::EncodeImages(im), bsb::idx::EncodeLabels(bsb::idx::Labels{{0, 9, 3}}),
          {}, {0, 0, 8, 1}, {0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}};
}

TEST(IdxFuzzReplay, CorpusAndMutations) {
  std::mt19937 rng(20261123);
  size_t parsed_ok = 0;
  for (const auto& seed : Corpus()) {
    ASSERT_EQ(LLVMFuzzerTestOneInput(seed.data(), seed.size()), 0);
    for (int i = 0; i < 4000; ++i) {
      std::vector<uint8_t> m = seed;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        switch (rng() % 4) {
          case 0:
            if (!m.empty()) m[rng() % m.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
            break;
          case 1:
            if (!m.empty()) m.resize(rng() % m.size());
            break;
          case 2:
            m.push_back(static_cast<uint8_t>(rng()));
            break;
          case 3:  // rewrite one header byte: dims and magic are where the arithmetic lives
            if (m.size() >= 16) m[rng() % 16] = static_cast<uint8_t>(rng());
            break;
        }
      }
      ASSERT_EQ(LLVMFuzzerTestOneInput(m.data(), m.size()), 0);
      bsb::idx::Images im;
      std::string error;
      parsed_ok += bsb::idx::ParseImages(m.data(), m.size(), "m", &im, &error) ? 1 : 0;
    }
  }
  // Mutations must exercise both outcomes, or the replay tests nothing.
  EXPECT_GT(parsed_ok, 0u);
}

}  // namespace
