// The serial target over a pseudo-terminal pair: the target opens the pty's slave like a
// /dev/ttyACM port (exclusive, raw 8N1), and a fake board — the firmware's own DeviceSession
// and link code with a deterministic backend (tests/unit/serial/serial_sim.h) — answers on
// the master in a thread. Also: exclusive open, and the flash command run without a shell.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "agent/common/idx.h"
#include "agent/protocol/cell_spec.h"
#include "agent/protocol/crc32.h"
#include "agent/protocol/result.h"
#include "targets/mcu_target.h"
#include "tests/integration/serial/fd_transport.h"
#include "tests/unit/serial/serial_sim.h"

namespace bsb::targets {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// FakeBackend's deterministic answers under a real board's name: HELLO says nucleo-l4r5zi at
// its 120 MHz core clock, so the target takes ticks as cycles.
class NucleoBackend final : public serial::DeviceBackend {
 public:
  void Describe(serial::HelloInfo* info) override {
    fake_.Describe(info);
    info->board = "nucleo-l4r5zi";
    info->cpu = "cortex-m4";
    info->clock_hz = 120'000'000;
    info->flash_bytes = 2u << 20;
    info->ram_bytes = 640u << 10;
    info->firmware_version = "0.1.0+abc123";
  }
  uint16_t Prepare(const uint8_t* model, size_t model_bytes, std::string_view* error_text) override {
    return fake_.Prepare(model, model_bytes, error_text);
  }
  uint16_t Run(const serial::RunRequest& request, const uint8_t* input, size_t input_bytes,
               serial::RunResult* result, std::string_view* error_text) override {
    return fake_.Run(request, input, input_bytes, result, error_text);
  }

 private:
  serial::testing::FakeBackend fake_;
};

// The fake board on the pty master.
class FakeBoard {
 public:
  explicit FakeBoard(int fd)
      : fd_(fd), model_(256 * 1024), input_(4096),
        link_(DeviceLink(), serial::LinkCallbacks{this, &FakeBoard::Write, &serial::testing::FdTransport::NowMs}),
        session_(&link_, &backend_, serial::DeviceBuffers{model_.data(), model_.size(), input_.data(), input_.size()}),
        thread_([this] { Loop(); }) {}
  ~FakeBoard() {
    stop_ = true;
    thread_.join();
  }

