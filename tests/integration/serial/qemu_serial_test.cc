// The firmware under qemu-system-arm -M mps2-an386 (qemu_board.h): HELLO, model download with
// CRC check, and the answers to RUN. Every step is bounded; QEMU is stopped by its PID.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "agent/protocol/crc32.h"
#include "tests/integration/serial/qemu_board.h"

namespace bsb::serial::testing {
namespace {

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  std::mt19937 rng(seed);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

TEST_F(QemuBoard, HelloDescribesTheBoard) {
  HostSession session = MakeSession();
  BoardInfo info;
  const HostOutcome hello = session.Hello(0x1234, &info);
  ASSERT_TRUE(hello.ok()) << HostStatusName(hello.status) << ": " << hello.message;
  EXPECT_EQ(info.board, "mps2-an386");
  EXPECT_EQ(info.cpu, "cortex-m4");
  EXPECT_EQ(info.clock_hz, 25'000'000u);
  EXPECT_EQ(info.flash_bytes, 4u << 20);
  EXPECT_EQ(info.ram_bytes, 4u << 20);
  EXPECT_EQ(info.max_model_bytes, 1u << 20);
  EXPECT_GT(info.firmware_flash_bytes, 1000u);
  EXPECT_LT(info.firmware_flash_bytes, 1u << 20);
  EXPECT_GE(info.firmware_ram_bytes, 32u * 1024) << "at least the 32 KiB stack";
  EXPECT_FALSE(info.firmware_version.empty());
}

TEST_F(QemuBoard, LoadsAModelAndVerifiesItsCrc) {
  HostSession session = MakeSession();
  BoardInfo info;
  ASSERT_TRUE(session.Hello(1, &info).ok());
  // 64 KiB: QEMU's CMSDK UART takes one byte per main-loop turn (~20 KB/s), so this is ~3 s.
  const std::vector<uint8_t> model = RandomBytes(64 * 1024, 3);
  const auto start = std::chrono::steady_clock::now();
  const LinkStats before = session.link_stats();
  const HostOutcome load = session.LoadModel(model.data(), model.size());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Random bytes pass the size + CRC check; a firmware with a runtime then refuses them as a
  // model, one without accepts them. A CRC mismatch or a link failure would be a bug.
  if (info.runtime_version.empty()) {
    ASSERT_TRUE(load.ok()) << HostStatusName(load.status) << ": " << load.message;
  } else {
    ASSERT_EQ(load.status, HostStatus::kDeviceError) << load.message;
    ASSERT_EQ(load.error_code, kErrorModelInvalid) << load.message;
  }
  const LinkStats& after = session.link_stats();
  const double wire_down = static_cast<double>(after.wire_bytes_sent - before.wire_bytes_sent);
  std::printf("[serial] QEMU model download: %zu B in %.3f s = %.0f useful B/s; %.0f wire B/s "
              "down; payload efficiency %.1f%%; %u re-sends\n",
              model.size(), seconds, model.size() / seconds, wire_down / seconds,
              100.0 * model.size() / wire_down, after.resends - before.resends);

  // Device answers come back too: the upstream bytes are the ACKs and the COMMIT echo.
  EXPECT_GT(after.wire_bytes_received, before.wire_bytes_received);
  EXPECT_EQ(after.bad_frames, 0u) << "the emulated UART is lossless";
}

TEST_F(QemuBoard, RunWithoutARuntimeIsRefusedNotFaked) {
  HostSession session = MakeSession();
  BoardInfo info;
  ASSERT_TRUE(session.Hello(2, &info).ok());
  if (!info.runtime_version.empty()) GTEST_SKIP() << "firmware has a runtime: covered elsewhere";
  const std::vector<uint8_t> model = RandomBytes(4096, 4);
  ASSERT_TRUE(session.LoadModel(model.data(), model.size()).ok());
  const std::vector<uint8_t> input = RandomBytes(784, 5);
  ASSERT_TRUE(session.SetInput(0, input.data(), input.size()).ok());
  RunOutcome outcome;
  const HostOutcome run = session.Run(RunRequest{1, 3, kOutputTop1}, &outcome);
  EXPECT_EQ(run.status, HostStatus::kDeviceError);
  EXPECT_EQ(run.error_code, kErrorRuntimeNotLinked);
  EXPECT_EQ(run.message, "runtime not linked");
}

TEST_F(QemuBoard, RunBeforeCommitIsAnError) {
  HostSession session = MakeSession();
  BoardInfo info;
  ASSERT_TRUE(session.Hello(3, &info).ok());
  RunOutcome outcome;
  const HostOutcome run = session.Run(RunRequest{}, &outcome);
  EXPECT_EQ(run.error_code, kErrorNoModel) << run.message;
}

}  // namespace
}  // namespace bsb::serial::testing
