// Targets on the orchestrator's own machine: `local` runs the native bsb-agent as a child
// process; `qemu-user` runs a cross-built agent under qemu-<arch>-static directly (no binfmt
// needed) and is emulated. Objects live in <cache_dir>/targets/<name>/objects/<sha256>.
#pragma once

#include <memory>

#include "support/result.h"
#include "targets/target.h"

namespace bsb::targets {

Result<std::unique_ptr<Target>> MakeLocalTarget(const TargetConfig& config);
Result<std::unique_ptr<Target>> MakeQemuUserTarget(const TargetConfig& config);

}  // namespace bsb::targets
