// Ctrl-C and SIGTERM for `bsb-matrix run`: the first asks the scheduler to stop (no new cell
// starts; running ones get the grace period, then are killed; everything finished stays
// recorded), the second exits at once with 130 — the store is consistent either way, since
// every finished cell is one committed transaction.
//
// The signals are blocked in every thread and taken by one watcher thread with sigtimedwait,
// so no work happens in a signal handler. Construct before starting any other thread.
#pragma once

#include <atomic>
#include <csignal>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace bsb {

class SignalWatcher {
 public:
  SignalWatcher();
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // Called once, on the watcher thread, with "interrupted by SIGINT" (or SIGTERM). If a signal
  // came before this is set, it is called at once.
  void OnStop(std::function<void(const std::string&)> stop);
  // Forgets the stop function (before what it refers to is destroyed).
  void ClearStop();
  // From any thread (even one holding the scheduler's lock): have the watcher thread call the
  // stop function with `reason` soon, without counting as an interruption.
  void RequestStop(const std::string& reason);

  bool interrupted() const { return interrupted_.load(); }

 private:
  void Loop();
  void Fire(const std::string& reason);

  sigset_t set_{};
  sigset_t old_{};
  std::atomic<bool> done_{false};
  std::atomic<bool> interrupted_{false};
  std::mutex mu_;       // fired_, reason_, pending_
  std::mutex stop_mu_;  // stop_, held while it runs; never taken under mu_
  std::function<void(const std::string&)> stop_;
  std::string reason_;
  std::string pending_;  // RequestStop's reason, picked up by the loop
  bool fired_ = false;
  std::thread thread_;
};

}  // namespace bsb
