// The scheduler: targets in parallel, cells on one target serialized (timing!), a pool of
// identical devices or a target's `concurrency:` sharing one queue, infrastructure faults
// retried with backoff, a dead target failing its remaining cells at once, and a stop
// (Ctrl-C, --fail-fast) that starts no new cell and interrupts the running ones after a grace.
//
// It knows cells only as opaque specs; what to record is the caller's (on_finished is called
// once per cell, from worker threads, serialized by the scheduler).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "targets/target.h"

namespace bsb {

struct ScheduledCell {
  std::string cell_id;
  std::string label;  // "model/scheme" for progress lines
  std::string spec_json;
  std::vector<targets::Object> objects;
  std::chrono::milliseconds timeout{300000};
  int retries = 2;  // extra attempts after an infrastructure fault
};

// One queue: the cells of a matrix target and the devices that serve it. Several workers
// (pool members, or `concurrency` instances of one device) take cells from the same queue.
struct TargetQueue {
  std::string name;
  std::vector<targets::Target*> workers;
  std::vector<ScheduledCell> cells;
};

struct CellOutcome {
  std::string cell_id;
  std::string target;
  // ok | failed | timeout | unreachable | transport | unsupported | interrupted
  std::string status;
  std::string reason;
  std::string result_json;  // the agent's result line, when one arrived (ok or failed)
  int attempts = 0;
  std::chrono::system_clock::time_point started_at{};
  std::chrono::system_clock::time_point finished_at{};
  double duration_ms = 0;
};

struct ProgressEvent {
  enum class Kind { kCellStarted, kCellFinished, kRetrying };
  Kind kind = Kind::kCellStarted;
  std::string target;
  std::string cell_id;
  std::string label;
  const CellOutcome* outcome = nullptr;  // kCellFinished only
  std::string message;                   // kRetrying: why
};

struct SchedulerOptions {
  int jobs = 0;  // targets in flight at once; 0: all
  bool fail_fast = false;
  std::chrono::milliseconds backoff_base{1000};  // first retry waits this, then doubles
  std::chrono::milliseconds backoff_max{30000};
  std::chrono::milliseconds grace{10000};  // running cells get this long after a stop
};

class Scheduler {
 public:
  using FinishedFn = std::function<void(const CellOutcome&)>;
  using ProgressFn = std::function<void(const ProgressEvent&)>;

  Scheduler(SchedulerOptions options, FinishedFn on_finished, ProgressFn on_progress = nullptr);

  // Runs every cell of every queue; returns when each cell has an outcome.
  void Run(std::vector<TargetQueue> queues);

  // Thread-safe. No new cell starts; running cells get the grace period, then are cancelled.
  void RequestStop(const std::string& reason);
  bool stop_requested() const { return stop_.load(); }
  const std::string& stop_reason() const { return stop_reason_; }

 private:
  struct QueueState;
  void RunQueue(QueueState& q);
  void Worker(QueueState& q, targets::Target* target);
  CellOutcome RunCell(QueueState& q, targets::Target* target, const ScheduledCell& cell);
  void Finish(QueueState& q, CellOutcome outcome);
  void DrainRemaining(QueueState& q, const std::string& status, const std::string& reason);
  // Sleeps up to `d`, waking early on a stop. Returns false when stopped.
  bool Backoff(std::chrono::milliseconds d);
  void Progress(const ProgressEvent& e);

  SchedulerOptions options_;
  FinishedFn on_finished_;
  ProgressFn on_progress_;

  std::atomic<bool> stop_{false};
  std::string stop_reason_;
  std::mutex mu_;                 // guards callbacks, stop_reason_, job slots
  std::condition_variable wake_;  // stop and job-slot changes
  int jobs_in_flight_ = 0;
};

}  // namespace bsb
