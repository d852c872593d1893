// The stamp: where and how a result was measured (DESIGN §3, agent/protocol/RESULT.md).
// Printed by `bsb-agent probe` and embedded in every result.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "agent/protocol/result.h"

namespace bsb::agent {

// Linux details beyond the schema-1 stamp; written as extra keys, which readers of schema 1
// ignore (RESULT.md), so a human reading a result sees them.
struct LinuxStampDetails {
  std::string machine;       // uname -m: what the kernel calls the CPU (armv7l vs arch "armv7")
  int hardware_threads = 0;  // online CPUs
};

// arch is the architecture the agent binary was compiled for (x86_64, aarch64, armv7).
// device: CPU model, with the board model in front when the device tree names one.
protocol::Stamp CollectStamp(LinuxStampDetails* details);

// protocol::StampToJson plus the details' keys.
nlohmann::json StampJson(const protocol::Stamp& stamp, const LinuxStampDetails& details);

}  // namespace bsb::agent
