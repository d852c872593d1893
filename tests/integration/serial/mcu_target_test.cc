// The qemu-mcu target end to end through the Target interface: the firmware under
// qemu-system-arm -M mps2-an386 -icount shift=0 runs real int8 models from the conformance
// set (read at test time from BSB_SHARED_DIR), fed from IDX files made of their golden inputs.
// Predictions and accuracy must equal the x86 run of the same cell spec through the same
// runtime (agent::RunCell); instruction counts must repeat across boots bit for bit; a
// fault-injecting proxy may make a cell fail, never change a number; a halted board is a
// timeout and the next cell runs after QEMU restarts.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/common/idx.h"
#include "agent/linux/harness.h"
#include "agent/protocol/cell_spec.h"
#include "agent/protocol/result.h"
#include "agent/protocol/serial_frame.h"
#include "agent/runtime/model.h"
#include "agent/runtime/model_stats.h"
#include "targets/mcu_target.h"
#include "targets/target.h"

namespace bsb::targets {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr const char* kFirmware = BSB_BINARY_DIR "/agent/mcu/bsb-firmware-mps2-an386.elf";
// SysTick runs at mps2-an386's 25 MHz: one tick is 40 ns, 40 instructions under -icount shift=0.
constexpr double kTickInstructions = 40;
// How far a cell under the fault proxy may drift from the clean run, in ticks: a re-sent frame arriving
// mid-run adds its UART interrupt to the timed region.
constexpr double kRepeatTicks = 3;

std::vector<uint8_t> ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void WriteBytes(const fs::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

// Flips each byte's random bit with probability `rate`, both directions, seeded.
class BitFlipProxy final : public ByteFilter {
 public:
  BitFlipProxy(uint32_t seed, double rate) : rng_(seed), rate_(rate) {}
  void ToDevice(std::vector<uint8_t>* bytes) override { Flip(bytes); }
  void ToHost(std::vector<uint8_t>* bytes) override { Flip(bytes); }
  uint64_t flips() const { return flips_; }

 private:
  void Flip(std::vector<uint8_t>* bytes) {
    std::bernoulli_distribution hit(rate_);
    for (auto& b : *bytes) {
      if (hit(rng_)) {
        b ^= static_cast<uint8_t>(1u << (rng_() % 8));
        ++flips_;
      }
    }
  }
  std::mt19937 rng_;
  double rate_;
  uint64_t flips_ = 0;
};

// A cell made of a conformance model's golden inputs: pixel p = clamp(q - zero_point, 0, 255)
// with input_scale = the input's scale quantizes back to q wherever q - zero_point fits a
// pixel (all of hello_world_int8's inputs; ad01_int8's zero point 89 clamps most of them,
// which changes nothing for the x86 comparison). Labels: the x86 predictions, one made wrong
// so accuracy is not trivially 0 or 1.
class McuCell : public ::testing::Test {
 protected:
  void SetUp() override {
    if (access(kFirmware, R_OK) != 0) GTEST_SKIP() << "firmware not built: " << kFirmware;
    if (!fs::exists(fs::path(BSB_SHARED_DIR) / "conformance")) GTEST_SKIP() << "conformance set absent";
    char dir_template[] = "/tmp/bsb-mcu-target-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    dir_ = dir_template;
  }

  // Builds spec_ for `name` (3 samples, 5 timed runs) and its x86 result x86_.
  void UseModel(const std::string& name) {
    model_dir_ = fs::path(BSB_SHARED_DIR) / "conformance" / name;
    std::ifstream expect_file(model_dir_ / "expect.json");
    const auto expect = nlohmann::json::parse(expect_file, nullptr, false);
    ASSERT_FALSE(expect.is_discarded()) << model_dir_;
    const double scale = expect["inputs"][0]["scale"].get<double>();
    const int zero_point = expect["inputs"][0]["zero_point"].get<int>();
    uint32_t classes = 1;
    for (const auto& d : expect["outputs"][0]["shape"]) classes *= d.get<uint32_t>();
    idx::Images images;
    images.count = 3;
    for (int k = 0; k < 3; ++k) {
      const std::vector<uint8_t> in = ReadBytes(model_dir_ / ("in_" + std::to_string(k) + ".bin"));
      images.rows = 1;
      images.cols = static_cast<uint32_t>(in.size());
      for (uint8_t q : in) {
        images.pixels.push_back(static_cast<uint8_t>(std::clamp(static_cast<int8_t>(q) - zero_point, 0, 255)));
      }
    }
    WriteBytes(dir_ / "images.idx", idx::EncodeImages(images));
    idx::Labels labels;
    labels.values = {0, 0, 0};
    WriteBytes(dir_ / "labels.idx", idx::EncodeLabels(labels));
    spec_.model_path = (model_dir_ / "model.tflite").string();
    spec_.images_path = (dir_ / "images.idx").string();
    spec_.labels_path = (dir_ / "labels.idx").string();
    spec_.input_scale = static_cast<float>(scale);
    spec_.scheme = "int8-only";
    spec_.warmup = 1;
    spec_.runs = 5;
    spec_.samples = 3;
    spec_.seed = 7;
    // x86 once to learn its predictions, then labels from them (one wrong), then x86 again.
    agent::HarnessReport first = agent::RunCell(spec_, protocol::Stamp{});
    ASSERT_EQ(first.result.status, protocol::ResultStatus::kOk) << first.result.error;
    for (int k = 0; k < 3; ++k) {
      const uint32_t p = first.result.predictions[static_cast<size_t>(k)];
      const uint32_t label = k == 2 ? (p + 1) % classes : p;  // one class only: never wrong
      labels.values[static_cast<size_t>(k)] = static_cast<uint8_t>(label % 256);
    }
    WriteBytes(dir_ / "labels.idx", idx::EncodeLabels(labels));
    x86_ = agent::RunCell(spec_, protocol::Stamp{}).result;
    ASSERT_EQ(x86_.status, protocol::ResultStatus::kOk) << x86_.error;
  }

  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  TargetConfig Config() const {
    TargetConfig c;
    c.name = "m4-emu";
    c.kind = "qemu-mcu";
    c.mcu.board = "mps2-an386";
    c.mcu.firmware = kFirmware;
    c.log = [](const std::string& line) { std::printf("[serial] %s\n", line.c_str()); };
    return c;
  }

  std::unique_ptr<Target> Make(std::shared_ptr<ByteFilter> filter = nullptr) const {
    auto t = MakeQemuMcuTarget(Config(), std::move(filter));
    EXPECT_TRUE(t.ok()) << t.error().message;
    auto target = std::move(t).value();
    auto ensured = target->Ensure({{std::string(64, 'a'), spec_.model_path},
                                   {std::string(64, 'b'), spec_.images_path},
                                   {std::string(64, 'c'), spec_.labels_path}});
    EXPECT_TRUE(ensured.ok()) << ensured.failure().message;
    return target;
  }

  // Runs the spec; the parsed result, or a failed test.
  protocol::CellResult RunOk(Target& target, const protocol::CellSpec& spec, milliseconds timeout = milliseconds(60'000)) {
    auto out = target.Run(protocol::SerializeCellSpec(spec), timeout);
    EXPECT_TRUE(out.ok()) << out.failure().message << "\n" << out.failure().stderr_tail;
    if (!out.ok()) return {};
    auto parsed = protocol::ParseResult(out.value());
    EXPECT_TRUE(parsed.ok()) << parsed.error() << "\n" << out.value();
    return parsed.ok() ? parsed.value() : protocol::CellResult{};
  }

  // Multiply-accumulates per inference of the current model, from its flatbuffer.
  int64_t Macs() const {
    const std::vector<uint8_t> bytes = ReadBytes(spec_.model_path);
    rt::Model model;
    rt::ErrorReporter reporter;
    if (rt::LoadModel(bytes.data(), bytes.size(), &model, &reporter) != rt::Status::kOk) return 0;
    return rt::ComputeModelStats(model).macs;
  }
  void PrintPerMac(const std::string& name, const protocol::Metrics& m) const {
    const int64_t macs = Macs();
    std::printf("[serial] %s on the emulated M4: %llu instructions per inference, %lld MACs, "
                "%.2f instructions per MAC\n",
                name.c_str(), static_cast<unsigned long long>(m.instructions.value_or(0)),
                static_cast<long long>(macs),
                macs > 0 ? static_cast<double>(m.instructions.value_or(0)) / static_cast<double>(macs) : 0.0);
  }

  fs::path model_dir_, dir_;
  protocol::CellSpec spec_;
  protocol::CellResult x86_;
};

TEST_F(McuCell, ProbeSaysHelloAndStampsEmulated) {
  UseModel("hello_world_int8");
  auto target = Make();
  auto info = target->Probe();
  ASSERT_TRUE(info.ok()) << info.failure().message;
  EXPECT_EQ(info->arch, "cortex-m4");
  EXPECT_EQ(info->os, "bare-metal");
  EXPECT_TRUE(info->emulated);
  auto stamp = protocol::ParseStamp(info->stamp_json);
  ASSERT_TRUE(stamp.ok()) << stamp.error();
  EXPECT_EQ(stamp->device, "QEMU mps2-an386");
  EXPECT_NE(stamp->emulated_reason.find("-icount shift=0"), std::string::npos);
  EXPECT_FALSE(stamp->runtime_version.empty()) << "firmware built without agent/runtime";
}

TEST_F(McuCell, Int8CellMatchesX86AndRepeatsItsTiming) {
  UseModel("ad01_int8");  // ten FULLY_CONNECTED layers, 640 → 128 → … → 640, 277 KB
  const protocol::CellResult& x86 = x86_;
  protocol::CellResult first;
  protocol::CellResult second;
  {
    auto target = Make();
    first = RunOk(*target, spec_);
  }
  {
    auto target = Make();  // a fresh QEMU: determinism across boots
    second = RunOk(*target, spec_);
  }
  ASSERT_EQ(first.status, protocol::ResultStatus::kOk) << first.error;
  EXPECT_EQ(first.predictions, x86.predictions);
  ASSERT_TRUE(first.metrics && x86.metrics);
  EXPECT_EQ(first.metrics->accuracy, x86.metrics->accuracy);
  EXPECT_GT(first.metrics->accuracy, 0.0);
  EXPECT_LT(first.metrics->accuracy, 1.0);
  EXPECT_EQ(first.metrics->samples, 3u);
  EXPECT_EQ(first.metrics->size_bytes, fs::file_size(model_dir_ / "model.tflite"));
  EXPECT_TRUE(first.stamp.emulated);
  EXPECT_EQ(first.stamp.arch, "cortex-m4");

  // Memory: reported, and the arena agrees with the x86 planner (same runtime, same model).
  const protocol::Metrics& m = *first.metrics;
  ASSERT_TRUE(m.arena_bytes && m.stack_bytes && m.flash_bytes && m.ram_bytes && m.instructions);
  EXPECT_GT(*m.arena_bytes, 0u);  // the x86 build plans 64-bit pointers: its arena differs
  EXPECT_GT(*m.stack_bytes, 0u);
  EXPECT_GT(*m.flash_bytes, m.size_bytes) << "firmware image + model";
  EXPECT_GT(*m.ram_bytes, *m.arena_bytes) << "firmware RAM + arena";
  EXPECT_FALSE(m.cycles.has_value()) << "QEMU has no cycle counter: instructions only";
  EXPECT_GT(*m.instructions, 0u);

  // -icount shift=0: the same cell executes the same instructions on every run and every boot.
  // The firmware restarts its tick counter from zero for each timed run (board::StartTimer), so
  // the counter's phase at the start is the same every time and the figures repeat bit for
  // bit: within one boot (min = max) and across boots.
  ASSERT_EQ(second.status, protocol::ResultStatus::kOk) << second.error;
  EXPECT_EQ(second.predictions, first.predictions);
  EXPECT_EQ(m.latency_ms.min, m.latency_ms.max) << "every timed run of one boot alike";
  EXPECT_EQ(*second.metrics->instructions, *m.instructions);
  EXPECT_EQ(second.metrics->latency_ms.min, m.latency_ms.min);
  EXPECT_EQ(second.metrics->latency_ms.max, m.latency_ms.max);
  // A plausible figure, not wrapped-around ticks: ad01_int8 is ≈ 3 M instructions.
  EXPECT_GT(*m.instructions, 1'000'000u);
  EXPECT_LT(*m.instructions, 100'000'000u);
  PrintPerMac("ad01_int8", m);
  std::printf("[serial] instructions per inference, boot 1 vs boot 2: %llu vs %llu\n",
              static_cast<unsigned long long>(*m.instructions),
              static_cast<unsigned long long>(*second.metrics->instructions));

  std::printf("[serial] ad01_int8 on qemu mps2-an386: %llu instructions per inference "
              "(latency %.4f ms virtual), arena %llu B, stack %llu B, flash %llu B, RAM %llu B\n",
              static_cast<unsigned long long>(*m.instructions), m.latency_ms.mean,
              static_cast<unsigned long long>(*m.arena_bytes), static_cast<unsigned long long>(*m.stack_bytes),
              static_cast<unsigned long long>(*m.flash_bytes), static_cast<unsigned long long>(*m.ram_bytes));
}

TEST_F(McuCell, FaultInjectingProxyNeverChangesANumber) {
  UseModel("hello_world_int8");
  protocol::CellResult clean;
  {
    auto target = Make();
    clean = RunOk(*target, spec_);
  }
  ASSERT_EQ(clean.status, protocol::ResultStatus::kOk);
  PrintPerMac("hello_world_int8", *clean.metrics);
  int succeeded = 0;
  for (uint32_t seed : {1u, 2u, 3u, 4u}) {
    // 1 flipped bit per ~2000 bytes: about 40 % of full 1039-byte LOAD frames arrive damaged
    // (1 - (1 - 1/2000)^1039), so every cell sees NAKs and re-sends.
    auto proxy = std::make_shared<BitFlipProxy>(seed, 1.0 / 2000);
    auto target = Make(proxy);
    auto out = target->Run(protocol::SerializeCellSpec(spec_), milliseconds(60'000));
    std::printf("[serial] proxy seed %u: %llu bits flipped, cell %s\n", seed,
                static_cast<unsigned long long>(proxy->flips()), out.ok() ? "ok" : out.failure().message.c_str());
    if (!out.ok()) continue;  // failing is allowed; a different number is not
    auto r = protocol::ParseResult(out.value());
    ASSERT_TRUE(r.ok()) << r.error();
    ASSERT_EQ(r->status, protocol::ResultStatus::kOk) << r->error;
    EXPECT_EQ(r->predictions, clean.predictions);
    EXPECT_EQ(r->metrics->accuracy, clean.metrics->accuracy);
    EXPECT_EQ(r->metrics->arena_bytes, clean.metrics->arena_bytes);
    EXPECT_EQ(r->metrics->flash_bytes, clean.metrics->flash_bytes);
    EXPECT_EQ(r->metrics->ram_bytes, clean.metrics->ram_bytes);
    // Timing within kRepeatTicks of the clean run; a re-sent frame
    // arriving mid-run would add its UART interrupt's few instructions on top.
    EXPECT_NEAR(static_cast<double>(*r->metrics->instructions), static_cast<double>(*clean.metrics->instructions),
                kRepeatTicks * kTickInstructions);
    ++succeeded;
  }
  EXPECT_GT(succeeded, 0) << "at this rate the bounded re-sends should carry most cells through";
  std::printf("[serial] %d of 4 faulty cells completed (identical to the clean run)\n", succeeded);
}

// A board that halts mid-RUN: once the host sends RUN, the proxy lets the device's ACK of it
// through (one frame: two 0x00 delimiters) and then nothing more, once — as if the firmware
// hung after taking the request. The restarted QEMU behind the same proxy talks normally.
class HaltOnceProxy final : public ByteFilter {
 public:
  void ToDevice(std::vector<uint8_t>* bytes) override {
    // A frame on the wire is 0x00, COBS(type, …), 0x00; the type is the first byte after the
    // COBS code byte (a type is never 0, so the code byte is at least 2).
    if (!used_ && bytes->size() > 3 && (*bytes)[0] == 0 && (*bytes)[2] == serial::kFrameRun) armed_ = true;
  }
  void ToHost(std::vector<uint8_t>* bytes) override {
    if (!armed_ || used_) return;
    std::vector<uint8_t> kept;
    for (uint8_t b : *bytes) {
      if (delimiters_ >= 2) {
        halted_ = true;
        continue;
      }
      kept.push_back(b);
      if (b == 0) ++delimiters_;
    }
    *bytes = kept;
    if (delimiters_ >= 2) halted_ = true;
  }
  // After the halted cell: the next QEMU is left alone.
  void Release() { used_ = armed_; }
  bool halted() const { return halted_; }

 private:
  bool armed_ = false;
  bool used_ = false;
  bool halted_ = false;
  int delimiters_ = 0;
};

TEST_F(McuCell, HaltIsATimeoutAndTheNextCellRunsAfterARestart) {
  UseModel("hello_world_int8");
  auto proxy = std::make_shared<HaltOnceProxy>();
  auto target = Make(proxy);
  const auto start = std::chrono::steady_clock::now();
  auto out = target->Run(protocol::SerializeCellSpec(spec_), milliseconds(3'000));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(out.ok()) << "the halted board answered?";
  EXPECT_TRUE(proxy->halted());
  EXPECT_EQ(out.failure().kind, FailureKind::kTimeout) << out.failure().message;
  EXPECT_TRUE(out.failure().Retryable());
  EXPECT_NE(out.failure().message.find("no answer from the device"), std::string::npos) << out.failure().message;
  EXPECT_LT(seconds, 6.0) << "the cell timeout bounds the wait";
  proxy->Release();
  // The next cell: QEMU restarted, the model downloaded again, the right answers.
  const protocol::CellResult next = RunOk(*target, spec_);
  ASSERT_EQ(next.status, protocol::ResultStatus::kOk) << next.error;
  EXPECT_EQ(next.predictions, x86_.predictions);
}

TEST_F(McuCell, OverBudgetAndMcuLessSchemesAreUnsupportedWithTheNumbers) {
  UseModel("hello_world_int8");
  TargetConfig c = Config();
  c.mcu.budget_flash_bytes = 32 * 1024;  // below the 36 KB firmware image + the model
  auto t = MakeQemuMcuTarget(c);
  ASSERT_TRUE(t.ok());
  auto target = std::move(t).value();
  ASSERT_TRUE(target->Ensure({{std::string(64, 'a'), spec_.model_path},
                              {std::string(64, 'b'), spec_.images_path},
                              {std::string(64, 'c'), spec_.labels_path}}).ok());
  auto out = target->Run(protocol::SerializeCellSpec(spec_), milliseconds(30'000));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.failure().kind, FailureKind::kUnsupported);
  const std::string model_bytes = std::to_string(fs::file_size(model_dir_ / "model.tflite"));
  EXPECT_NE(out.failure().message.find("model " + model_bytes + " B + firmware "), std::string::npos)
      << out.failure().message;
  EXPECT_NE(out.failure().message.find("exceeds the 32768 B budget of mps2-an386"), std::string::npos)
      << out.failure().message;

  protocol::CellSpec dynamic = spec_;
  dynamic.scheme = "dynamic";
  out = target->Run(protocol::SerializeCellSpec(dynamic), milliseconds(30'000));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.failure().kind, FailureKind::kUnsupported);
  EXPECT_NE(out.failure().message.find("dynamic"), std::string::npos);
}

TEST(McuTargetConfig, BadConfigsAreRefusedWithTheReason) {
  TargetConfig c;
  c.name = "m4";
  c.kind = "qemu-mcu";
  c.mcu.board = "mps2-an385";
  auto t = MakeQemuMcuTarget(c);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("unknown board 'mps2-an385' (known: mps2-an386"), std::string::npos)
      << t.error().message;
  c.mcu.board = "nucleo-l4r5zi";
  t = MakeQemuMcuTarget(c);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("has no QEMU machine"), std::string::npos) << t.error().message;
  c.mcu.board = "mps2-an386";
  c.mcu.firmware = "/nonexistent.elf";
  t = MakeQemuMcuTarget(c);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("firmware ELF '/nonexistent.elf'"), std::string::npos) << t.error().message;
}

}  // namespace
}  // namespace bsb::targets
