#include "agent/linux/stamp.h"

#include <gnu/libc-version.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "agent/common/version.h"
#include "agent/linux/emulation.h"
#include "agent/linux/proc_info.h"

#ifndef BSB_GIT_REVISION
#error "BSB_GIT_REVISION must be defined by CMake"
#endif

namespace bsb::agent {
namespace {

std::string DeviceTreeModel() {
  // The device tree strings are NUL-terminated.
  std::string model = ReadWholeFile("/proc/device-tree/model").value_or("");
  if (const auto nul = model.find('\0'); nul != std::string::npos) model.resize(nul);
  return model;
}

std::string OsName() {
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    if (auto text = ReadWholeFile(path)) {
      std::string name = OsPrettyName(*text);
      if (!name.empty()) return name;
    }
  }
  return "unknown";
}

std::string Compiler() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("gcc ") + __VERSION__;
#else
  return "unknown";
#endif
}

}  // namespace

protocol::Stamp CollectStamp(LinuxStampDetails* details) {
  protocol::Stamp s;
  const std::string cpuinfo = ReadWholeFile("/proc/cpuinfo").value_or("");
  std::string cpu = CpuModelFromCpuinfo(cpuinfo);
  if (cpu.empty()) cpu = "unknown";
  std::string board = DeviceTreeModel();
  if (board.empty()) board = CpuinfoField(cpuinfo, "Model");  // Raspberry Pi kernels
  s.device = board.empty() ? cpu : board + " (" + cpu + ")";

  utsname u{};
  if (uname(&u) == 0) {
    details->machine = u.machine;
    s.kernel = u.release;
    s.hostname = u.nodename;
  }
  s.arch = BinaryArch();
  s.os = OsName();
  s.libc = std::string("glibc ") + gnu_get_libc_version();
  s.compiler = Compiler();
  s.agent_version = AgentVersion();
  s.runtime_version = RuntimeVersion();
  s.git_revision = BSB_GIT_REVISION;
  details->hardware_threads = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));

  const EmulationVerdict verdict = DetectEmulation(GatherEmulationEvidence());
  s.emulated = verdict.emulated;
  s.emulated_reason = verdict.reason;
  return s;
}

nlohmann::json StampJson(const protocol::Stamp& stamp, const LinuxStampDetails& details) {
  nlohmann::json out = protocol::StampToJson(stamp);
  out["machine"] = details.machine;
  out["hardware_threads"] = details.hardware_threads;
  return out;
}

}  // namespace bsb::agent
