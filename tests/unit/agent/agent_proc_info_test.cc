// Parsers of /proc/cpuinfo, os-release and /proc/self/status, fed excerpts recorded on real
// machines (x86 cloud VM, Raspberry Pi 4 64-bit, Raspberry Pi 2 32-bit, Graviton2, TCG VM).
#include "agent/linux/proc_info.h"

#include <gtest/gtest.h>

namespace bsb::agent {
namespace {

constexpr const char* kX86 =
    "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\n"
    "model name\t: AMD EPYC 9R14 96-Core Processor\nflags\t\t: fpu vme de pse\n\n"
    "processor\t: 1\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 9R14 96-Core Processor\n";

// 64-bit Raspberry Pi OS kernels print no "model name" and no "Hardware", but add "Model".
constexpr const char* kPi4Aarch64 =
    "processor\t: 0\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\n"
    "CPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\n"
    "CPU revision\t: 3\n\nRevision\t: c03114\nSerial\t\t: 10000000abcdef01\n"
    "Model\t\t: Raspberry Pi 4 Model B Rev 1.4\n";

constexpr const char* kPi2Armv7 =
    "processor\t: 0\nmodel name\t: ARMv7 Processor rev 5 (v7l)\nBogoMIPS\t: 38.40\n"
    "Features\t: half thumb fastmult vfp edsp neon vfpv3 tls vfpv4 idiva idivt vfpd32 lpae evtstrm\n"
    "CPU implementer\t: 0x41\nCPU architecture: 7\nCPU variant\t: 0x0\nCPU part\t: 0xc07\n"
    "CPU revision\t: 5\n\nHardware\t: BCM2835\nRevision\t: a01041\n";

constexpr const char* kUnknownArmPart =
    "processor\t: 0\nmodel name\t: ARMv7 Processor rev 1 (v7l)\nCPU implementer\t: 0x51\n"
    "CPU architecture: 7\nCPU part\t: 0x999\n\nHardware\t: Qualcomm Generic\n";

constexpr const char* kTcgX86 =
    "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: QEMU Virtual CPU version 2.5+\n";

TEST(AgentProcInfo, CpuinfoFieldTakesTheFirstValueTrimmed) {
  EXPECT_EQ(CpuinfoField(kX86, "vendor_id"), "AuthenticAMD");
  EXPECT_EQ(CpuinfoField(kX86, "model"), "2");  // not confused with "model name"
  EXPECT_EQ(CpuinfoField(kX86, "Hardware"), "");
}

TEST(AgentProcInfo, X86ModelIsModelName) {
  EXPECT_EQ(CpuModelFromCpuinfo(kX86), "AMD EPYC 9R14 96-Core Processor");
  EXPECT_EQ(CpuinfoArchFamily(kX86), "x86");
}

TEST(AgentProcInfo, ArmModelComesFromTheMidrPart) {
  EXPECT_EQ(CpuModelFromCpuinfo(kPi4Aarch64), "ARM Cortex-A72");
  EXPECT_EQ(CpuinfoArchFamily(kPi4Aarch64), "arm");
  EXPECT_EQ(CpuinfoField(kPi4Aarch64, "Model"), "Raspberry Pi 4 Model B Rev 1.4");
  // The generic "ARMv7 Processor" model name loses to the real core name.
  EXPECT_EQ(CpuModelFromCpuinfo(kPi2Armv7), "ARM Cortex-A7");
}

TEST(AgentProcInfo, UnknownArmPartFallsBackToHardware) {
  EXPECT_EQ(CpuModelFromCpuinfo(kUnknownArmPart), "Qualcomm Generic");
  EXPECT_EQ(ArmCoreName("0x41", "0xd0c"), "ARM Neoverse-N1");  // Graviton2
  EXPECT_EQ(ArmCoreName("0x41", "zz"), "");
  EXPECT_EQ(ArmCoreName("", "0xd08"), "");
}

TEST(AgentProcInfo, EmptyCpuinfoGivesNothing) {
  EXPECT_EQ(CpuModelFromCpuinfo(""), "");
  EXPECT_EQ(CpuinfoArchFamily(""), "");
  EXPECT_EQ(CpuModelFromCpuinfo("garbage without colons\n\n"), "");
}

TEST(AgentProcInfo, TcgCpuNameSurvives) {
  EXPECT_EQ(CpuModelFromCpuinfo(kTcgX86), "QEMU Virtual CPU version 2.5+");
}

TEST(AgentProcInfo, OsPrettyNameUnquotes) {
  EXPECT_EQ(OsPrettyName("NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"),
            "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(OsPrettyName("PRETTY_NAME='Alpine Linux v3.19'"), "Alpine Linux v3.19");
  EXPECT_EQ(OsPrettyName("PRETTY_NAME=Buildroot"), "Buildroot");
  EXPECT_EQ(OsPrettyName("NAME=x\n"), "");
}

TEST(AgentProcInfo, StatusFieldsAreKibibytes) {
  constexpr const char* kStatus =
      "Name:\tbsb-agent\nVmPeak:\t   10000 kB\nVmHWM:\t    2048 kB\nVmRSS:\t    1536 kB\n";
  EXPECT_EQ(StatusFieldBytes(kStatus, "VmRSS"), 1536 * 1024);
  EXPECT_EQ(StatusFieldBytes(kStatus, "VmHWM"), 2048 * 1024);
  EXPECT_FALSE(StatusFieldBytes(kStatus, "VmSwap"));
  EXPECT_FALSE(StatusFieldBytes("VmRSS:\tlots kB\n", "VmRSS"));
  EXPECT_FALSE(StatusFieldBytes("VmRSS:\t12 MB\n", "VmRSS"));  // unknown unit: refuse to guess
}

TEST(AgentProcInfo, OwnStatusHasAResidentSetSize) {
  const auto status = ReadWholeFile("/proc/self/status");
  ASSERT_TRUE(status);
  const auto rss = StatusFieldBytes(*status, "VmRSS");
  ASSERT_TRUE(rss);
  EXPECT_GT(*rss, 0);
  EXPECT_FALSE(ReadWholeFile("/nonexistent/file"));
}

}  // namespace
}  // namespace bsb::agent
