// Network faults against an sshd inside a network namespace reached over a veth pair:
// the link cut mid-cell, the server killed, packets dropped by nftables. Needs root (it
// creates namespaces and links); skips with a message otherwise.
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/subprocess.h"
#include "targets/ssh_target.h"
#include "tests/fakes/object_files.h"
#include "tests/integration/ssh/netns.h"
#include "tests/integration/ssh/sshd_fixture.h"

namespace bsb::targets {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FreshDir;
using testing::Sshd;
using testing::SpecFor;
using testing::WriteObject;

using testing::NetNs;

class SshFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!netns_.error().empty()) GTEST_SKIP() << netns_.error();
    remote_ = std::make_unique<Sshd>(testing::SshdOptions{.netns = netns_.name(), .listen_address = netns_.ns_ip()});
    if (!remote_->error().empty()) GTEST_SKIP() << "cannot run sshd in a namespace: " << remote_->error();
    inputs_ = FreshDir("faults-inputs");
    images_ = WriteObject(inputs_, "images.idx", "images");
    labels_ = WriteObject(inputs_, "labels.idx", "labels");
  }
  std::unique_ptr<Target> Make(const TargetConfig& c) {
    auto t = MakeTarget(c);
    EXPECT_TRUE(t.ok()) << t.error().message;
    return std::move(t).value();
  }
  std::string Spec(Target& t, const std::string& behaviour) {
    Object model = WriteObject(inputs_, behaviour + ".tflite", behaviour + "\n");
    auto ensured = t.Ensure({model, images_, labels_});
    EXPECT_TRUE(ensured.ok()) << ensured.failure().message;
    return SpecFor(model, images_, labels_);
  }

  NetNs netns_;
  std::unique_ptr<Sshd> remote_;
  std::filesystem::path inputs_;
  Object images_, labels_;
};

TEST_F(SshFaultsTest, LinkDownMidCellIsTransportAndAHealthyTargetCarriesOn) {
  Sshd healthy;
  ASSERT_TRUE(healthy.error().empty()) << healthy.error();
  auto far = Make(remote_->Config("far"));   // keepalive_s = 1: a dead link shows in ~3 s
  auto near = Make(healthy.Config("near"));
  const std::string hang = Spec(*far, "hang");
  const std::string ok_far = Spec(*far, "ok");
  const std::string ok_near = Spec(*near, "ok");

  auto start = std::chrono::steady_clock::now();
  auto cell = std::async(std::launch::async, [&] { return far->Run(hang, seconds(40)); });
  std::this_thread::sleep_for(milliseconds(1500));  // the cell is running
  ASSERT_TRUE(netns_.SetLink(false));
  // While the link is down, the other target's cells still run.
  auto near_result = near->Run(ok_near, seconds(20));
  EXPECT_TRUE(near_result.ok()) << near_result.failure().message;

  auto r = cell.get();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.failure().kind, FailureKind::kTransport) << r.failure().message;
  EXPECT_TRUE(r.failure().Retryable());
  EXPECT_LT(elapsed, seconds(20)) << "the dead link took as long as the cell's timeout to notice";

  // The link comes back; the retried cell runs on a new connection.
  ASSERT_TRUE(netns_.SetLink(true));
  auto retried = far->Run(ok_far, seconds(20));
  EXPECT_TRUE(retried.ok()) << retried.failure().message;
}

TEST_F(SshFaultsTest, KilledSshdIsUnreachableUntilItIsBack) {
  auto far = Make(remote_->Config("far"));
  const std::string ok = Spec(*far, "ok");
  ASSERT_TRUE(far->Run(ok, seconds(20)).ok());

  remote_->Stop();
  auto during = far->Run(ok, seconds(20));  // the old session is dead, no one listens
  ASSERT_FALSE(during.ok());
  EXPECT_TRUE(during.failure().kind == FailureKind::kTransport ||
              during.failure().kind == FailureKind::kUnreachable)
      << FailureKindName(during.failure().kind) << ": " << during.failure().message;
  auto again = far->Run(ok, seconds(20));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.failure().kind, FailureKind::kUnreachable) << again.failure().message;

  ASSERT_TRUE(remote_->Restart()) << remote_->error();
  auto after = far->Run(ok, seconds(20));
  EXPECT_TRUE(after.ok()) << after.failure().message;
}

TEST_F(SshFaultsTest, DroppedPacketsAreUnreachableWithinTheConnectTimeout) {
  ASSERT_TRUE(netns_.DropTcpPort(remote_->port()));
  auto c = remote_->Config("far");
  c.ssh.connect_timeout_s = 2;
  auto start = std::chrono::steady_clock::now();
  auto info = Make(c)->Probe();
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.failure().kind, FailureKind::kUnreachable) << info.failure().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(15));
}

}  // namespace
}  // namespace bsb::targets
