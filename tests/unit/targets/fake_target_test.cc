// The fake target behaves as its header promises, so scheduler tests can trust it.
#include "tests/fakes/fake_target.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace bsb::targets {
namespace {

using std::chrono::milliseconds;
using Kind = FakeBehaviour::Kind;

TEST(FakeTarget, SucceedsWithTheGivenResultAndRecordsSpecs) {
  FakeTarget t("fake");
  t.SetDefault(FakeBehaviour::Succeed(R"({"status":"ok","x":1})"));
  auto r = t.Run("spec-1", milliseconds(100));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), R"({"status":"ok","x":1})");
  EXPECT_EQ(t.specs_seen(), std::vector<std::string>{"spec-1"});
  EXPECT_EQ(t.run_calls(), 1);
}

TEST(FakeTarget, FlakesThenSucceeds) {
  FakeTarget t("fake");
  t.Flake(2);
  for (int i = 0; i < 2; ++i) {
    auto r = t.Run("s", milliseconds(100));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.failure().kind, FailureKind::kTransport);
    EXPECT_TRUE(r.failure().Retryable());
  }
  EXPECT_TRUE(t.Run("s", milliseconds(100)).ok());
}

TEST(FakeTarget, HangsForTheTimeoutOrUntilReleased) {
  FakeTarget t("fake");
  t.SetDefault(FakeBehaviour::Of(Kind::kHang));
  auto start = std::chrono::steady_clock::now();
  auto r = t.Run("s", milliseconds(150));
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(150));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().kind, FailureKind::kTimeout);

  std::thread releaser([&] {
    std::this_thread::sleep_for(milliseconds(50));
    t.ReleaseHangs();
  });
  start = std::chrono::steady_clock::now();
  auto released = t.Run("s", std::chrono::minutes(5));
  releaser.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(released.failure().kind, FailureKind::kTimeout);
}

TEST(FakeTarget, CrashesAndFails) {
  FakeTarget t("fake");
  t.Queue(FakeBehaviour::Of(Kind::kCrash));
  t.Queue(FakeBehaviour::Of(Kind::kFail));
  auto crash = t.Run("s", milliseconds(100));
  EXPECT_EQ(crash.failure().kind, FailureKind::kFailed);
  EXPECT_EQ(crash.failure().signal, 11);
  EXPECT_FALSE(crash.failure().stderr_tail.empty());
  auto fail = t.Run("s", milliseconds(100));
  EXPECT_EQ(fail.failure().kind, FailureKind::kFailed);
  EXPECT_EQ(fail.failure().signal, 0);
}

TEST(FakeTarget, UnreachableEverywhere) {
  FakeTarget t("fake");
  t.SetDefault(FakeBehaviour::Of(Kind::kUnreachable));
  EXPECT_EQ(t.Probe().failure().kind, FailureKind::kUnreachable);
  EXPECT_EQ(t.Ensure({}).failure().kind, FailureKind::kUnreachable);
  EXPECT_EQ(t.Run("s", milliseconds(10)).failure().kind, FailureKind::kUnreachable);
  EXPECT_EQ(t.probe_calls(), 1);
}

TEST(FakeTarget, EnsureShipsEachObjectOnce) {
  FakeTarget t("fake");
  const std::string sha(64, 'a');
  auto first = t.Ensure({{sha, "/x"}});
  auto second = t.Ensure({{sha, "/x"}});
  EXPECT_EQ(first->objects_shipped, 1u);
  EXPECT_EQ(second->objects_shipped, 0u);
  EXPECT_EQ(second->objects_present, 1u);
}

}  // namespace
}  // namespace bsb::targets
