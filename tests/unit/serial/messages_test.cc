#include <gtest/gtest.h>

#include <vector>

#include "agent/protocol/serial_messages.h"

namespace bsb::serial {
namespace {

TEST(Messages, HelloInfoRoundTrips) {
  HelloInfo in;
  in.session_nonce = 0xDEADBEEF;
  in.clock_hz = 25'000'000;
  in.flash_bytes = 2u << 20;
  in.ram_bytes = 640u << 10;
  in.max_model_bytes = 1u << 20;
  in.max_input_bytes = 4096;
  in.firmware_flash_bytes = 40000;
  in.firmware_ram_bytes = 20000;
  in.board = "mps2-an386";
  in.cpu = "cortex-m4";
  in.firmware_version = "0.1.0+abc";
  in.runtime_version = "";
  uint8_t buf[kMaxPayloadBytes];
  const size_t n = EncodeHelloInfo(in, buf);
  // 1 version + 8 u32 fields + 4 length-prefixed texts (10 + 9 + 9 + 0 bytes).
  EXPECT_EQ(n, 1u + 8 * 4 + 4 + 10 + 9 + 9 + 0);
  HelloInfo out;
  ASSERT_TRUE(DecodeHelloInfo(buf, n, &out));
  EXPECT_EQ(out.session_nonce, in.session_nonce);
  EXPECT_EQ(out.ram_bytes, in.ram_bytes);
  EXPECT_EQ(out.board, "mps2-an386");
  EXPECT_EQ(out.firmware_version, "0.1.0+abc");
  EXPECT_TRUE(out.runtime_version.empty());
  for (size_t cut = 0; cut < n; ++cut) EXPECT_FALSE(DecodeHelloInfo(buf, cut, &out)) << cut;
  EXPECT_FALSE(DecodeHelloInfo(buf, n + 1, &out));  // trailing byte
}

TEST(Messages, HelloTextTooLongIsRefused) {
  HelloInfo in;
  const std::string long_name(kMaxHelloTextBytes + 1, 'x');
  in.board = long_name;
  uint8_t buf[kMaxPayloadBytes];
  EXPECT_EQ(EncodeHelloInfo(in, buf), 0u);
}

TEST(Messages, LoadAndInputCarryOffsetAndChunk) {
  const std::vector<uint8_t> chunk = {0, 1, 2, 3};
  uint8_t buf[kMaxPayloadBytes];
  size_t n = EncodeLoad(LoadChunk{0x01020304, chunk.data(), chunk.size()}, buf);
  ASSERT_EQ(n, 4u + 4);
  EXPECT_EQ(buf[0], 0x04);  // little-endian offset
  LoadChunk load;
  ASSERT_TRUE(DecodeLoad(buf, n, &load));
  EXPECT_EQ(load.offset, 0x01020304u);
  EXPECT_EQ(std::vector<uint8_t>(load.data, load.data + load.size_bytes), chunk);
  EXPECT_FALSE(DecodeLoad(buf, 4, &load));  // offset but no bytes

  n = EncodeInput(InputChunk{2, 10, chunk.data(), chunk.size()}, buf);
  ASSERT_EQ(n, 1u + 4 + 4);
  InputChunk input;
  ASSERT_TRUE(DecodeInput(buf, n, &input));
  EXPECT_EQ(input.tensor, 2);
  EXPECT_EQ(input.offset, 10u);
  std::vector<uint8_t> too_big(kMaxLoadChunkBytes + 1);
  EXPECT_EQ(EncodeLoad(LoadChunk{0, too_big.data(), too_big.size()}, buf), 0u);
}

TEST(Messages, ResultRoundTripsWithOutputs) {
  RunResult in;
  in.timed_runs = 3;
  in.ticks[0] = 1;
  in.ticks[1] = 0x1'0000'0002ull;
  in.ticks[2] = 3;
  in.top1 = 7;
  in.arena_bytes = 1234;
  in.stack_high_water_bytes = 567;
  const uint8_t outputs[] = {0x80, 0x7F, 0x00};
  in.outputs = outputs;
  in.output_bytes = sizeof outputs;
  uint8_t buf[kMaxPayloadBytes];
  const size_t n = EncodeResult(in, buf);
  ASSERT_EQ(n, kResultFixedBytes + 3 * 8 + 3);
  RunResult out;
  ASSERT_TRUE(DecodeResult(buf, n, &out));
  EXPECT_EQ(out.timed_runs, 3);
  EXPECT_EQ(out.ticks[1], 0x1'0000'0002ull);
  EXPECT_EQ(out.top1, 7);
  EXPECT_EQ(out.stack_high_water_bytes, 567u);
  ASSERT_EQ(out.output_bytes, 3u);
  EXPECT_EQ(out.outputs[0], 0x80);
  for (size_t cut = 0; cut < n; ++cut) EXPECT_FALSE(DecodeResult(buf, cut, &out)) << cut;
}

TEST(Messages, ResultWithTooManyRunsIsRefused) {
  RunResult in;
  in.timed_runs = kMaxTimedRuns + 1;
  uint8_t buf[kMaxPayloadBytes];
  EXPECT_EQ(EncodeResult(in, buf), 0u);
  // The largest legal result still fits one frame.
  in.timed_runs = kMaxTimedRuns;
  EXPECT_EQ(EncodeResult(in, buf), kResultFixedBytes + kMaxTimedRuns * 8);
}

TEST(Messages, RunCommitErrorLogRoundTrip) {
  uint8_t buf[kMaxPayloadBytes];
  size_t n = EncodeRun(RunRequest{5, 10, kOutputTensor, kInputPixels, 1.0 / 255}, buf);
  // warmup u16, runs u16, output mode u8, input mode u8, input scale f64.
  EXPECT_EQ(n, 2u + 2 + 1 + 1 + 8);
  RunRequest run;
  ASSERT_TRUE(DecodeRun(buf, n, &run));
  EXPECT_EQ(run.input_mode, kInputPixels);
  EXPECT_EQ(run.input_scale, 1.0 / 255) << "the scale crosses the link bit for bit";
  EXPECT_EQ(run.warmup_runs, 5);
  EXPECT_EQ(run.timed_runs, 10);
  EXPECT_EQ(run.output_mode, kOutputTensor);
  EXPECT_FALSE(DecodeRun(buf, n - 1, &run));

  n = EncodeCommit(CommitRequest{100, 0xCAFEBABE}, buf);
  CommitRequest commit;
  ASSERT_TRUE(DecodeCommit(buf, n, &commit));
  EXPECT_EQ(commit.model_crc32, 0xCAFEBABEu);

  n = EncodeError(ErrorReport{kErrorRuntimeNotLinked, "runtime not linked"}, buf);
  ErrorReport error;
  ASSERT_TRUE(DecodeError(buf, n, &error));
  EXPECT_EQ(error.code, kErrorRuntimeNotLinked);
  EXPECT_EQ(error.text, "runtime not linked");
  EXPECT_FALSE(DecodeError(buf, 1, &error));

  n = EncodeLog("booted", buf);
  std::string_view text;
  ASSERT_TRUE(DecodeLog(buf, n, &text));
  EXPECT_EQ(text, "booted");
  EXPECT_EQ(EncodeLog("", buf), 0u);
}

}  // namespace
}  // namespace bsb::serial
