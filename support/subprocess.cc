#include "support/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <string_view>

extern char** environ;

namespace bsb {
namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Close(); }
  int get() const { return fd_; }
  void Reset(int fd) { Close(); fd_ = fd; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

std::string Errno(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// Owns the posix_spawn attribute objects so every exit path releases them.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  SpawnSetup() {
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

Result<pid_t> Spawn(const SubprocessOptions& o, int out_w, int err_w) {
  SpawnSetup s;
  posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&s.actions, out_w, 1);
  posix_spawn_file_actions_adddup2(&s.actions, err_w, 2);
  if (!o.cwd.empty()) posix_spawn_file_actions_addchdir_np(&s.actions, o.cwd.c_str());

  // Own process group (so a timeout reaches grandchildren), default signal dispositions
  // and an empty mask whatever the orchestrator's threads have blocked.
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                         POSIX_SPAWN_SETSIGMASK);
  posix_spawnattr_setpgroup(&s.attr, 0);
  posix_spawnattr_setsigdefault(&s.attr, &defaults);
  posix_spawnattr_setsigmask(&s.attr, &empty);

  std::vector<char*> argv;
  for (const auto& a : o.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  if (o.env) {
    for (const auto& e : *o.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
  }
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &s.actions, &s.attr, argv.data(),
                        o.env ? envp.data() : environ);
  if (rc != 0) {
    std::string where = o.cwd.empty() ? "" : " in '" + o.cwd + "'";
    return MakeError("cannot start '" + o.argv[0] + "'" + where + ": " + std::strerror(rc),
                     ExitCode::kInternal);
  }
  return pid;
}

void KillGroup(pid_t pgid, int sig) { ::kill(-pgid, sig); }

// Process groups of the children RunSubprocess is running now, for KillAllSubprocesses.
std::mutex live_groups_mu;
std::set<pid_t> live_groups;

class LiveGroup {
 public:
  explicit LiveGroup(pid_t pgid) : pgid_(pgid) {
    std::lock_guard lock(live_groups_mu);
    live_groups.insert(pgid_);
  }
  ~LiveGroup() {
    std::lock_guard lock(live_groups_mu);
    live_groups.erase(pgid_);
  }
  LiveGroup(const LiveGroup&) = delete;
  LiveGroup& operator=(const LiveGroup&) = delete;

 private:
  pid_t pgid_;
};

// A pollable handle on the child's exit (Linux ≥ 5.3); -1 when unavailable, in which
// case the loop falls back to short polls and waitpid(WNOHANG).
int OpenPidFd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  return -1;
#endif
}

struct Stream {
  Fd fd;
  std::string* sink;
};

}  // namespace

void KillAllSubprocesses() {
  std::lock_guard lock(live_groups_mu);
  for (pid_t pgid : live_groups) KillGroup(pgid, SIGKILL);
}

std::string SignalName(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  if (abbrev == nullptr) return "signal " + std::to_string(signal);
  return std::string("SIG") + abbrev;
}

std::string SubprocessResult::StderrTail(std::size_t max_bytes) const {
  if (stderr_text.size() <= max_bytes) return stderr_text;
  std::size_t start = stderr_text.size() - max_bytes;
  std::size_t newline = stderr_text.find('\n', start);
  if (newline != std::string::npos && newline + 1 < stderr_text.size() &&
      newline - start < max_bytes / 4) {
    start = newline + 1;
  }
  return stderr_text.substr(start);
}

std::string SubprocessResult::Describe() const {
  switch (ending) {
    case Ending::kExited: return "exit code " + std::to_string(exit_code);
    case Ending::kSignaled: return "killed by " + SignalName(signal);
    case Ending::kCancelled: return "cancelled";
    case Ending::kTimedOut: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "timed out after %.1f s", wall_ms / 1000.0);
      return buf;
    }
  }
  return "unknown ending";
}