 private:
  static serial::LinkConfig DeviceLink() {
    serial::LinkConfig c;
    c.role = serial::LinkRole::kDevice;
    c.ack_timeout_ms = 200;
    return c;
  }
  static void Write(void* context, const uint8_t* data, size_t size_bytes) {
    serial::testing::FdTransport t{static_cast<FakeBoard*>(context)->fd_};
    serial::testing::FdTransport::Write(&t, data, size_bytes);
  }
  void Loop() {
    uint8_t buffer[512];
    serial::testing::FdTransport t{fd_};
    while (!stop_) {
      const long n = serial::testing::FdTransport::Read(&t, buffer, sizeof buffer, 10);
      if (n < 0) {
        usleep(10'000);  // the slave is not open (yet / any more): EIO on the master
        continue;
      }
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
  NucleoBackend backend_;
  serial::Link link_;
  serial::DeviceSession session_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class SerialTarget : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[128] = {};
    ASSERT_EQ(openpty(&master_, &slave_, name, nullptr, nullptr), 0);
    port_ = name;
    ASSERT_TRUE(serial::testing::MakeRaw(master_));
    char dir_template[] = "/tmp/bsb-serial-target-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
    // A 5000-byte "model" of every byte value and 4 samples of 8×8 pixels.
    model_.resize(5000);
    for (size_t i = 0; i < model_.size(); ++i) model_[i] = static_cast<uint8_t>(i * 7 + 3);
    Write(dir_ / "model.bin", model_);
    images_.count = 4;
    images_.rows = 8;
    images_.cols = 8;
    for (size_t i = 0; i < 4 * 64; ++i) images_.pixels.push_back(static_cast<uint8_t>(i * 13));
    Write(dir_ / "images.idx", idx::EncodeImages(images_));
    idx::Labels labels;
    labels.values = {0, 1, 2, 3};
    Write(dir_ / "labels.idx", idx::EncodeLabels(labels));
    spec_.model_path = (dir_ / "model.bin").string();
    spec_.images_path = (dir_ / "images.idx").string();
    spec_.labels_path = (dir_ / "labels.idx").string();
    spec_.scheme = "int8";
    spec_.runs = 6;
    spec_.samples = 4;
    spec_.seed = 3;
  }
  void TearDown() override {
    board_.reset();
    if (master_ >= 0) close(master_);
    if (slave_ >= 0) close(slave_);
    fs::remove_all(dir_);
  }
  static void Write(const fs::path& p, const std::vector<uint8_t>& bytes) {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                             static_cast<std::streamsize>(bytes.size()));
  }
  TargetConfig Config() const {
    TargetConfig c;
    c.name = "nucleo";
    c.kind = "serial";
    c.mcu.board = "nucleo-l4r5zi";
    c.mcu.port = port_;
    c.mcu.baud = 115200;
    return c;
  }
  std::unique_ptr<Target> Make(const TargetConfig& c) {
    auto t = MakeSerialTarget(c);
    EXPECT_TRUE(t.ok()) << t.error().message;
    return t.ok() ? std::move(t).value() : nullptr;
  }
  void StartBoard() { board_ = std::make_unique<FakeBoard>(master_); }

  int master_ = -1;
  int slave_ = -1;
  std::string port_;
  fs::path dir_;
  std::vector<uint8_t> model_;
  idx::Images images_;
  protocol::CellSpec spec_;
  std::unique_ptr<FakeBoard> board_;
};

TEST_F(SerialTarget, RunsACellOverAPtyAndReportsWhatTheBoardMeasured) {
  StartBoard();
  auto target = Make(Config());
  ASSERT_TRUE(target);
  auto info = target->Probe();
  ASSERT_TRUE(info.ok()) << info.failure().message;
  EXPECT_EQ(info->arch, "cortex-m4");
  EXPECT_FALSE(info->emulated);
  ASSERT_TRUE(target->Ensure({{std::string(64, 'a'), spec_.model_path},
                              {std::string(64, 'b'), spec_.images_path},
                              {std::string(64, 'c'), spec_.labels_path}}).ok());
  auto out = target->Run(protocol::SerializeCellSpec(spec_), milliseconds(20'000));
  ASSERT_TRUE(out.ok()) << out.failure().message;
  auto r = protocol::ParseResult(out.value());
  ASSERT_TRUE(r.ok()) << r.error();
  ASSERT_EQ(r->status, protocol::ResultStatus::kOk) << r->error;

  // FakeBackend: top-1 = (sum of the sample's bytes) % 10; ticks = (CRC-32 of the sample << 8)
  // + run index; arena = model bytes / 2; firmware 12345 B flash, 6789 B RAM.
  std::vector<uint32_t> want;
  uint64_t correct = 0;
  for (uint32_t i = 0; i < 4; ++i) {
    uint32_t sum = 0;
    for (size_t k = 0; k < 64; ++k) sum += images_.Image(i)[k];
    want.push_back(sum % 10);
    if (sum % 10 == i) ++correct;
  }
  EXPECT_EQ(r->predictions, want);
  EXPECT_DOUBLE_EQ(r->metrics->accuracy, static_cast<double>(correct) / 4);
  EXPECT_EQ(r->stamp.device, "nucleo-l4r5zi");
  EXPECT_EQ(r->stamp.agent_version, "0.1.0");
  EXPECT_EQ(r->stamp.git_revision, "abc123");
  EXPECT_FALSE(r->stamp.emulated);
  EXPECT_EQ(*r->metrics->arena_bytes, model_.size() / 2);
  EXPECT_EQ(*r->metrics->flash_bytes, 12345 + model_.size());
  EXPECT_EQ(*r->metrics->ram_bytes, 6789 + model_.size() / 2);
  EXPECT_EQ(*r->metrics->stack_bytes, 512u) << "FakeBackend: 512 + warm-ups (0)";
  ASSERT_TRUE(r->metrics->cycles.has_value()) << "120 MHz board clock: ticks are cycles";
  EXPECT_FALSE(r->metrics->instructions.has_value());
  // The same SplitMix64 draw as the Linux harness picks which sample each of the 6 runs uses;
  // every tick count is ≥ CRC << 8, so the mean cycle count is at least the smallest of those.
  uint64_t smallest = UINT64_MAX;
  for (uint32_t i = 0; i < 4; ++i) {
    smallest = std::min<uint64_t>(smallest, uint64_t{serial::Crc32(images_.Image(i), 64)} << 8);
  }
  EXPECT_GE(*r->metrics->cycles, smallest);
  EXPECT_NEAR(r->metrics->latency_ms.mean, static_cast<double>(*r->metrics->cycles) / 120e3,
              r->metrics->latency_ms.mean * 1e-9 + 1e-6);
}

TEST_F(SerialTarget, PortIsExclusive) {
  StartBoard();
  auto first = Make(Config());
  ASSERT_TRUE(first->Probe().ok());
  TargetConfig c = Config();
  c.name = "nucleo-2";
  auto second = Make(c);
  auto info = second->Probe();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.failure().kind, FailureKind::kUnreachable);
  EXPECT_NE(info.failure().message.find("busy"), std::string::npos) << info.failure().message;
}

TEST_F(SerialTarget, FlashCommandRunsFirstWithoutAShell) {
  // A firmware path full of shell syntax: it must reach cp as one argument.
  const fs::path firmware = dir_ / "fw; touch pwned $(touch pwned2).elf";
  Write(firmware, {1, 2, 3});
  TargetConfig c = Config();
  c.mcu.firmware = firmware.string();
  c.mcu.flash_command = "cp {firmware} '" + (dir_ / "flashed copy.elf").string() + "'";
  StartBoard();
  auto target = Make(c);
  ASSERT_TRUE(target->Probe().ok());
  EXPECT_TRUE(fs::exists(dir_ / "flashed copy.elf"));
  EXPECT_FALSE(fs::exists("pwned"));
  EXPECT_FALSE(fs::exists(dir_ / "pwned"));
  EXPECT_FALSE(fs::exists("pwned2"));
}

TEST_F(SerialTarget, AFailingFlashCommandMakesTheBoardUnreachable) {
  TargetConfig c = Config();
  c.mcu.flash_command = "sh -c 'echo no ST-LINK found >&2; exit 3'";
  auto target = Make(c);
  auto info = target->Probe();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.failure().kind, FailureKind::kUnreachable);
  EXPECT_NE(info.failure().message.find("exit code 3"), std::string::npos) << info.failure().message;
  EXPECT_NE(info.failure().stderr_tail.find("no ST-LINK found"), std::string::npos);
}

TEST_F(SerialTarget, ASilentBoardIsUnreachable) {
  // Nothing serves the master: HELLO is never acknowledged.
  auto target = Make(Config());
  auto info = target->Probe();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.failure().kind, FailureKind::kUnreachable) << info.failure().message;
  EXPECT_TRUE(info.failure().Retryable());
  EXPECT_NE(info.failure().message.find("no HELLO from the board: link failed"), std::string::npos)
      << info.failure().message;
}

TEST_F(SerialTarget, BadConfigsAreRefused) {
  TargetConfig c = Config();
  c.mcu.baud = 115201;
  auto t = MakeSerialTarget(c);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("baud 115201"), std::string::npos) << t.error().message;
  c = Config();
  c.mcu.flash_command = "st-flash write {image} 0x8000000";
  t = MakeSerialTarget(c);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("unknown placeholder '{image}'"), std::string::npos) << t.error().message;
  c = Config();
  c.mcu.flash_command = "st-flash write fw.bin 0x8000000 | tee log";
  t = MakeSerialTarget(c);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("needs a shell"), std::string::npos) << t.error().message;
  c = Config();
  c.mcu.port.clear();
  EXPECT_FALSE(MakeSerialTarget(c).ok());
}

}  // namespace
}  // namespace bsb::targets
