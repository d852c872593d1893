// Runs the fuzz entry point under gcc: a seed corpus of well-formed streams plus deterministic
// mutations of it (bit flips, byte edits, insertions, deletions, splices). The real libFuzzer
// binary (clang builds) explores further; this keeps every build exercising the parsers.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "agent/protocol/serial_frame.h"
#include "agent/protocol/serial_messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace bsb::serial {
namespace {

void AppendFrame(std::vector<uint8_t>* out, uint8_t type, uint8_t seq,
                 const std::vector<uint8_t>& payload) {
  uint8_t wire[kMaxWireFrameBytes];
  const size_t n = EncodeFrame(type, seq, payload.data(), payload.size(), wire);
  out->insert(out->end(), wire, wire + n);
}

void AppendRecord(std::vector<uint8_t>* out, uint8_t type, const uint8_t* p, size_t n) {
  out->push_back(type);
  out->push_back(static_cast<uint8_t>(n));
  out->insert(out->end(), p, p + n);
}

std::vector<std::vector<uint8_t>> SeedCorpus() {
  std::vector<std::vector<uint8_t>> corpus;
  uint8_t buf[kMaxPayloadBytes];
  const std::vector<uint8_t> model(100, 0x42);
  const uint8_t input[] = {1, 2, 3, 4};

  // Mode 0: a raw session stream.
  std::vector<uint8_t> raw = {0};
  size_t n = EncodeLoad(LoadChunk{0, model.data(), model.size()}, buf);
  AppendFrame(&raw, kFrameLoad, 1, std::vector<uint8_t>(buf, buf + n));
  n = EncodeCommit(CommitRequest{100, 0x12345678}, buf);
  AppendFrame(&raw, kFrameCommit, 2, std::vector<uint8_t>(buf, buf + n));
  AppendFrame(&raw, kFrameAck, 0, {});
  corpus.push_back(raw);

  // Mode 1: records the target wraps into valid frames.
  std::vector<uint8_t> rec = {1};
  n = EncodeLoad(LoadChunk{0, model.data(), model.size()}, buf);
  AppendRecord(&rec, kFrameLoad, buf, n);
  n = EncodeInput(InputChunk{0, 0, input, sizeof input}, buf);
  AppendRecord(&rec, kFrameInput, buf, n);
  n = EncodeRun(RunRequest{1, 3, kOutputTensor}, buf);
  AppendRecord(&rec, kFrameRun, buf, n);
  HelloInfo info;
  info.board = "b";
  n = EncodeHelloInfo(info, buf);
  AppendRecord(&rec, kFrameHello, buf, n);
  RunResult result;
  result.timed_runs = 2;
  n = EncodeResult(result, buf);
  AppendRecord(&rec, kFrameResult, buf, n);
  n = EncodeError(ErrorReport{7, "runtime not linked"}, buf);
  AppendRecord(&rec, kFrameError, buf, n);
  corpus.push_back(rec);
  return corpus;
}

std::vector<uint8_t> Mutate(std::vector<uint8_t> in, const std::vector<uint8_t>& other,
                            std::mt19937& rng) {
  const int edits = 1 + static_cast<int>(rng() % 8);
  for (int e = 0; e < edits; ++e) {
    const size_t at = in.empty() ? 0 : rng() % in.size();
    switch (rng() % 5) {
      case 0:
        if (!in.empty()) in[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
        break;
      case 1:
        if (!in.empty()) in[at] = static_cast<uint8_t>(rng());
        break;
      case 2: in.insert(in.begin() + static_cast<long>(at), static_cast<uint8_t>(rng())); break;
      case 3:
        if (!in.empty()) in.erase(in.begin() + static_cast<long>(at));
        break;
      case 4: {
        const size_t from = other.empty() ? 0 : rng() % other.size();
        const size_t len = std::min<size_t>(other.size() - from, rng() % 64);
        in.insert(in.begin() + static_cast<long>(at), other.begin() + static_cast<long>(from),
                  other.begin() + static_cast<long>(from + len));
        break;
      }
    }
  }
  return in;
}

TEST(SerialFuzzReplay, SeedCorpusAndMutationsRunClean) {
  const auto corpus = SeedCorpus();
  for (const auto& input : corpus) LLVMFuzzerTestOneInput(input.data(), input.size());
  std::mt19937 rng(20261123);
  for (int i = 0; i < 20000; ++i) {
    const auto& base = corpus[rng() % corpus.size()];
    const auto& other = corpus[rng() % corpus.size()];
    const std::vector<uint8_t> input = Mutate(base, other, rng);
    ASSERT_EQ(LLVMFuzzerTestOneInput(input.data(), input.size()), 0) << "iteration " << i;
  }
}

TEST(SerialFuzzReplay, RandomBytesRunClean) {
  std::mt19937 rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::vector<uint8_t> input(rng() % 2048);
    for (auto& b : input) b = static_cast<uint8_t>(rng() % 3 == 0 ? 0 : rng());
    ASSERT_EQ(LLVMFuzzerTestOneInput(input.data(), input.size()), 0);
  }
}

}  // namespace
}  // namespace bsb::serial
