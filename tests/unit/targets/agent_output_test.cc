#include "targets/agent_output.h"

#include <signal.h>

#include <gtest/gtest.h>

namespace bsb::targets {
namespace {

TEST(AgentOutput, NormalisesUnameMachines) {
  EXPECT_EQ(NormaliseArch("x86_64"), "x86_64");
  EXPECT_EQ(NormaliseArch("aarch64"), "aarch64");
  EXPECT_EQ(NormaliseArch("arm64"), "aarch64");
  EXPECT_EQ(NormaliseArch("armv7l"), "armv7");
  EXPECT_EQ(NormaliseArch("riscv64"), "");
  EXPECT_EQ(NormaliseArch("mips"), "");
}

TEST(AgentOutput, ResultIsTheLastJsonLine) {
  AgentEnding e;
  e.exit_code = 0;
  e.stdout_text = "some log\n{\"schema\":1,\"status\":\"failed\",\"reason\":\"bad op\"}\n\n";
  auto r = ClassifyAgentRun("t", e);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), R"({"schema":1,"status":"failed","reason":"bad op"})");
}

TEST(AgentOutput, ClassifiesEveryEnding) {
  AgentEnding timeout;
  timeout.timed_out = true;
  timeout.timeout_s = 2.5;
  auto t = ClassifyAgentRun("pi4", timeout);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.failure().kind, FailureKind::kTimeout);
  EXPECT_NE(t.failure().message.find("2.5 s"), std::string::npos);
  EXPECT_NE(t.failure().message.find("pi4"), std::string::npos);
  EXPECT_TRUE(t.failure().Retryable());

  AgentEnding crash;
  crash.signal = SIGSEGV;
  crash.stderr_text = "segfault near conv\n";
  auto c = ClassifyAgentRun("pi4", crash);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.failure().kind, FailureKind::kFailed);
  EXPECT_EQ(c.failure().signal, SIGSEGV);
  EXPECT_EQ(c.failure().stderr_tail, "segfault near conv\n");
  EXPECT_NE(c.failure().message.find("SIGSEGV"), std::string::npos);
  EXPECT_FALSE(c.failure().Retryable());

  AgentEnding busy;
  busy.exit_code = kAgentExitLockBusy;
  auto b = ClassifyAgentRun("pi4", busy);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.failure().kind, FailureKind::kUnreachable);
  EXPECT_NE(b.failure().message.find("busy"), std::string::npos);

  AgentEnding internal;
  internal.exit_code = kAgentExitInternal;
  internal.stdout_text = "{\"schema\":1}";
  auto i = ClassifyAgentRun("pi4", internal);
  ASSERT_FALSE(i.ok());
  EXPECT_EQ(i.failure().kind, FailureKind::kFailed);
  EXPECT_NE(i.failure().message.find("exited with code 1"), std::string::npos);

  AgentEnding garbage;
  garbage.exit_code = 0;
  garbage.stdout_text = "{truncated";
  auto g = ClassifyAgentRun("pi4", garbage);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.failure().kind, FailureKind::kFailed);
  EXPECT_NE(g.failure().message.find("no JSON result"), std::string::npos);
}

TEST(AgentOutput, ProbeOutput) {
  auto ok = ParseProbeOutput("pi4", R"({"arch":"armv7l","os":"Raspbian","emulated":false})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->arch, "armv7");
  EXPECT_EQ(ok->os, "Raspbian");
  EXPECT_NE(ok->stamp_json.find("armv7l"), std::string::npos);

  auto riscv = ParseProbeOutput("vf2", R"({"arch":"riscv64"})");
  ASSERT_FALSE(riscv.ok());
  EXPECT_EQ(riscv.failure().kind, FailureKind::kUnsupported);
  EXPECT_NE(riscv.failure().message.find("riscv64"), std::string::npos);

  EXPECT_FALSE(ParseProbeOutput("x", "not json").ok());
  EXPECT_FALSE(ParseProbeOutput("x", R"({"os":"no arch"})").ok());
}

TEST(AgentOutput, FailureKindNames) {
  EXPECT_STREQ(FailureKindName(FailureKind::kUnreachable), "unreachable");
  EXPECT_STREQ(FailureKindName(FailureKind::kTimeout), "timeout");
  EXPECT_STREQ(FailureKindName(FailureKind::kTransport), "transport");
  EXPECT_STREQ(FailureKindName(FailureKind::kFailed), "failed");
  EXPECT_STREQ(FailureKindName(FailureKind::kUnsupported), "unsupported");
}

}  // namespace
}  // namespace bsb::targets
