// Real models on the emulated Cortex-M4: conformance models from ../shared/conformance are sent
// over the serial link and run by agent/runtime inside the firmware; the outputs must match
// TFLite Micro's golden outputs (integer models bit-identical, float within 1e-4 relative).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/serial/qemu_board.h"

namespace bsb::serial::testing {
namespace {

std::filesystem::path Conformance(const std::string& name) {
  return std::filesystem::path(BSB_SHARED_DIR) / "conformance" / name;
}

std::vector<uint8_t> Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

class QemuRuntime : public QemuBoard {
 protected:
  // Runs golden pairs 0..pairs-1 of `name`; returns false (after reporting) on any mismatch.
  void RunGolden(const std::string& name, int pairs, bool is_float) {
    const auto dir = Conformance(name);
    if (!std::filesystem::exists(dir / "model.tflite")) {
      GTEST_SKIP() << "conformance set absent: " << dir;
    }
    HostSession session = MakeSession();
    BoardInfo info;
    const HostOutcome hello = session.Hello(77, &info);
    ASSERT_TRUE(hello.ok()) << hello.message;
    if (info.runtime_version.empty()) GTEST_SKIP() << "firmware built without agent/runtime";
    const std::vector<uint8_t> model = Read(dir / "model.tflite");
    const HostOutcome load = session.LoadModel(model.data(), model.size());
    if (load.error_code == kErrorModelInvalid &&
        load.message.find("not supported by this runtime") != std::string::npos) {
      // The model crossed the link intact (size and CRC verified); the runtime lacks an op.
      GTEST_SKIP() << name << ": " << load.message;
    }
    ASSERT_TRUE(load.ok()) << name << ": " << HostStatusName(load.status) << ": " << load.message;
    for (int k = 0; k < pairs; ++k) {
      const std::vector<uint8_t> input = Read(dir / ("in_" + std::to_string(k) + ".bin"));
      const std::vector<uint8_t> golden = Read(dir / ("out_" + std::to_string(k) + ".bin"));
      ASSERT_TRUE(session.SetInput(0, input.data(), input.size()).ok());
      RunOutcome out;
      const HostOutcome run = session.Run(RunRequest{1, 3, kOutputTensor}, &out);
      ASSERT_TRUE(run.ok()) << name << " pair " << k << ": " << run.message;
      ASSERT_EQ(out.outputs.size(), golden.size()) << name;
      if (is_float) {
        for (size_t i = 0; i + 4 <= golden.size(); i += 4) {
          float got = 0;
          float want = 0;
          std::memcpy(&got, &out.outputs[i], 4);
          std::memcpy(&want, &golden[i], 4);
          EXPECT_LE(std::fabs(got - want), 1e-4f * std::max(1.0f, std::fabs(want)))
              << name << " pair " << k << " element " << i / 4;
        }
      } else {
        EXPECT_EQ(out.outputs, golden) << name << " pair " << k << ": not bit-identical";
      }
      ASSERT_EQ(out.ticks.size(), 3u);
      for (uint64_t t : out.ticks) EXPECT_GT(t, 0u) << "the tick counter must advance";
      EXPECT_GT(out.arena_bytes, 0u);
      EXPECT_LE(out.arena_bytes, 1u << 20);
      EXPECT_GT(out.stack_high_water_bytes, 0u);
      EXPECT_LT(out.stack_high_water_bytes, 32u * 1024);
      std::printf("[serial] %s pair %d on mps2-an386: ticks %llu %llu %llu at %u Hz "
                  "(icount shift 0: 1 tick = 40 instructions), arena %u B, stack %u B, "
                  "firmware flash %u B, firmware RAM %u B, model %zu B\n",
                  name.c_str(), k, static_cast<unsigned long long>(out.ticks[0]),
                  static_cast<unsigned long long>(out.ticks[1]),
                  static_cast<unsigned long long>(out.ticks[2]), info.clock_hz, out.arena_bytes,
                  out.stack_high_water_bytes, info.firmware_flash_bytes, info.firmware_ram_bytes,
                  model.size());
    }
  }
};

TEST_F(QemuRuntime, HelloWorldInt8IsBitIdenticalToTfliteMicro) { RunGolden("hello_world_int8", 3, false); }

TEST_F(QemuRuntime, HelloWorldFloatMatchesTfliteMicro) { RunGolden("hello_world_float", 3, true); }

TEST_F(QemuRuntime, MnistFfnInt8IsBitIdenticalToTfliteMicro) { RunGolden("mnist_ffn_int8", 2, false); }

// Pixel mode converts on the device exactly as bsb-agent does on Linux: the same outputs as
// sending the host-quantized bytes raw.
TEST_F(QemuRuntime, PixelInputIsQuantizedLikeTheLinuxAgent) {
  const auto dir = Conformance("hello_world_int8");
  if (!std::filesystem::exists(dir / "model.tflite")) GTEST_SKIP() << "conformance set absent";
  std::ifstream expect_file(dir / "expect.json");
  const auto expect = nlohmann::json::parse(expect_file, nullptr, false);
  ASSERT_FALSE(expect.is_discarded());
  const double scale = static_cast<float>(expect["inputs"][0]["scale"].get<double>());
  const int zero_point = expect["inputs"][0]["zero_point"].get<int>();
  HostSession session = MakeSession();
  BoardInfo info;
  ASSERT_TRUE(session.Hello(8, &info).ok());
  if (info.runtime_version.empty()) GTEST_SKIP() << "firmware built without agent/runtime";
  const std::vector<uint8_t> model = Read(dir / "model.tflite");
  ASSERT_TRUE(session.LoadModel(model.data(), model.size()).ok());
  const double input_scale = 6.283 / 255;  // pixels 0..255 span the sine's 0..2π
  for (uint8_t pixel : {0, 1, 37, 128, 200, 255}) {
    const double q = std::round(pixel * input_scale / scale) + zero_point;
    const auto raw = static_cast<uint8_t>(static_cast<int8_t>(std::clamp(q, -128.0, 127.0)));
    RunOutcome by_host;
    RunOutcome by_device;
    ASSERT_TRUE(session.SetInput(0, &raw, 1).ok());
    ASSERT_TRUE(session.Run(RunRequest{0, 1, kOutputTensor, kInputRaw, 1.0}, &by_host).ok());
    ASSERT_TRUE(session.SetInput(0, &pixel, 1).ok());
    const HostOutcome run = session.Run(RunRequest{0, 1, kOutputTensor, kInputPixels, input_scale}, &by_device);
    ASSERT_TRUE(run.ok()) << run.message;
    EXPECT_EQ(by_device.outputs, by_host.outputs) << "pixel " << int{pixel};
  }
}

TEST_F(QemuRuntime, AWrongSizedInputIsRefused) {
  const auto dir = Conformance("hello_world_int8");
  if (!std::filesystem::exists(dir / "model.tflite")) GTEST_SKIP() << "conformance set absent";
  HostSession session = MakeSession();
  BoardInfo info;
  ASSERT_TRUE(session.Hello(5, &info).ok());
  if (info.runtime_version.empty()) GTEST_SKIP() << "firmware built without agent/runtime";
  const std::vector<uint8_t> model = Read(dir / "model.tflite");
  ASSERT_TRUE(session.LoadModel(model.data(), model.size()).ok());
  const uint8_t input[7] = {};
  ASSERT_TRUE(session.SetInput(0, input, sizeof input).ok());
  RunOutcome out;
  const HostOutcome run = session.Run(RunRequest{0, 1, kOutputTop1}, &out);
  EXPECT_EQ(run.error_code, kErrorInputSize) << run.message;
  EXPECT_NE(run.message.find("7 bytes"), std::string::npos) << run.message;
}

TEST_F(QemuRuntime, GarbageModelIsRejectedByTheRuntime) {
  HostSession session = MakeSession();
  BoardInfo info;
  ASSERT_TRUE(session.Hello(6, &info).ok());
  if (info.runtime_version.empty()) GTEST_SKIP() << "firmware built without agent/runtime";
  std::vector<uint8_t> junk(2048, 0xA5);
  const HostOutcome load = session.LoadModel(junk.data(), junk.size());
  EXPECT_EQ(load.error_code, kErrorModelInvalid) << load.message;
  EXPECT_FALSE(load.message.empty());
}

}  // namespace
}  // namespace bsb::serial::testing
