// The local kind against the fake agent (tests/fakes/fake_agent.cc): real child processes,
// real cache directory, real timeouts.
#include "targets/local_target.h"

#include <signal.h>

#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/fakes/object_files.h"

namespace bsb::targets {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::FakeAgentPath;
using testing::FreshDir;
using testing::SpecFor;
using testing::WriteObject;

class LocalTargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_ = FreshDir("local-cache");
    inputs_ = FreshDir("local-inputs");
    TargetConfig c;
    c.name = "x86";
    c.kind = "local";
    c.cache_dir = cache_.string();
    c.agents["x86_64"] = {"", FakeAgentPath()};
    c.agents["aarch64"] = {"", FakeAgentPath("aarch64")};
    auto t = MakeTarget(c);
    ASSERT_TRUE(t.ok()) << t.error().message;
    target_ = std::move(t).value();
    images_ = WriteObject(inputs_, "images.idx", "images");
    labels_ = WriteObject(inputs_, "labels.idx", "labels");
  }

  // A model whose first word tells the fake agent how to behave; Ensure'd with the dataset.
  std::string SpecWithModel(const std::string& behaviour) {
    Object model = WriteObject(inputs_, behaviour + ".tflite", behaviour + "\n");
    auto ensured = target_->Ensure({model, images_, labels_});
    EXPECT_TRUE(ensured.ok());
    return SpecFor(model, images_, labels_);
  }

  fs::path cache_, inputs_;
  Object images_, labels_;
  std::unique_ptr<Target> target_;
};

TEST_F(LocalTargetTest, ProbeReportsNativeArch) {
  auto info = target_->Probe();
  ASSERT_TRUE(info.ok()) << info.failure().message;
  EXPECT_EQ(info->arch, "x86_64");
  EXPECT_FALSE(info->emulated);
  EXPECT_NE(info->stamp_json.find("\"os\":\"fake\""), std::string::npos);
}

TEST_F(LocalTargetTest, EnsureCopiesOnceIntoTheContentAddressedCache) {
  Object model = WriteObject(inputs_, "m.tflite", "ok model bytes");
  auto first = target_->Ensure({model, images_});
  ASSERT_TRUE(first.ok()) << first.failure().message;
  EXPECT_EQ(first->objects_shipped, 2u);
  // "ok model bytes" (14) + "images" (6)
  EXPECT_EQ(first->bytes_shipped, 14u + 6u);
  const fs::path cached = cache_ / "targets" / "x86" / "objects" / model.sha256;
  ASSERT_TRUE(fs::exists(cached));
  EXPECT_EQ(fs::file_size(cached), 14u);

  auto second = target_->Ensure({model, images_});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->objects_shipped, 0u);
  EXPECT_EQ(second->objects_present, 2u);
  EXPECT_EQ(second->bytes_shipped, 0u);
  // No temporaries left beside the objects.
  int entries = 0;
  for (auto& e : fs::directory_iterator(cache_ / "targets" / "x86" / "objects")) {
    EXPECT_EQ(e.path().filename().string().size(), 64u) << e.path();
    ++entries;
  }
  EXPECT_EQ(entries, 2);
}

TEST_F(LocalTargetTest, RunHandsTheAgentCachedPaths) {
  auto r = target_->Run(SpecWithModel("ok"), milliseconds(20000));
  ASSERT_TRUE(r.ok()) << r.failure().message << "\n" << r.failure().stderr_tail;
  auto j = nlohmann::json::parse(r.value());
  EXPECT_EQ(j["status"], "ok");
  const std::string seen = j["model_path"];
  EXPECT_EQ(fs::path(seen).parent_path(), cache_ / "targets" / "x86" / "objects");
  EXPECT_EQ(j["model_bytes"], 3);  // "ok\n"
}

TEST_F(LocalTargetTest, UnshippedObjectIsAFailureNotARun) {
  Object stray = WriteObject(inputs_, "stray.tflite", "ok\n");
  ASSERT_TRUE(target_->Ensure({images_, labels_}).ok());
  auto r = target_->Run(SpecFor(stray, images_, labels_), milliseconds(20000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().kind, FailureKind::kFailed);
  EXPECT_NE(r.failure().message.find("model_path"), std::string::npos);
}

TEST_F(LocalTargetTest, TimeoutKillsTheAgent) {
  auto start = std::chrono::steady_clock::now();
  auto r = target_->Run(SpecWithModel("hang"), milliseconds(300));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().kind, FailureKind::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(LocalTargetTest, CrashIsFailedWithSignalAndStderrTail) {
  auto r = target_->Run(SpecWithModel("crash"), milliseconds(20000));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().kind, FailureKind::kFailed);
  EXPECT_EQ(r.failure().signal, SIGSEGV);
  EXPECT_NE(r.failure().stderr_tail.find("about to crash"), std::string::npos);
  EXPECT_NE(r.failure().message.find("SIGSEGV"), std::string::npos);
}

TEST_F(LocalTargetTest, NonZeroExitAndGarbageAreFailed) {
  auto fail = target_->Run(SpecWithModel("fail"), milliseconds(20000));
  ASSERT_FALSE(fail.ok());
  EXPECT_EQ(fail.failure().kind, FailureKind::kFailed);
  EXPECT_NE(fail.failure().stderr_tail.find("internal error"), std::string::npos);

  auto garbage = target_->Run(SpecWithModel("garbage"), milliseconds(20000));
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.failure().kind, FailureKind::kFailed);
}

TEST_F(LocalTargetTest, LargeStderrDoesNotBlockTheResult) {
  auto r = target_->Run(SpecWithModel("spew"), milliseconds(20000));
  ASSERT_TRUE(r.ok()) << r.failure().message;
}

TEST(LocalTargetConfig, ErrorsNameTheTargetAndField) {
  TargetConfig c;
  c.name = "x86";
  c.kind = "local";
  c.cache_dir = "/tmp";
  auto missing = MakeTarget(c);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no bsb-agent build for x86_64"), std::string::npos);

  c.agents["x86_64"] = {"", "/nonexistent/bsb-agent"};
  auto bad = MakeTarget(c);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("/nonexistent/bsb-agent"), std::string::npos);

  c.kind = "telnet";
  auto kind = MakeTarget(c);
  ASSERT_FALSE(kind.ok());
  EXPECT_NE(kind.error().message.find("telnet"), std::string::npos);

  c.kind = "qemu-user";
  c.arch = "mips";
  auto arch = MakeTarget(c);
  ASSERT_FALSE(arch.ok());
  EXPECT_NE(arch.error().message.find("mips"), std::string::npos);
}

}  // namespace
}  // namespace bsb::targets
