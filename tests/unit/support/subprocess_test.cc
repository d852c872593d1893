#include "support/subprocess.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace bsb {
namespace {

using std::chrono::milliseconds;
using Ending = SubprocessResult::Ending;

SubprocessResult RunArgv(std::vector<std::string> argv, milliseconds timeout = milliseconds(0)) {
  SubprocessOptions o;
  o.argv = std::move(argv);
  o.timeout = timeout;
  o.kill_grace = milliseconds(500);
  auto r = RunSubprocess(o);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : SubprocessResult{};
}

// A zombie (state Z) is dead: it only waits for its new parent to reap it.
bool ProcessAlive(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  auto paren = line.rfind(')');
  return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

TEST(Subprocess, ExitCodesAndStreamsApart) {
  auto ok = RunArgv({"sh", "-c", "echo out; echo err >&2; exit 0"});
  EXPECT_TRUE(ok.Succeeded());
  EXPECT_EQ(ok.stdout_text, "out\n");
  EXPECT_EQ(ok.stderr_text, "err\n");

  auto three = RunArgv({"sh", "-c", "exit 3"});
  EXPECT_EQ(three.ending, Ending::kExited);
  EXPECT_EQ(three.exit_code, 3);
  EXPECT_FALSE(three.Succeeded());
  EXPECT_EQ(three.Describe(), "exit code 3");
}

TEST(Subprocess, ArgumentsAreNeverParsedByAShell) {
  const std::string marker = ::testing::TempDir() + "/pwned_" + std::to_string(::getpid());
  auto r = RunArgv({"echo", "x; touch " + marker, "$(touch " + marker + ")"});
  EXPECT_EQ(r.stdout_text, "x; touch " + marker + " $(touch " + marker + ")\n");
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(Subprocess, ChildKilledBySignalIsClassified) {
  auto r = RunArgv({"sh", "-c", "echo dying >&2; kill -SEGV $$"});
  EXPECT_EQ(r.ending, Ending::kSignaled);
  EXPECT_EQ(r.signal, SIGSEGV);
  EXPECT_EQ(r.Describe(), "killed by SIGSEGV");
  EXPECT_EQ(r.StderrTail(), "dying\n");
}

TEST(Subprocess, TimeoutKillsTheWholeProcessTree) {
  // The shell starts a background sleep (a grandchild) and prints its pid, then waits.
  auto start = std::chrono::steady_clock::now();
  auto r = RunArgv({"sh", "-c", "sleep 30 & echo $!; wait"}, milliseconds(300));
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.ending, Ending::kTimedOut);
  EXPECT_LT(elapsed, std::chrono::seconds(10));  // far below the sleep's 30 s
  pid_t grandchild = std::stoi(r.stdout_text);
  // The grandchild is reparented to init (or a subreaper) and reaped there; give it a moment.
  for (int i = 0; i < 100 && ProcessAlive(grandchild); ++i) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_FALSE(ProcessAlive(grandchild)) << "sleep " << grandchild << " survived the timeout";
}

TEST(Subprocess, TermIgnoredEscalatesToKill) {
  auto r = RunArgv({"sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"},
               milliseconds(200));
  EXPECT_EQ(r.ending, Ending::kTimedOut);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_EQ(r.stdout_text, "ready\n");
}

TEST(Subprocess, LeftoverGrandchildrenDoNotHoldTheCallerHostage) {
  auto start = std::chrono::steady_clock::now();
  auto r = RunArgv({"sh", "-c", "sleep 30 & echo started"});
  EXPECT_TRUE(r.Succeeded());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(Subprocess, LargeOutputOnBothStreamsDoesNotDeadlock) {
  // 8 MiB on each stream: far beyond a pipe buffer (64 KiB), written interleaved.
  constexpr std::size_t kBytes = 8u << 20;
  auto r = RunArgv({"sh", "-c",
                "head -c 8388608 /dev/zero | tr '\\0' a & head -c 8388608 /dev/zero | tr '\\0' b >&2; "
                "wait"},
               milliseconds(30000));
  ASSERT_TRUE(r.Succeeded()) << r.Describe();
  EXPECT_EQ(r.stdout_text.size(), kBytes);
  EXPECT_EQ(r.stderr_text.size(), kBytes);
  EXPECT_EQ(r.stdout_text.find_first_not_of('a'), std::string::npos);
  EXPECT_FALSE(r.output_truncated);
}

TEST(Subprocess, OutputBeyondTheCapIsDroppedAndFlagged) {
  SubprocessOptions o;
  o.argv = {"head", "-c", "100000", "/dev/zero"};
  o.max_output_bytes = 1000;
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->Succeeded());  // the child was drained, not blocked
  EXPECT_EQ(r->stdout_text.size(), 1000u);
  EXPECT_TRUE(r->output_truncated);
}

TEST(Subprocess, CwdAndEnvironment) {
  SubprocessOptions o;
  o.argv = {"sh", "-c", "pwd; echo \"$BSB_X\"; echo \"${HOME:-unset}\""};
  o.cwd = "/tmp";
  o.env = std::vector<std::string>{"BSB_X=hello world", "PATH=/usr/bin:/bin"};
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->stdout_text, "/tmp\nhello world\nunset\n");
}

TEST(Subprocess, MissingProgramOrCwdIsAnError) {
  SubprocessOptions o;
  o.argv = {"/nonexistent/bsb-agent", "probe"};
  auto r = RunSubprocess(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("/nonexistent/bsb-agent"), std::string::npos);
  EXPECT_NE(r.error().message.find("No such file"), std::string::npos);

  o.argv = {"true"};
  o.cwd = "/nonexistent-dir";
  auto c = RunSubprocess(o);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("/nonexistent-dir"), std::string::npos);
}

TEST(Subprocess, StderrTailKeepsTheEnd) {
  SubprocessResult r;
  for (int i = 0; i < 1000; ++i) r.stderr_text += "line " + std::to_string(i) + "\n";
  std::string tail = r.StderrTail(100);
  EXPECT_LE(tail.size(), 100u);
  EXPECT_EQ(tail.substr(tail.size() - 9), "line 999\n");
  EXPECT_EQ(tail.rfind("line ", 0), 0u);  // starts at a line boundary
}

TEST(Subprocess, SignalNames) {
  EXPECT_EQ(SignalName(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(SignalName(SIGKILL), "SIGKILL");
}

}  // namespace
}  // namespace bsb
