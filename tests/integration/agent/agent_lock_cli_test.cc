// `bsb-agent lock` as a caller sees it: exit status and signals forwarded, "busy" with exit 75.
#include <signal.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "tests/integration/agent/agent_process.h"

namespace bsb::agent::testing {
namespace {

class AgentLockCli : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/bsb-agent-lockcli-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    dir_ = templ;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
  const std::string agent_ = AgentPath("x86_64");
};

TEST_F(AgentLockCli, ForwardsExitStatusAndOutput) {
  const ProcessResult r = RunProcess({agent_, "lock", "--dir", dir_, "--", "sh", "-c", "echo hi; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "hi\n");
}

TEST_F(AgentLockCli, DiesOfTheCommandsSignal) {
  const ProcessResult r = RunProcess({agent_, "lock", "--dir", dir_, "--", "sh", "-c", "kill -KILL $$"});
  EXPECT_EQ(r.signal, SIGKILL);
}

TEST_F(AgentLockCli, SecondInstanceIsBusyWithExit75) {
  // The outer lock runs an inner lock on the same directory: the inner one must find it busy.
  const ProcessResult r = RunProcess({agent_, "lock", "--dir", dir_, "--", agent_, "lock", "--dir",
                                      dir_, "--wait-s", "0.2", "--", "true"});
  EXPECT_EQ(r.exit_code, 75);
  EXPECT_NE(r.err.find("busy"), std::string::npos) << r.err;
}

TEST_F(AgentLockCli, UsageErrorsExit2) {
  EXPECT_EQ(RunProcess({agent_, "lock", "--", "true"}).exit_code, 2);             // no --dir
  EXPECT_EQ(RunProcess({agent_, "lock", "--dir", dir_}).exit_code, 2);            // no command
  EXPECT_EQ(RunProcess({agent_, "lock", "--dir", dir_, "--wait-s", "soon", "--", "true"}).exit_code, 2);
}

TEST_F(AgentLockCli, WorksUnderQemuAarch64) {
  const ProcessResult r = RunProcess({"qemu-aarch64-static", AgentPath("aarch64"), "lock", "--dir",
                                      dir_, "--", "sh", "-c", "exit 4"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
}

}  // namespace
}  // namespace bsb::agent::testing
