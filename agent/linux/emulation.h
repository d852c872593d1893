// Is this process running on emulated hardware? Detected from what the process can see, never
// taken from configuration, so a mislabelled target is caught (DESIGN §3).
#pragma once

#include <string>

namespace bsb::agent {

struct EmulationEvidence {
  std::string thread_self_exe;  // readlink /proc/thread-self/exe
  std::string self_exe;         // readlink /proc/self/exe
  std::string binary_arch;      // what this binary was compiled for: x86_64, aarch64, armv7
  std::string cpuinfo_family;   // CpuinfoArchFamily(/proc/cpuinfo): x86, arm, or ""
  std::string cpu_model;        // CpuModelFromCpuinfo(/proc/cpuinfo)
};

struct EmulationVerdict {
  bool emulated = false;
  std::string reason;  // why emulated; "" when not
};

// Rules, first match wins:
// 1. QEMU user mode: the kernel's /proc/thread-self/exe names the emulator (QEMU 7.2 fakes only
//    /proc/self/exe for the guest), so the two links differ.
// 2. The binary's architecture family differs from the one /proc/cpuinfo describes (any
//    user-mode translator that fakes both links but not cpuinfo).
// 3. The CPU model names QEMU ("QEMU Virtual CPU", "QEMU TCG CPU"): a TCG system VM. A KVM
//    guest given QEMU's generic CPU model also matches; documented as a known false positive.
EmulationVerdict DetectEmulation(const EmulationEvidence& evidence);

// Architecture this binary was compiled for (x86_64, aarch64, armv7, or the uname-style name).
const char* BinaryArch();

// Gathers the evidence for the running process.
EmulationEvidence GatherEmulationEvidence();

}  // namespace bsb::agent
