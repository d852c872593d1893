#include "agent/linux/emulation.h"

#include <unistd.h>

#include <climits>

#include "agent/linux/proc_info.h"

namespace bsb::agent {
namespace {

std::string ReadLink(const char* path) {
  char buffer[PATH_MAX];
  const ssize_t n = readlink(path, buffer, sizeof buffer - 1);
  if (n < 0) return {};
  return std::string(buffer, static_cast<std::size_t>(n));
}

std::string FamilyOf(const std::string& arch) {
  if (arch == "x86_64" || arch == "i686") return "x86";
  if (arch == "aarch64" || arch.starts_with("arm")) return "arm";
  return {};
}

std::string Basename(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

EmulationVerdict DetectEmulation(const EmulationEvidence& e) {
  if (!e.thread_self_exe.empty() && !e.self_exe.empty() && e.thread_self_exe != e.self_exe) {
    const std::string emulator = Basename(e.thread_self_exe);
    const bool qemu = emulator.starts_with("qemu-");
    return {true, std::string(qemu ? "QEMU user mode" : "user-mode translator") +
                      ": /proc/thread-self/exe is " + e.thread_self_exe +
                      " while /proc/self/exe is " + e.self_exe};
  }
  const std::string binary_family = FamilyOf(e.binary_arch);
  if (!binary_family.empty() && !e.cpuinfo_family.empty() && binary_family != e.cpuinfo_family) {
    return {true, "binary is " + e.binary_arch + " but /proc/cpuinfo describes an " +
                      e.cpuinfo_family + " CPU"};
  }
  if (e.cpu_model.find("QEMU") != std::string::npos) {
    return {true, "CPU model \"" + e.cpu_model + "\" is QEMU's (system emulation)"};
  }
  return {};
}

const char* BinaryArch() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#elif defined(__arm__) && defined(__ARM_ARCH) && __ARM_ARCH == 7
  return "armv7";
#elif defined(__arm__)
  return "arm";
#elif defined(__i386__)
  return "i686";
#else
  return "unknown";
#endif
}

EmulationEvidence GatherEmulationEvidence() {
  EmulationEvidence e;
  e.thread_self_exe = ReadLink("/proc/thread-self/exe");
  e.self_exe = ReadLink("/proc/self/exe");
  e.binary_arch = BinaryArch();
  const std::string cpuinfo = ReadWholeFile("/proc/cpuinfo").value_or("");
  e.cpuinfo_family = CpuinfoArchFamily(cpuinfo);
  e.cpu_model = CpuModelFromCpuinfo(cpuinfo);
  return e;
}

}  // namespace bsb::agent
