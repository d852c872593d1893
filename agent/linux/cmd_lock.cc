// `bsb-agent lock --dir D [--wait-s N] -- CMD...`: run CMD while holding an flock on D/lock.
// Exits with CMD's exit status or dies of CMD's signal; 75 with "busy" on stderr if the lock
// stayed held for N seconds (default 0: try once).
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "agent/linux/commands.h"
#include "agent/linux/lock.h"

namespace bsb::agent {
namespace {

constexpr const char* kUsage = "usage: bsb-agent lock --dir D [--wait-s N] -- CMD [ARGS...]\n";

int UsageError(const std::string& what) {
  std::fprintf(stderr, "bsb-agent lock: %s\n%s", what.c_str(), kUsage);
  return kExitUsage;
}

}  // namespace

int LockMain(int argc, char** argv) {
  std::string dir;
  double wait_s = 0;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (arg == "--wait-s" && i + 1 < argc) {
      char* end = nullptr;
      wait_s = std::strtod(argv[++i], &end);
      if (*end != '\0' || !(wait_s >= 0)) return UsageError(std::string("--wait-s wants seconds >= 0, got '") + argv[i] + "'");
    } else {
      return UsageError("unexpected argument '" + arg + "'");
    }
  }
  if (dir.empty()) return UsageError("--dir is required");
  if (i >= argc) return UsageError("no command after --");

  const LockOutcome outcome = RunLocked(dir, wait_s, std::vector<std::string>(argv + i, argv + argc));
  switch (outcome.kind) {
    case LockOutcome::Kind::kExited:
      return outcome.status;
    case LockOutcome::Kind::kSignalled:
      // Die the same way so our caller sees the command's signal, not a made-up code.
      std::fflush(nullptr);
      signal(outcome.status, SIG_DFL);
      raise(outcome.status);
      return 128 + outcome.status;  // only if the signal does not kill (e.g. SIGCHLD-like)
    case LockOutcome::Kind::kBusy:
      std::fprintf(stderr, "bsb-agent lock: %s\n", outcome.message.c_str());
      return kExitLockBusy;
    case LockOutcome::Kind::kError:
      break;
  }
  std::fprintf(stderr, "bsb-agent lock: %s\n", outcome.message.c_str());
  return kExitInternal;
}

}  // namespace bsb::agent
