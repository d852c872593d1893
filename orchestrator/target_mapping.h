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

// The devices of one matrix target. Error: the kind cannot run in this build (serial,
// qemu-mcu), said in a sentence naming the target; its cells fail with it.
Result<std::vector<targets::TargetConfig>> MapTarget(const matrix::Target& target, const AgentBuilds& agents,
                                                     const std::string& cache_dir);

// "~/x" → "$HOME/x"; anything else unchanged.
std::string ExpandHome(const std::string& path);

}  // namespace bsb
