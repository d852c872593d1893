// Host and device sessions end to end over a clean in-memory line.
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

TEST(SerialSession, HelloLoadInputRunOverACleanLine) {
  SimBench bench(1, {}, {});
  BoardInfo info;
  ASSERT_TRUE(bench.host().Hello(42, &info).ok());
  EXPECT_EQ(info.board, "sim");
  EXPECT_EQ(info.max_model_bytes, 64u * 1024);
  EXPECT_EQ(info.max_input_bytes, 4u * 1024);
  const std::vector<uint8_t> model = Bytes(5000, 1);  // five LOAD frames of up to 1020 bytes
  const std::vector<uint8_t> input = Bytes(784, 2);
  ASSERT_TRUE(bench.host().LoadModel(model.data(), model.size()).ok());
  ASSERT_TRUE(bench.host().SetInput(0, input.data(), input.size()).ok());
  const RunRequest request{2, 5, kOutputTensor};
  RunOutcome got;
  const HostOutcome run = bench.host().Run(request, &got);
  ASSERT_TRUE(run.ok()) << run.message;
  const RunOutcome want = ExpectedOutcome(model, input, request);
  EXPECT_EQ(got.ticks, want.ticks);
  EXPECT_EQ(got.top1, want.top1);
  EXPECT_EQ(got.outputs, want.outputs);
  EXPECT_EQ(got.arena_bytes, 2500u);
  EXPECT_EQ(bench.host().link_stats().resends, 0u);
}

TEST(SerialSession, DeviceErrorsReachTheHost) {
  SimBench bench(2, {}, {});
  BoardInfo info;
  ASSERT_TRUE(bench.host().Hello(1, &info).ok());
  RunOutcome got;
  HostOutcome run = bench.host().Run(RunRequest{}, &got);
  EXPECT_EQ(run.status, HostStatus::kDeviceError);
  EXPECT_EQ(run.error_code, kErrorNoModel);

  const std::vector<uint8_t> too_big(64 * 1024 + 1, 1);
  HostOutcome load = bench.host().LoadModel(too_big.data(), too_big.size());
  EXPECT_EQ(load.error_code, kErrorModelTooLarge) << load.message;

  const std::vector<uint8_t> bad = {'B', 'A', 'D', 0};
  load = bench.host().LoadModel(bad.data(), bad.size());
  EXPECT_EQ(load.error_code, kErrorModelInvalid);
  EXPECT_EQ(load.message, "fake runtime rejects models starting with BAD");

  const std::vector<uint8_t> model = Bytes(100, 3);
  ASSERT_TRUE(bench.host().LoadModel(model.data(), model.size()).ok());
  run = bench.host().Run(RunRequest{0, kMaxTimedRuns + 1, kOutputTop1}, &got);
  EXPECT_EQ(run.error_code, kErrorBadRunCount);
  run = bench.host().Run(RunRequest{0, 1, kOutputTop1, 7, 1.0}, &got);
  EXPECT_EQ(run.error_code, kErrorBadInputMode);
  run = bench.host().Run(RunRequest{0, 1, kOutputTop1, kInputPixels, 0.0}, &got);
  EXPECT_EQ(run.error_code, kErrorBadInputMode) << "a zero scale would feed zeros";
  const std::vector<uint8_t> big_input(4 * 1024 + 1, 1);
  ASSERT_TRUE(bench.host().SetInput(0, big_input.data(), big_input.size()).ok());
  run = bench.host().Run(RunRequest{}, &got);
  EXPECT_EQ(run.error_code, kErrorInputSize);
}

TEST(SerialSession, ASecondHelloStartsAFreshSession) {
  SimBench bench(3, {}, {});
  BoardInfo info;
  ASSERT_TRUE(bench.host().Hello(1, &info).ok());
  const std::vector<uint8_t> model = Bytes(100, 3);
  ASSERT_TRUE(bench.host().LoadModel(model.data(), model.size()).ok());
  ASSERT_TRUE(bench.host().Hello(2, &info).ok());
  RunOutcome got;
  EXPECT_EQ(bench.host().Run(RunRequest{}, &got).error_code, kErrorNoModel)
      << "HELLO must forget the previous session's model";
}

TEST(SerialSession, SilentDeviceTimesOutInsteadOfHanging) {
  FaultRates dead;
  dead.drop = 1.0;
  SimBench bench(4, dead, {});
  BoardInfo info;
  const HostOutcome hello = bench.host().Hello(1, &info);
  EXPECT_EQ(hello.status, HostStatus::kLinkFailed) << hello.message;
  // 10 attempts, 20 ms each (the frame time is zero in memory).
  EXPECT_LE(bench.now_ms(), 10u * 20 + 20);
}

// Payload efficiency of the protocol itself: useful bytes over wire bytes per direction, and
// the stop-and-wait rate as a share of the raw link rate (a frame waits for its ACK before the
// next goes out). Reported, not asserted.
TEST(SerialSession, ReportsPayloadEfficiency) {
  SimBench bench(5, {}, {});
  BoardInfo info;
  ASSERT_TRUE(bench.host().Hello(7, &info).ok());
  const std::vector<uint8_t> model = Bytes(60 * 1024, 4);
  const LinkStats before = bench.host().link_stats();
  ASSERT_TRUE(bench.host().LoadModel(model.data(), model.size()).ok());
  const LinkStats& host = bench.host().link_stats();
  const double down_wire = static_cast<double>(host.wire_bytes_sent - before.wire_bytes_sent);
  const double up_wire = static_cast<double>(host.wire_bytes_received - before.wire_bytes_received);
  const double useful = static_cast<double>(model.size());
  // Half-duplex view: every ACK's wire time is time the data direction waits.
  std::printf("[serial] model download %zu B: %.0f wire B down, %.0f wire B up; "
              "payload efficiency down %.1f%%, stop-and-wait share of raw rate %.1f%%\n",
              model.size(), down_wire, up_wire, 100.0 * useful / down_wire,
              100.0 * useful / (down_wire + up_wire));
  ::testing::Test::RecordProperty("download_efficiency_percent",
                                  static_cast<int>(1000.0 * useful / down_wire) / 10);
  // Bound from the frame layout: a full LOAD carries 1020 useful bytes in at most 1039 wire
  // bytes (98.2%); the last partial chunk and COMMIT cost a little more.
  EXPECT_GT(useful / down_wire, 0.97);
}

}  // namespace
}  // namespace bsb::serial::testing
