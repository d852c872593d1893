// The device lock (agent/linux/lock.h): exclusive, waits, forwards exit status and signals,
// and is released when its holder dies however it dies.
#include "agent/linux/lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace bsb::agent {
namespace {

namespace fs = std::filesystem;
using Kind = LockOutcome::Kind;

class AgentLock : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/bsb-agent-lock-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    root_ = templ;
    dir_ = root_ + "/locks";  // does not exist yet: RunLocked creates it
  }
  void TearDown() override { fs::remove_all(root_); }

  // A second, independent open file description: flock treats it as another holder.
  int OpenLockFile() const { return open((dir_ + "/lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600); }

  std::string root_;
  std::string dir_;
};

TEST_F(AgentLock, RunsTheCommandAndForwardsItsExitStatus) {
  LockOutcome ok = RunLocked(dir_, 0, {"true"});
  EXPECT_EQ(ok.kind, Kind::kExited);
  EXPECT_EQ(ok.status, 0);
  LockOutcome seven = RunLocked(dir_, 0, {"sh", "-c", "exit 7"});
  EXPECT_EQ(seven.kind, Kind::kExited);
  EXPECT_EQ(seven.status, 7);
  EXPECT_TRUE(fs::exists(dir_ + "/lock"));
}

TEST_F(AgentLock, ReportsTheCommandsSignal) {
  LockOutcome out = RunLocked(dir_, 0, {"sh", "-c", "kill -SEGV $$"});
  EXPECT_EQ(out.kind, Kind::kSignalled);
  EXPECT_EQ(out.status, SIGSEGV);
}

TEST_F(AgentLock, MissingCommandExits127) {
  LockOutcome out = RunLocked(dir_, 0, {"/nonexistent/bsb-command"});
  EXPECT_EQ(out.kind, Kind::kExited);
  EXPECT_EQ(out.status, 127);
}

TEST_F(AgentLock, BusyWhenHeldAndNamesTheFile) {
  ASSERT_EQ(RunLocked(dir_, 0, {"true"}).kind, Kind::kExited);  // creates dir and file
  const int holder = OpenLockFile();
  ASSERT_GE(holder, 0);
  ASSERT_EQ(flock(holder, LOCK_EX | LOCK_NB), 0);
  const auto start = std::chrono::steady_clock::now();
  LockOutcome out = RunLocked(dir_, 0.3, {"true"});
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(out.kind, Kind::kBusy);
  EXPECT_NE(out.message.find("busy"), std::string::npos);
  EXPECT_NE(out.message.find(dir_ + "/lock"), std::string::npos);
  EXPECT_GE(waited, std::chrono::milliseconds(300));  // it did wait for --wait-s
  close(holder);
}

TEST_F(AgentLock, WaitsForTheHolderToLetGo) {
  ASSERT_EQ(RunLocked(dir_, 0, {"true"}).kind, Kind::kExited);
  const int holder = OpenLockFile();
  ASSERT_EQ(flock(holder, LOCK_EX | LOCK_NB), 0);
  std::thread release([holder] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    close(holder);
  });
  LockOutcome out = RunLocked(dir_, 10, {"true"});
  release.join();
  EXPECT_EQ(out.kind, Kind::kExited);
  EXPECT_EQ(out.status, 0);
}

TEST_F(AgentLock, CommandRunsWhileTheLockIsHeld) {
  // The command itself checks: a fresh open of the lock file cannot take it.
  LockOutcome out = RunLocked(dir_, 0, {"flock", "--nonblock", dir_ + "/lock", "true"});
  EXPECT_EQ(out.kind, Kind::kExited);
  EXPECT_EQ(out.status, 1) << "flock(1) exits 1 when the lock is already held";
  // And once RunLocked returned, the lock is free again.
  const int fd = OpenLockFile();
  EXPECT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
  close(fd);
}

TEST_F(AgentLock, LockDiesWithAKilledHolderAndTakesTheCommandAlong) {
  const pid_t holder = fork();
  ASSERT_GE(holder, 0);
  if (holder == 0) {
    LockOutcome out = RunLocked(dir_, 0, {"sleep", "30"});
    _exit(out.kind == Kind::kExited ? out.status : 99);
  }
  // Wait until the holder has the lock.
  const int fd = [&] {
    for (int i = 0; i < 200; ++i) {
      const int f = OpenLockFile();
      if (f >= 0 && flock(f, LOCK_EX | LOCK_NB) != 0) return f;
      if (f >= 0) { flock(f, LOCK_UN); close(f); }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }();
  ASSERT_GE(fd, 0) << "the holder never took the lock";
  kill(holder, SIGKILL);
  int status = 0;
  waitpid(holder, &status, 0);
  // The `sleep 30` child got PR_SET_PDEATHSIG SIGKILL, so its copy of the descriptor goes too.
  bool acquired = false;
  for (int i = 0; i < 200 && !acquired; ++i) {
    acquired = flock(fd, LOCK_EX | LOCK_NB) == 0;
    if (!acquired) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(acquired) << "lock still held 2 s after its holder was killed";
  close(fd);
}

TEST_F(AgentLock, UncreatableDirectoryIsAnErrorNamingIt) {
  LockOutcome out = RunLocked("/proc/bsb-no-such-place", 0, {"true"});
  EXPECT_EQ(out.kind, Kind::kError);
  EXPECT_NE(out.message.find("/proc/bsb-no-such-place"), std::string::npos);
}

TEST_F(AgentLock, EmptyCommandIsAnError) {
  EXPECT_EQ(RunLocked(dir_, 0, {}).kind, Kind::kError);
}

}  // namespace
}  // namespace bsb::agent
