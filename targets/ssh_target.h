// The `ssh` kind (DESIGN §5, issue 7): a Linux device reached with libssh. Honours
// ~/.ssh/config, verifies host keys (strict by default), authenticates by key or ssh-agent,
// ships objects by SFTP into <workdir>/objects/<sha256> only when missing, and runs each
// cell on its own channel under `bsb-agent lock`, with a remote and a local timeout.
// A `pool:` of identical devices is one SshTarget per member sharing a scheduler queue.
#pragma once

#include <memory>

#include "support/result.h"
#include "targets/target.h"

namespace bsb::targets {

Result<std::unique_ptr<Target>> MakeSshTarget(const TargetConfig& config);

}  // namespace bsb::targets
