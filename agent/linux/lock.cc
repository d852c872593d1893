#include "agent/linux/lock.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace bsb::agent {
namespace {

constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
volatile sig_atomic_t g_child_pid = 0;

void ForwardToChild(int signal_number) {
  if (g_child_pid > 0) kill(static_cast<pid_t>(g_child_pid), signal_number);
}

double MonotonicSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string ErrnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

// The holder writes its pid into the file, so a busy message can say who holds the lock.
std::string HolderOf(int fd) {
  char buffer[32] = {};
  const ssize_t n = pread(fd, buffer, sizeof buffer - 1, 0);
  if (n <= 0) return "another process";
  std::string pid(buffer, static_cast<std::size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return "pid " + pid;
}

void RecordHolder(int fd) {
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) == 0) {
    [[maybe_unused]] ssize_t ignored = pwrite(fd, pid.data(), pid.size(), 0);
  }
}

}  // namespace

LockOutcome RunLocked(const std::string& dir, double wait_s,
                      const std::vector<std::string>& command) {
  LockOutcome out;
  if (command.empty()) {
    out.message = "no command to run under the lock";
    return out;
  }
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    out.message = ErrnoText("cannot create lock directory " + dir);
    return out;
  }
  const std::string path = dir + "/lock";
  // Deliberately NOT O_CLOEXEC: the command inherits the descriptor and with it the lock.
  const int fd = open(path.c_str(), O_RDWR | O_CREAT, 0600);
  if (fd < 0) {
    out.message = ErrnoText("cannot open " + path);
    return out;
  }

  const double deadline = MonotonicSeconds() + wait_s;
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      out.message = ErrnoText("flock " + path);
      close(fd);
      return out;
    }
    if (MonotonicSeconds() >= deadline) {
      out.kind = LockOutcome::Kind::kBusy;
      out.message = "busy: " + path + " is held by " + HolderOf(fd) + " (waited " +
                    std::to_string(static_cast<int>(wait_s)) + " s)";
      close(fd);
      return out;
    }
    const timespec poll_interval{0, 50'000'000};  // 50 ms: fine-grained enough for handover
    nanosleep(&poll_interval, nullptr);
  }
  RecordHolder(fd);

  std::vector<char*> argv;
  for (const std::string& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t child = fork();
  if (child < 0) {
    out.message = ErrnoText("fork");
    close(fd);
    return out;
  }
  if (child == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died between fork and prctl
    execvp(argv[0], argv.data());
    const int exec_errno = errno;
    std::fprintf(stderr, "bsb-agent lock: cannot run %s: %s\n", argv[0], std::strerror(exec_errno));
    _exit(exec_errno == ENOENT ? 127 : 126);  // the shell's conventions
  }

  g_child_pid = child;
  struct sigaction forward {};
  forward.sa_handler = ForwardToChild;
  sigemptyset(&forward.sa_mask);
  for (int s : kForwardedSignals) sigaction(s, &forward, nullptr);

  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) {
      out.message = ErrnoText("waitpid");
      close(fd);
      return out;
    }
  }
  g_child_pid = 0;
  close(fd);  // releases the lock (the child's copy is gone with the child)
  if (WIFSIGNALED(status)) {
    out.kind = LockOutcome::Kind::kSignalled;
    out.status = WTERMSIG(status);
  } else {
    out.kind = LockOutcome::Kind::kExited;
    out.status = WEXITSTATUS(status);
  }
  return out;
}

}  // namespace bsb::agent
