// Emulation detection rules (agent/linux/emulation.h), on evidence recorded from real runs.
#include "agent/linux/emulation.h"

#include <gtest/gtest.h>

namespace bsb::agent {
namespace {

EmulationEvidence Native() {
  return {"/opt/bsb/bsb-agent", "/opt/bsb/bsb-agent", "x86_64", "x86", "AMD EPYC"};
}

TEST(AgentEmulation, NativeIsNotEmulated) {
  const EmulationVerdict v = DetectEmulation(Native());
  EXPECT_FALSE(v.emulated);
  EXPECT_EQ(v.reason, "");
}

TEST(AgentEmulation, QemuUserModeIsDetectedFromThreadSelfExe) {
  // Recorded under qemu-aarch64-static 7.2 on x86_64.
  EmulationEvidence e{"/usr/bin/qemu-aarch64-static", "/tmp/bsb-agent", "aarch64", "x86", "AMD EPYC"};
  const EmulationVerdict v = DetectEmulation(e);
  EXPECT_TRUE(v.emulated);
  EXPECT_NE(v.reason.find("QEMU user mode"), std::string::npos);
  EXPECT_NE(v.reason.find("/usr/bin/qemu-aarch64-static"), std::string::npos);
}

TEST(AgentEmulation, ArchMismatchAloneIsEnough) {
  // A translator that fakes both links but shows the host's cpuinfo.
  EmulationEvidence e{"/tmp/a", "/tmp/a", "armv7", "x86", "AMD EPYC"};
  const EmulationVerdict v = DetectEmulation(e);
  EXPECT_TRUE(v.emulated);
  EXPECT_NE(v.reason.find("armv7"), std::string::npos);
  EXPECT_NE(v.reason.find("x86"), std::string::npos);
}

TEST(AgentEmulation, TcgSystemVmIsDetectedFromCpuModel) {
  EmulationEvidence e = Native();
  e.cpu_model = "QEMU Virtual CPU version 2.5+";
  const EmulationVerdict v = DetectEmulation(e);
  EXPECT_TRUE(v.emulated);
  EXPECT_NE(v.reason.find("QEMU Virtual CPU"), std::string::npos);
}

TEST(AgentEmulation, NativeArmBoardIsNotEmulated) {
  EmulationEvidence e{"/home/pi/bsb-agent", "/home/pi/bsb-agent", "armv7", "arm", "ARM Cortex-A72"};
  EXPECT_FALSE(DetectEmulation(e).emulated);
  e.binary_arch = "aarch64";
  EXPECT_FALSE(DetectEmulation(e).emulated);
}

TEST(AgentEmulation, MissingEvidenceIsNotProofOfEmulation) {
  EmulationEvidence e{"", "", "aarch64", "", ""};  // /proc not mounted
  EXPECT_FALSE(DetectEmulation(e).emulated);
}

TEST(AgentEmulation, ThisTestProcessIsNative) {
  const EmulationEvidence e = GatherEmulationEvidence();
  EXPECT_EQ(e.thread_self_exe, e.self_exe);
  EXPECT_EQ(e.binary_arch, BinaryArch());
  EXPECT_FALSE(DetectEmulation(e).emulated) << DetectEmulation(e).reason;
}

}  // namespace
}  // namespace bsb::agent
