// Property: whatever the line does to the bytes, the host either gets exactly the result the
// device computed or an error. Many seeded fault patterns, each replayable by its seed.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "tests/unit/serial/serial_sim.h"

namespace bsb::serial::testing {
namespace {

std::vector<uint8_t> Bytes(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  std::mt19937 rng(seed);
  for (auto& b : v) b = static_cast<uint8_t>(rng() % 4 == 0 ? 0 : rng());
  return v;
}

struct Tally {
  int sessions = 0;
  int runs_ok = 0;
  int runs_failed = 0;
  uint64_t faults = 0;
};

// One session: HELLO, model, then three runs on different inputs so a stale RESULT from an
// earlier run would be caught as a wrong answer.
void RunSession(uint32_t seed, const FaultRates& rates, Tally* tally) {
  SimBench bench(seed, rates, rates);
  ++tally->sessions;
  BoardInfo info;
  const std::vector<uint8_t> model = Bytes(3000 + seed % 1000, seed);
  HostOutcome step = bench.host().Hello(seed, &info);
  if (step.ok()) step = bench.host().LoadModel(model.data(), model.size());
  for (uint32_t k = 0; k < 3; ++k) {
    if (!step.ok()) {
      ++tally->runs_failed;
      continue;
    }
    const std::vector<uint8_t> input = Bytes(200 + k * 300, seed * 31 + k);
    const RunRequest request{static_cast<uint16_t>(k), static_cast<uint16_t>(1 + k * 4),
                             static_cast<uint8_t>(k % 2)};
    step = bench.host().SetInput(0, input.data(), input.size());
    RunOutcome got;
    if (step.ok()) step = bench.host().Run(request, &got);
    if (!step.ok()) {
      // Failing is allowed; the session is over (a real target would reset the board).
      EXPECT_NE(step.status, HostStatus::kProtocol) << "seed " << seed << ": " << step.message;
      ++tally->runs_failed;
      continue;
    }
    const RunOutcome want = ExpectedOutcome(model, input, request);
    ASSERT_EQ(got.ticks, want.ticks) << "seed " << seed << " run " << k << ": wrong ticks accepted";
    ASSERT_EQ(got.top1, want.top1) << "seed " << seed << " run " << k;
    ASSERT_EQ(got.outputs, want.outputs) << "seed " << seed << " run " << k;
    ASSERT_EQ(got.arena_bytes, want.arena_bytes) << "seed " << seed;
    ASSERT_EQ(got.stack_high_water_bytes, want.stack_high_water_bytes) << "seed " << seed;
    ++tally->runs_ok;
  }
  tally->faults += bench.faults();
}

TEST(SerialFaults, EachFaultKindAloneNeverYieldsAWrongResult) {
  const char* names[] = {"bit_flip", "truncate", "drop", "duplicate", "reorder", "garbage"};
  for (int kind = 0; kind < 6; ++kind) {
    FaultRates rates;
    double* fields[] = {&rates.bit_flip, &rates.truncate, &rates.drop,
                        &rates.duplicate, &rates.reorder, &rates.garbage};
    *fields[kind] = 0.15;
    Tally tally;
    for (uint32_t seed = 0; seed < 40; ++seed) RunSession(1000 * kind + seed, rates, &tally);
    std::printf("[serial] %-9s 15%%: %d/%d runs ok, %llu faults injected\n", names[kind],
                tally.runs_ok, tally.runs_ok + tally.runs_failed,
                static_cast<unsigned long long>(tally.faults));
    EXPECT_GT(tally.faults, 100u) << names[kind] << ": the faults must actually happen";
    // Bounded re-sends (10 attempts) ride out a 15% fault rate almost always.
    EXPECT_GE(tally.runs_ok, 110) << names[kind];
  }
}

TEST(SerialFaults, AllFaultsTogetherNeverYieldAWrongResult) {
  FaultRates rates{0.05, 0.05, 0.05, 0.05, 0.05, 0.05};
  Tally tally;
  for (uint32_t seed = 0; seed < 150; ++seed) RunSession(seed, rates, &tally);
  std::printf("[serial] mixed 6x5%%: %d/%d runs ok, %llu faults injected\n", tally.runs_ok,
              tally.runs_ok + tally.runs_failed, static_cast<unsigned long long>(tally.faults));
  EXPECT_GT(tally.faults, 500u);
  EXPECT_GE(tally.runs_ok, 400);
}

TEST(SerialFaults, HostileLineFailsCleanly) {
  // So much damage that most sessions cannot finish: they must fail, never answer wrongly.
  FaultRates rates{0.3, 0.2, 0.2, 0.2, 0.2, 0.3};
  Tally tally;
  for (uint32_t seed = 0; seed < 40; ++seed) RunSession(5000 + seed, rates, &tally);
  std::printf("[serial] hostile: %d/%d runs ok\n", tally.runs_ok,
              tally.runs_ok + tally.runs_failed);
  EXPECT_GT(tally.runs_failed, 0);
}

}  // namespace
}  // namespace bsb::serial::testing
