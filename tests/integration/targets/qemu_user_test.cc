// qemu-user targets run a cross-built (fake) agent under qemu-<arch>-static, no binfmt.
#include <signal.h>

#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "targets/local_target.h"
#include "tests/fakes/object_files.h"

namespace bsb::targets {
namespace {

using std::chrono::milliseconds;
using testing::FakeAgentPath;
using testing::FreshDir;
using testing::SpecFor;
using testing::WriteObject;

class QemuUserTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(FakeAgentPath(GetParam()))) {
      GTEST_SKIP() << "no cross compiler built " << FakeAgentPath(GetParam());
    }
    TargetConfig c;
    c.name = GetParam() + "-emu";
    c.kind = "qemu-user";
    c.arch = GetParam();
    c.cache_dir = FreshDir("qemu-cache").string();
    c.agents[GetParam()] = {"", FakeAgentPath(GetParam())};
    auto t = MakeTarget(c);
    ASSERT_TRUE(t.ok()) << t.error().message;
    target_ = std::move(t).value();
    inputs_ = FreshDir("qemu-inputs");
  }
  std::string Spec(const std::string& behaviour) {
    Object model = WriteObject(inputs_, behaviour + ".tflite", behaviour + "\n");
    Object images = WriteObject(inputs_, "i.idx", "i");
    Object labels = WriteObject(inputs_, "l.idx", "l");
    EXPECT_TRUE(target_->Ensure({model, images, labels}).ok());
    return SpecFor(model, images, labels);
  }
  std::unique_ptr<Target> target_;
  std::filesystem::path inputs_;
};

TEST_P(QemuUserTest, ProbeSeesTheEmulatedArchAndSaysEmulated) {
  auto info = target_->Probe();
  ASSERT_TRUE(info.ok()) << info.failure().message << info.failure().stderr_tail;
  EXPECT_EQ(info->arch, GetParam());
  EXPECT_TRUE(info->emulated);
  EXPECT_NE(info->emulated_reason.find("qemu-"), std::string::npos);
}

TEST_P(QemuUserTest, RunsACell) {
  auto r = target_->Run(Spec("ok"), milliseconds(30000));
  ASSERT_TRUE(r.ok()) << r.failure().message << r.failure().stderr_tail;
  EXPECT_EQ(nlohmann::json::parse(r.value())["status"], "ok");
}

TEST_P(QemuUserTest, TimeoutKillsTheEmulator) {
  auto r = target_->Run(Spec("hang"), milliseconds(500));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().kind, FailureKind::kTimeout);
}

TEST_P(QemuUserTest, GuestCrashIsFailedWithItsSignal) {
  auto r = target_->Run(Spec("crash"), milliseconds(30000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().kind, FailureKind::kFailed);
  EXPECT_EQ(r.failure().signal, SIGSEGV);
}

INSTANTIATE_TEST_SUITE_P(Arches, QemuUserTest, ::testing::Values("aarch64", "armv7"));

}  // namespace
}  // namespace bsb::targets
