#include "agent/linux/proc_info.h"

#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace bsb::agent {
namespace {

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// Calls `fn(line)` for each line; stops when fn returns true.
template <typename Fn>
void ForEachLine(std::string_view text, Fn fn) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    if (fn(line)) return;
    if (end == std::string_view::npos) return;
    text.remove_prefix(end + 1);
  }
}

struct ArmPart {
  unsigned implementer;
  unsigned part;
  const char* name;
};

// From the Arm TRMs' MIDR values (and the Linux kernel's cputype.h). Only cores one meets in
// boards and cloud instances; anything else falls back to the raw "Hardware"/"model name".
constexpr std::array<ArmPart, 27> kArmParts{{
    {0x41, 0xb76, "ARM1176"},          {0x41, 0xc07, "ARM Cortex-A7"},
    {0x41, 0xc08, "ARM Cortex-A8"},    {0x41, 0xc09, "ARM Cortex-A9"},
    {0x41, 0xc0f, "ARM Cortex-A15"},   {0x41, 0xd03, "ARM Cortex-A53"},
    {0x41, 0xd04, "ARM Cortex-A35"},   {0x41, 0xd05, "ARM Cortex-A55"},
    {0x41, 0xd07, "ARM Cortex-A57"},   {0x41, 0xd08, "ARM Cortex-A72"},
    {0x41, 0xd09, "ARM Cortex-A73"},   {0x41, 0xd0a, "ARM Cortex-A75"},
    {0x41, 0xd0b, "ARM Cortex-A76"},   {0x41, 0xd0c, "ARM Neoverse-N1"},
    {0x41, 0xd0d, "ARM Cortex-A77"},   {0x41, 0xd40, "ARM Neoverse-V1"},
    {0x41, 0xd41, "ARM Cortex-A78"},   {0x41, 0xd44, "ARM Cortex-X1"},
    {0x41, 0xd46, "ARM Cortex-A510"},  {0x41, 0xd47, "ARM Cortex-A710"},
    {0x41, 0xd48, "ARM Cortex-X2"},    {0x41, 0xd49, "ARM Neoverse-N2"},
    {0x41, 0xd4f, "ARM Neoverse-V2"},  {0x41, 0xd4b, "ARM Cortex-A78C"},
    {0x41, 0xd0e, "ARM Cortex-A76AE"}, {0x61, 0x022, "Apple M1 Icestorm"},
    {0x61, 0x023, "Apple M1 Firestorm"},
}};

std::optional<unsigned> ParseHex(std::string_view s) {
  const std::string str(Trim(s));
  if (str.empty()) return std::nullopt;
  char* end = nullptr;
  const unsigned long v = std::strtoul(str.c_str(), &end, 0);
  if (end == str.c_str() || *end != '\0') return std::nullopt;
  return static_cast<unsigned>(v);
}

}  // namespace

std::optional<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string CpuinfoField(std::string_view cpuinfo, std::string_view key) {
  std::string value;
  ForEachLine(cpuinfo, [&](std::string_view line) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    if (Trim(line.substr(0, colon)) != key) return false;
    value = std::string(Trim(line.substr(colon + 1)));
    return true;
  });
  return value;
}

std::string ArmCoreName(std::string_view implementer, std::string_view part) {
  const auto impl = ParseHex(implementer);
  const auto p = ParseHex(part);
  if (!impl || !p) return {};
  for (const ArmPart& known : kArmParts) {
    if (known.implementer == *impl && known.part == *p) return known.name;
  }
  return {};
}

std::string CpuModelFromCpuinfo(std::string_view cpuinfo) {
  const std::string model_name = CpuinfoField(cpuinfo, "model name");
  const bool arm_generic_name = model_name.starts_with("ARMv");
  if (!model_name.empty() && !arm_generic_name) return model_name;
  const std::string core =
      ArmCoreName(CpuinfoField(cpuinfo, "CPU implementer"), CpuinfoField(cpuinfo, "CPU part"));
  if (!core.empty()) return core;
  const std::string hardware = CpuinfoField(cpuinfo, "Hardware");
  if (!hardware.empty()) return hardware;
  if (!model_name.empty()) return model_name;
  return CpuinfoField(cpuinfo, "Processor");  // very old ARM kernels
}

std::string CpuinfoArchFamily(std::string_view cpuinfo) {
  if (!CpuinfoField(cpuinfo, "vendor_id").empty()) return "x86";
  if (!CpuinfoField(cpuinfo, "CPU implementer").empty() ||
      !CpuinfoField(cpuinfo, "CPU architecture").empty()) {
    return "arm";
  }
  return {};
}

std::string OsPrettyName(std::string_view os_release) {
  std::string value;
  ForEachLine(os_release, [&](std::string_view line) {
    constexpr std::string_view kKey = "PRETTY_NAME=";
    if (!line.starts_with(kKey)) return false;
    std::string_view v = Trim(line.substr(kKey.size()));
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
      v = v.substr(1, v.size() - 2);
    }
    value = std::string(v);
    return true;
  });
  return value;
}

std::optional<std::int64_t> StatusFieldBytes(std::string_view status, std::string_view key) {
  std::optional<std::int64_t> bytes;
  ForEachLine(status, [&](std::string_view line) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || line.substr(0, colon) != key) return false;
    const std::string rest(Trim(line.substr(colon + 1)));
    char* end = nullptr;
    const long long kib = std::strtoll(rest.c_str(), &end, 10);
    if (end == rest.c_str()) return true;  // present but unparsable: leave nullopt
    // The kernel prints these in kB units meaning KiB (fs/proc/task_mmu.c shifts by 10).
    if (Trim(std::string_view(end)) == "kB") bytes = static_cast<std::int64_t>(kib) * 1024;
    return true;
  });
  return bytes;
}

}  // namespace bsb::agent
