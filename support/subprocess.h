// Run a program (argv, never a shell), capture stdout and stderr apart, bound it by a
// wall-clock timeout that takes down its whole process group.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "support/result.h"

namespace bsb {

struct SubprocessOptions {
  std::vector<std::string> argv;                 // argv[0] is looked up in PATH
  std::string cwd;                               // empty: the caller's
  std::optional<std::vector<std::string>> env;   // "KEY=VALUE"; nullopt: inherit
  std::chrono::milliseconds timeout{0};          // 0: none
  std::chrono::milliseconds kill_grace{2000};    // SIGTERM → this long → SIGKILL
  std::size_t max_output_bytes = 64u << 20;      // per stream; the rest is drained and dropped
  // When set and it becomes true (from another thread), the child is stopped as on a
  // timeout (SIGTERM, kill_grace, SIGKILL) and the result says kCancelled.
  const std::atomic<bool>* cancel = nullptr;
};

struct SubprocessResult {
  enum class Ending { kExited, kSignaled, kTimedOut, kCancelled };
  Ending ending = Ending::kExited;
  int exit_code = -1;  // kExited only
  int signal = 0;      // kSignaled: the fatal signal; kTimedOut: what finally ended it
  std::string stdout_text;
  std::string stderr_text;
  bool output_truncated = false;
  double wall_ms = 0;

  bool Succeeded() const { return ending == Ending::kExited && exit_code == 0; }
  // The last max_bytes of stderr, cut at a line start when one is near.
  std::string StderrTail(std::size_t max_bytes = 2048) const;
  // "exit code 3", "killed by SIGSEGV", "timed out after 1.5 s".
  std::string Describe() const;
};

// Errors only when the program cannot be started (not found, not executable, bad cwd).
// Once the direct child ends, whatever it left running in its process group is killed:
// a benchmark leaves nothing behind.
Result<SubprocessResult> RunSubprocess(const SubprocessOptions& options);

// SIGKILLs the process group of every RunSubprocess child still running, in every thread:
// for a process that must exit at once (a second Ctrl-C) without leaving agents behind.
void KillAllSubprocesses();

// "SIGSEGV" for 11; "signal 64" when it has no name.
std::string SignalName(int signal);

}  // namespace bsb
