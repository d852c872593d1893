// From a matrix target (matrix/model.h) to what targets/ builds devices from
// (targets::TargetConfig): one config per device — a `pool:` of identical SSH hosts gives one
// per host, all serving the same queue.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "matrix/model.h"
#include "support/result.h"
#include "targets/target_config.h"

namespace bsb {

// The agent builds found for this run, by architecture (x86_64, aarch64, armv7).
using AgentBuilds = std::map<std::string, targets::AgentBinary>;

// The devices of one matrix target. Microcontroller kinds boot or flash the firmware image
// `firmware_dir`/bsb-firmware-<board>.elf (the build puts it in <agents dir>/mcu). Error: the
// target cannot be mapped (a qemu-mcu board with no firmware build), said in a sentence naming
// the target; its cells fail with it.
Result<std::vector<targets::TargetConfig>> MapTarget(const matrix::Target& target, const AgentBuilds& agents,
                                                     const std::string& cache_dir, const std::string& firmware_dir = "");

// Where the firmware for `board` is expected: firmware_dir/bsb-firmware-<board>.elf.
std::string FirmwarePath(const std::string& firmware_dir, const std::string& board);

// "~/x" → "$HOME/x"; anything else unchanged.
std::string ExpandHome(const std::string& path);

}  // namespace bsb
