// Drives a libFuzzer entry point (LLVMFuzzerTestOneInput) from gtest in builds without
// libFuzzer: every seed as is, then deterministic random mutations of the seeds (byte flips,
// inserts, deletes, splices between seeds). A crash or an abort fails the test; a fixed seed
// makes any failure reproduce.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace bsb::fuzz {

inline int RunOne(const std::string& input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

// Every regular file of `dir` (the libFuzzer seed corpus committed beside the target).
inline std::vector<std::string> ReadCorpus(const std::filesystem::path& dir) {
  std::vector<std::string> seeds;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return seeds;
}

inline std::string Mutate(std::string s, std::mt19937_64& rng, const std::vector<std::string>& corpus) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    const size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 4) {
      case 0:
        if (pos < s.size()) s[pos] = static_cast<char>(rng() & 0xff);
        break;
      case 1: s.insert(pos, 1, static_cast<char>(rng() & 0xff)); break;
      case 2:
        if (pos < s.size()) s.erase(pos, 1 + rng() % 8);
        break;
      default: {
        const std::string& other = corpus[rng() % corpus.size()];
        const size_t from = other.empty() ? 0 : rng() % other.size();
        s.insert(pos, other.substr(from, rng() % 64));
        break;
      }
    }
  }
  return s;
}

// Runs every seed, then `mutations` mutated seeds; returns how many inputs ran.
inline int ReplayAndMutate(const std::vector<std::string>& corpus, int mutations, uint64_t seed = 20261123) {
  int ran = 0;
  for (const std::string& input : corpus) ran += RunOne(input) == 0 ? 1 : 0;
  std::mt19937_64 rng(seed);
  for (int i = 0; i < mutations && !corpus.empty(); ++i) {
    ran += RunOne(Mutate(corpus[rng() % corpus.size()], rng, corpus)) == 0 ? 1 : 0;
  }
  return ran;
}

}  // namespace bsb::fuzz
