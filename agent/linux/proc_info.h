// Readers for the Linux files the stamps and the harness look at (/proc/cpuinfo,
// /etc/os-release, /proc/self/status). Parsers are pure functions of the file text so tests
// can feed them recorded files from real machines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bsb::agent {

// Whole file, or nullopt if it cannot be opened. Works for /proc files (size 0 in stat).
std::optional<std::string> ReadWholeFile(const std::string& path);

// First value of "key<spaces>:<value>" in /proc/cpuinfo-style text, trimmed; "" if absent.
std::string CpuinfoField(std::string_view cpuinfo, std::string_view key);

// ARM core name for an MIDR implementer/part pair ("0x41", "0xd08" → "ARM Cortex-A72");
// "" when not in the table.
std::string ArmCoreName(std::string_view implementer, std::string_view part);

// Human CPU model from /proc/cpuinfo text: x86 "model name"; ARM core name from
// implementer/part (the ARM "model name" is only "ARMv7 Processor rev 4 (v7l)"), then
// "Hardware", then that ARM "model name"; "" if none of them is present.
std::string CpuModelFromCpuinfo(std::string_view cpuinfo);

// Architecture family the cpuinfo text describes: "x86", "arm", or "" if unrecognised.
// Under QEMU user mode the kernel shows the HOST's cpuinfo, which is how a binary/cpuinfo
// mismatch reveals emulation.
std::string CpuinfoArchFamily(std::string_view cpuinfo);

// PRETTY_NAME from os-release text, unquoted; "" if absent.
std::string OsPrettyName(std::string_view os_release);

// A "VmRSS:   1234 kB" style field of /proc/<pid>/status, in bytes; nullopt if absent.
std::optional<std::int64_t> StatusFieldBytes(std::string_view status, std::string_view key);

}  // namespace bsb::agent
