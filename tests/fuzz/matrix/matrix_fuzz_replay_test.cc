// Runs the matrix fuzz entry point under gcc: the seed corpus, inputs known to hang or
// recurse in yaml-cpp 0.7, and deterministic mutations of the corpus. The libFuzzer binary
// (clang `fuzz` preset) explores further; this keeps every build exercising the loader.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

int FuzzOne(const std::string& input) {
  return LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

std::vector<std::string> Corpus() {
  std::vector<std::string> corpus;
  const std::filesystem::path dir = std::filesystem::path(BSB_SOURCE_DIR) / "tests/fuzz/matrix/corpus";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    corpus.push_back(text.str());
  }
  return corpus;
}

TEST(MatrixFuzzReplay, SeedCorpusRunsClean) {
  const std::vector<std::string> corpus = Corpus();
  ASSERT_GE(corpus.size(), 5u);
  for (const std::string& input : corpus) EXPECT_EQ(FuzzOne(input), 0);
}

// Each of these hangs, loops while allocating, or recurses thousands of levels deep when handed
// to YAML::LoadAll directly; the loader must turn every one into an error promptly.
TEST(MatrixFuzzReplay, HostileYamlTerminates) {
  const std::vector<std::string> inputs = {
      ",",                                  // LoadAll loops forever on a top-level flow entry
      ", x",
      "---\n,",
      " ,\n,\n,",
      std::string(100000, '['),             // flow nesting far past any limit
      std::string(50000, '{') + std::string(50000, '}'),
      [] {
        std::string s;
        for (int i = 0; i < 3000; ++i) s += "- ";
        return s + "x";
      }(),                                  // block sequence nesting on one line
      [] {
        std::string s;
        for (int i = 0; i < 500; ++i) s += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
        return s;
      }(),                                  // block mapping nesting by indentation
      "a: &a [*a, *a]\nb: *a\n",            // a self-referencing alias
      "version: 1\ndatasets: {d: {images: i, labels: l}}\nmodels: [{name: m, source: m, dataset: d}]\n"
      "schemes: [fp32]\ntargets: [{name: x, kind: local}]\naxes: {batch: [\xff, \"\\t\\u0001\"]}\n",
      "[:]",
      "{:]",
      "[:",
  };
  for (const std::string& input : inputs) EXPECT_EQ(FuzzOne(input), 0) << input.substr(0, 40);
}

std::string Mutate(std::string in, const std::string& other, std::mt19937& rng) {
  static const std::string kTokens[] = {"[", "]", "{", "}", ",", ":", "- ", "\n", "  ", "&a ", "*a", "'", "\"",
                                        "#", "---\n", "? ", "!t ", "|\n", "5m", "2MiB", "int8", "kind: ssh"};
  const int edits = 1 + static_cast<int>(rng() % 6);
  for (int e = 0; e < edits; ++e) {
    const std::size_t at = in.empty() ? 0 : rng() % in.size();
    switch (rng() % 5) {
      case 0:
        if (!in.empty()) in[at] = static_cast<char>(rng());
        break;
      case 1:
        if (!in.empty()) in.erase(at, 1 + rng() % 16);
        break;
      case 2: in.insert(at, kTokens[rng() % std::size(kTokens)]); break;
      case 3: {
        const std::size_t from = other.empty() ? 0 : rng() % other.size();
        in.insert(at, other.substr(from, rng() % 80));
        break;
      }
      case 4: {  // duplicate a line: duplicate keys, list items, deeper structure
        const std::size_t start = in.rfind('\n', at);
        const std::size_t end = in.find('\n', at);
        const std::size_t b = start == std::string::npos ? 0 : start;
        in.insert(b, in.substr(b, (end == std::string::npos ? in.size() : end) - b));
        break;
      }
    }
  }
  return in;
}

TEST(MatrixFuzzReplay, MutatedCorpusRunsClean) {
  const std::vector<std::string> corpus = Corpus();
  std::mt19937 rng(20261123);
  for (int i = 0; i < 3000; ++i) {
    const std::string input = Mutate(corpus[rng() % corpus.size()], corpus[rng() % corpus.size()], rng);
    ASSERT_EQ(FuzzOne(input), 0) << "iteration " << i;
  }
}

}  // namespace
