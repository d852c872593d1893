#include "orchestrator/signals.h"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "support/subprocess.h"

namespace bsb {

SignalWatcher::SignalWatcher() {
  sigemptyset(&set_);
  sigaddset(&set_, SIGINT);
  sigaddset(&set_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set_, &old_);
  thread_ = std::thread([this] { Loop(); });
}

SignalWatcher::~SignalWatcher() {
  done_.store(true);
  thread_.join();
  // A signal that arrived after the run is over is delivered now, with its default action.
  pthread_sigmask(SIG_SETMASK, &old_, nullptr);
}

void SignalWatcher::OnStop(std::function<void(const std::string&)> stop) {
  std::lock_guard stop_lock(stop_mu_);
  stop_ = std::move(stop);
  std::string reason;
  {
    std::lock_guard lock(mu_);
    if (fired_) reason = reason_;
  }
  if (!reason.empty() && stop_) stop_(reason);
}

void SignalWatcher::ClearStop() {
  std::lock_guard stop_lock(stop_mu_);
  stop_ = nullptr;
}

void SignalWatcher::RequestStop(const std::string& reason) {
  std::lock_guard lock(mu_);
  if (pending_.empty()) pending_ = reason;
}

void SignalWatcher::Fire(const std::string& reason) {
  {
    std::lock_guard lock(mu_);
    if (fired_) return;
    fired_ = true;
    reason_ = reason;
  }
  // Called without mu_: a worker may hold the scheduler's lock while calling RequestStop.
  std::lock_guard stop_lock(stop_mu_);
  if (stop_) stop_(reason);
}

void SignalWatcher::Loop() {
  // How often the loop looks at done_ and pending_: short enough that a run ends promptly.
  const timespec poll{0, 100 * 1000 * 1000};
  int received = 0;
  while (!done_.load()) {
    std::string pending;
    {
      std::lock_guard lock(mu_);
      pending.swap(pending_);
    }
    if (!pending.empty()) Fire(pending);
    siginfo_t info{};
    const int sig = sigtimedwait(&set_, &info, &poll);
    if (sig <= 0) continue;
    ++received;
    const char* name = sig == SIGINT ? "SIGINT" : "SIGTERM";
    if (received == 1) {
      std::fprintf(stderr,
                   "\nbsb-matrix: %s: stopping — no new cells start, running cells get a grace period, "
                   "then are killed (send it again to exit at once)\n",
                   name);
      interrupted_.store(true);
      Fire(std::string("interrupted by ") + name);
    } else {
      static const char kMessage[] = "\nbsb-matrix: second signal: exiting at once (finished cells are recorded)\n";
      (void)!write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
      KillAllSubprocesses();  // running agents (their own process groups) must not outlive us
      _exit(130);
    }
  }
}

}  // namespace bsb
