// Device lock: two orchestrators must never benchmark one device at once (DESIGN §5). The lock
// is an flock(2) on DIR/lock, so the kernel releases it when the holder dies — however it dies.
#pragma once

#include <string>
#include <vector>

namespace bsb::agent {

struct LockOutcome {
  enum class Kind {
    kExited,     // the command ran; `status` is its exit status
    kSignalled,  // the command ran and died of signal `status`
    kBusy,       // the lock stayed held by someone else for the whole wait
    kError,      // could not create the lock file or start the command; see `message`
  };
  Kind kind = Kind::kError;
  int status = 0;
  std::string message;  // for kBusy / kError: what and where
};

// Takes an exclusive flock on `dir`/lock (creating `dir` and the file if missing), waiting up
// to `wait_s` seconds (0: try once), then runs `command` (execvp, no shell) as a child and waits
// for it. The lock file's descriptor is inherited by the child, so the lock is held until BOTH
// are gone; the child also gets SIGKILL if this process dies (PR_SET_PDEATHSIG), so a dropped
// SSH session does not leave an unlocked benchmark running. SIGINT, SIGTERM, SIGHUP and SIGQUIT
// received while waiting for the child are forwarded to it.
LockOutcome RunLocked(const std::string& dir, double wait_s, const std::vector<std::string>& command);

}  // namespace bsb::agent
