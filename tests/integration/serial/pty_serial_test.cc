// The protocol over a real pseudo-terminal pair in raw mode: the host session on the master,
// a device session (the same code the firmware runs, with the test's fake backend) on the
// slave in a thread. Checks that the tty layer passes every byte value, 0x00 included.
#include <gtest/gtest.h>

#include <poll.h>
#include <pty.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <vector>

#include "tests/integration/serial/fd_transport.h"
#include "tests/unit/serial/serial_sim.h"

namespace bsb::serial::testing {
namespace {

class DeviceOnTty {
 public:
  explicit DeviceOnTty(int fd)
      : fd_(fd),
        model_(256 * 1024),
        input_(4096),
        link_(DeviceConfig(), LinkCallbacks{this, &DeviceOnTty::Write, &FdTransport::NowMs}),
        session_(&link_, &backend_,
                 DeviceBuffers{model_.data(), model_.size(), input_.data(), input_.size()}),
        thread_([this] { Loop(); }) {}
  ~DeviceOnTty() {
    stop_ = true;
    thread_.join();
  }

 private:
  static LinkConfig DeviceConfig() {
    LinkConfig config;
    config.role = LinkRole::kDevice;
    config.ack_timeout_ms = 200;
    return config;
  }
  static void Write(void* context, const uint8_t* data, size_t size_bytes) {
    FdTransport t{static_cast<DeviceOnTty*>(context)->fd_};
    FdTransport::Write(&t, data, size_bytes);
  }
  void Loop() {
    uint8_t buffer[512];
    FdTransport t{fd_};
    while (!stop_) {
      const long n = FdTransport::Read(&t, buffer, sizeof buffer, 10);
      if (n < 0) return;
      for (size_t at = 0; at < static_cast<size_t>(n);) {
        at += link_.Feed(buffer + at, static_cast<size_t>(n) - at);
        session_.Step();
      }
      link_.Poll();
      session_.Step();
    }
  }

  int fd_;
  std::vector<uint8_t> model_, input_;
  FakeBackend backend_;
  Link link_;
  DeviceSession session_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(SerialPty, FullExchangeOverARawPtyPair) {
  int master = -1;
  int slave = -1;
  ASSERT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  ASSERT_TRUE(MakeRaw(master));
  ASSERT_TRUE(MakeRaw(slave));
  {
    DeviceOnTty device(slave);
    FdTransport host_fd{master};
    LinkConfig config;
    config.ack_timeout_ms = 200;
    HostSession host(config, host_fd.AsTransport(), HostTimeouts{3000, 10000});

    BoardInfo info;
    const HostOutcome hello = host.Hello(99, &info);
    ASSERT_TRUE(hello.ok()) << hello.message;
    EXPECT_EQ(info.board, "sim");

    std::vector<uint8_t> model(128 * 1024);
    std::mt19937 rng(11);
    for (auto& b : model) b = static_cast<uint8_t>(rng());  // every byte value, 0x00 included
    const auto start = std::chrono::steady_clock::now();
    const HostOutcome load = host.LoadModel(model.data(), model.size());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(load.ok()) << HostStatusName(load.status) << ": " << load.message;
    std::printf("[serial] pty model download: %zu B in %.3f s = %.0f useful B/s, %u re-sends\n",
                model.size(), seconds, model.size() / seconds, host.link_stats().resends);

    std::vector<uint8_t> input(784);
    for (auto& b : input) b = static_cast<uint8_t>(rng());
    ASSERT_TRUE(host.SetInput(0, input.data(), input.size()).ok());
    const RunRequest request{1, 8, kOutputTensor};
    RunOutcome got;
    const HostOutcome run = host.Run(request, &got);
    ASSERT_TRUE(run.ok()) << run.message;
    const RunOutcome want = ExpectedOutcome(model, input, request);
    EXPECT_EQ(got.ticks, want.ticks);
    EXPECT_EQ(got.top1, want.top1);
    EXPECT_EQ(got.outputs, want.outputs);
    EXPECT_EQ(host.link_stats().bad_frames, 0u);
  }
  close(master);
  close(slave);
}

}  // namespace
}  // namespace bsb::serial::testing
