// How a target reads what bsb-agent printed, shared by every kind that runs the Linux agent
// (local, qemu-user, ssh): the exit classification is one table, not one per transport.
#pragma once

#include <string>

#include "targets/target.h"

namespace bsb::targets {

// bsb-agent's exit codes (agent/linux/commands.h).
inline constexpr int kAgentExitInternal = 1;
inline constexpr int kAgentExitUsage = 2;
inline constexpr int kAgentExitLockBusy = 75;

// "x86_64" | "aarch64" | "armv7" for what `uname -m` says (armv7l, arm64, amd64, ...);
// "" when the agent has no build for it.
std::string NormaliseArch(const std::string& uname_machine);

// How one agent process ended, whatever carried it.
struct AgentEnding {
  bool timed_out = false;
  double timeout_s = 0;
  int exit_code = -1;  // when it exited
  int signal = 0;      // when a signal ended it
  std::string stdout_text;
  std::string stderr_text;
};

// The result JSON line of `bsb-agent run`, or a Failure: timeout → kTimeout; a signal →
// kFailed with the signal and stderr tail (a crash is the benchmark's, reported by us);
// exit 75 → kUnreachable (another orchestrator holds the device's lock); any other
// non-zero exit or no JSON object on stdout → kFailed.
Outcome<std::string> ClassifyAgentRun(const std::string& target_name, const AgentEnding& ending);

// Fills arch/os and stamp_json from `bsb-agent probe` output; arch outside the agent's
// builds → kUnsupported naming it.
Outcome<TargetInfo> ParseProbeOutput(const std::string& target_name, const std::string& stdout_text);

// The last max_bytes of text, starting at a line when one begins near the cut.
std::string TailOf(const std::string& text, std::size_t max_bytes = 2048);

}  // namespace bsb::targets