Result<SubprocessResult> RunSubprocess(const SubprocessOptions& options) {
  if (options.argv.empty() || options.argv[0].empty()) {
    return MakeError("RunSubprocess: empty argv", ExitCode::kInternal);
  }
  SubprocessResult result;
  std::array<int, 2> out{-1, -1}, err{-1, -1};
  if (::pipe2(out.data(), O_CLOEXEC) != 0) return MakeError(Errno("pipe"), ExitCode::kInternal);
  std::array<Stream, 2> streams{Stream{Fd(out[0]), &result.stdout_text},
                                Stream{Fd(), &result.stderr_text}};
  Fd out_w(out[1]);
  if (::pipe2(err.data(), O_CLOEXEC) != 0) return MakeError(Errno("pipe"), ExitCode::kInternal);
  streams[1].fd.Reset(err[0]);
  Fd err_w(err[1]);

  const auto start = Clock::now();
  auto spawned = Spawn(options, out_w.get(), err_w.get());
  if (!spawned) return spawned.error();
  const pid_t pid = *spawned;
  const LiveGroup live(pid);
  out_w.Close();
  err_w.Close();
  Fd pidfd(OpenPidFd(pid));

  for (auto& s : streams) ::fcntl(s.fd.get(), F_SETFL, O_NONBLOCK);

  bool reaped = false;
  int wait_status = 0;
  bool timed_out = false;
  bool cancelled = false;
  std::optional<Clock::time_point> kill_at;     // set once SIGTERM went out
  std::optional<Clock::time_point> drain_until; // a setsid'd grandchild may hold the pipes
  const std::optional<Clock::time_point> deadline =
      options.timeout.count() > 0 ? std::optional(start + options.timeout) : std::nullopt;
  std::array<char, 65536> buf;

  auto try_reap = [&] {
    if (reaped) return;
    pid_t r = ::waitpid(pid, &wait_status, WNOHANG);
    if (r == pid) {
      reaped = true;
      drain_until = Clock::now() + options.kill_grace;
      // The leader is gone; anything it left in its group would hold our pipes open.
      KillGroup(pid, SIGKILL);
    }
  };

  while (!reaped || streams[0].fd.get() >= 0 || streams[1].fd.get() >= 0) {
    const auto now = Clock::now();
    if (deadline && !timed_out && now >= *deadline) {
      timed_out = true;
      KillGroup(pid, SIGTERM);
      kill_at = now + options.kill_grace;
    }
    if (options.cancel && !cancelled && !timed_out && options.cancel->load()) {
      cancelled = true;
      KillGroup(pid, SIGTERM);
      kill_at = now + options.kill_grace;
    }
    if (kill_at && now >= *kill_at) {
      KillGroup(pid, SIGKILL);
      kill_at.reset();
    }
    if (drain_until && now >= *drain_until) {
      for (auto& s : streams) s.fd.Close();
      break;
    }
    int wait_ms = -1;
    auto bound = [&](Clock::time_point t) {
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(t - now).count();
      ms = std::max<long long>(ms, 0);
      wait_ms = wait_ms < 0 ? static_cast<int>(ms) : std::min(wait_ms, static_cast<int>(ms));
    };
    if (deadline && !timed_out) bound(*deadline);
    if (kill_at) bound(*kill_at);
    if (drain_until) bound(*drain_until);
    if (pidfd.get() < 0 && !reaped) bound(now + std::chrono::milliseconds(10));
    // A cancel flag cannot wake poll: look at it every 50 ms.
    if (options.cancel && !cancelled && !reaped) bound(now + std::chrono::milliseconds(50));

    std::array<pollfd, 3> fds{};
    nfds_t n = 0;
    std::array<int, 3> which{};
    for (int i = 0; i < 2; ++i) {
      if (streams[i].fd.get() >= 0) {
        fds[n] = {streams[i].fd.get(), POLLIN, 0};
        which[n++] = i;
      }
    }
    if (pidfd.get() >= 0 && !reaped) {
      fds[n] = {pidfd.get(), POLLIN, 0};
      which[n++] = 2;
    }
    int rc = ::poll(fds.data(), n, wait_ms);
    if (rc < 0 && errno != EINTR) {
      KillGroup(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      return MakeError(Errno("poll"), ExitCode::kInternal);
    }
    for (nfds_t i = 0; rc > 0 && i < n; ++i) {
      if (fds[i].revents == 0) continue;
      if (which[i] == 2) {
        try_reap();
        continue;
      }
      Stream& s = streams[which[i]];
      ssize_t got = ::read(s.fd.get(), buf.data(), buf.size());
      if (got > 0) {
        std::size_t room = options.max_output_bytes - std::min(options.max_output_bytes, s.sink->size());
        if (static_cast<std::size_t>(got) > room) result.output_truncated = true;
        s.sink->append(buf.data(), std::min(room, static_cast<std::size_t>(got)));
      } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        s.fd.Close();
      }
    }
    try_reap();
  }

  result.wall_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (cancelled) {
    result.ending = SubprocessResult::Ending::kCancelled;
    result.signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
  } else if (timed_out) {
    result.ending = SubprocessResult::Ending::kTimedOut;
    result.signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
  } else if (WIFSIGNALED(wait_status)) {
    result.ending = SubprocessResult::Ending::kSignaled;
    result.signal = WTERMSIG(wait_status);
  } else {
    result.ending = SubprocessResult::Ending::kExited;
    result.exit_code = WEXITSTATUS(wait_status);
  }
  return result;
}

}  // namespace bsb
