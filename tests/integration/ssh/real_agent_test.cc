// Every Linux target kind with the real bsb-agent (agent/linux): local, qemu-user aarch64 and
// armv7, and ssh to a throw-away sshd. A conformance model (ad01_int8: 640 int8 in, 640 out)
// over a synthetic IDX dataset; integer kernels are bit-exact, so the predictions must agree
// across all of them. Agents come from $BSB_AGENTS_DIR or build/agents/<arch>/bsb-agent;
// skipped (with the reason) when they are not built.
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "targets/target.h"
#include "tests/fakes/object_files.h"
#include "tests/integration/ssh/sshd_fixture.h"

namespace bsb::targets {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

const std::string kModel = std::string(BSB_SHARED_DIR) + "/conformance/ad01_int8/model.tflite";
constexpr uint32_t kSamples = 8, kRows = 20, kCols = 32;  // 20·32 = 640 = ad01's input size

std::string AgentsDir() {
  const char* env = std::getenv("BSB_AGENTS_DIR");
  return env ? env : std::string(BSB_BINARY_DIR) + "/agents";
}

AgentBinary Agent(const std::string& arch) {
  const std::string path = AgentsDir() + "/" + arch + "/bsb-agent";
  if (!fs::exists(path)) return {};
  return {testing::Sha256Of(path), path};
}

void PutBigEndian32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

class RealAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kModel)) GTEST_SKIP() << kModel << " not found (shared/conformance)";
    for (const char* arch : {"x86_64", "aarch64", "armv7"}) {
      agents_[arch] = Agent(arch);
      if (agents_[arch].local_path.empty()) GTEST_SKIP() << "no bsb-agent for " << arch << " in " << AgentsDir();
    }
    dir_ = testing::FreshDir("real-agent");
    // IDX (big-endian): images magic 0x00000803, dims count/rows/cols; labels 0x00000801, count.
    std::string images, labels;
    PutBigEndian32(images, 0x803);
    for (uint32_t d : {kSamples, kRows, kCols}) PutBigEndian32(images, d);
    uint32_t state = 12345;  // an LCG (Numerical Recipes constants): the same pixels every run
    for (uint32_t i = 0; i < kSamples * kRows * kCols; ++i) {
      state = state * 1664525u + 1013904223u;
      images += static_cast<char>(state >> 24);
    }
    PutBigEndian32(labels, 0x801);
    PutBigEndian32(labels, kSamples);
    labels += std::string(kSamples, '\3');
    images_ = testing::WriteObject(dir_, "images.idx", images);
    labels_ = testing::WriteObject(dir_, "labels.idx", labels);
    model_ = {testing::Sha256Of(kModel), kModel};
    spec_ = nlohmann::json{{"schema", 1},        {"model_path", kModel},
                           {"images_path", images_.local_path}, {"labels_path", labels_.local_path},
                           {"input_scale", 0.05}, {"scheme", "int8-only"},
                           {"warmup", 1},         {"runs", 5},
                           {"samples", kSamples}, {"threads", 1},
                           {"seed", 7}}
                .dump();
  }

  // Probe, ship, run; returns the parsed result.
  nlohmann::json RunOn(const TargetConfig& config, bool expect_emulated) {
    auto made = MakeTarget(config);
    EXPECT_TRUE(made.ok()) << made.error().message;
    if (!made.ok()) return {};
    auto& target = *made.value();
    auto info = target.Probe();
    EXPECT_TRUE(info.ok()) << info.failure().message << info.failure().stderr_tail;
    if (!info.ok()) return {};
    EXPECT_EQ(nlohmann::json::parse(info->stamp_json)["emulated"], expect_emulated) << info->stamp_json;
    auto ensured = target.Ensure({model_, images_, labels_});
    EXPECT_TRUE(ensured.ok()) << ensured.failure().message;
    auto r = target.Run(spec_, seconds(120));
    EXPECT_TRUE(r.ok()) << r.failure().message << "\n" << r.failure().stderr_tail;
    if (!r.ok()) return {};
    auto result = nlohmann::json::parse(r.value());
    EXPECT_EQ(result["status"], "ok") << r.value();
    EXPECT_EQ(result["stamp"]["emulated"], expect_emulated);
    return result;
  }

  TargetConfig Base(const std::string& name, const std::string& kind) {
    TargetConfig c;
    c.name = name;
    c.kind = kind;
    c.cache_dir = (dir_ / "cache").string();
    c.agents = agents_;
    return c;
  }

  std::map<std::string, AgentBinary> agents_;
  fs::path dir_;
  Object model_, images_, labels_;
  std::string spec_;
};

TEST_F(RealAgentTest, LocalQemuAndSshAgreeOnIntegerPredictions) {
  const auto local = RunOn(Base("x86", "local"), false);
  auto arm64 = Base("arm64-emu", "qemu-user");
  arm64.arch = "aarch64";
  const auto emu64 = RunOn(arm64, true);
  auto arm32 = Base("armv7-emu", "qemu-user");
  arm32.arch = "armv7";
  const auto emu32 = RunOn(arm32, true);
  testing::Sshd sshd;
  ASSERT_TRUE(sshd.error().empty()) << sshd.error();
  auto ssh = sshd.Config("box");
  ssh.agents = agents_;
  const auto remote = RunOn(ssh, false);

  ASSERT_TRUE(local.contains("predictions")) << local.dump();
  EXPECT_EQ(local["predictions"], emu64["predictions"]);
  EXPECT_EQ(local["predictions"], emu32["predictions"]);
  EXPECT_EQ(local["predictions"], remote["predictions"]);
}

}  // namespace
}  // namespace bsb::targets
