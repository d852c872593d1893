#include "orchestrator/scheduler.h"

#include <algorithm>
#include <deque>
#include <thread>

#include "agent/protocol/result.h"

namespace bsb {
namespace {

using Clock = std::chrono::steady_clock;
using targets::Failure;
using targets::FailureKind;

}  // namespace

// Per-queue shared state: the cells not yet taken and how many workers are still alive.
struct Scheduler::QueueState {
  std::string name;
  std::vector<targets::Target*> workers;
  std::mutex mu;
  std::deque<ScheduledCell> pending;
  int live_workers = 0;
  int probe_retries = 0;         // a probe is retried like the queue's cells
  std::string last_unreachable;  // why the last worker died
};

Scheduler::Scheduler(SchedulerOptions options, FinishedFn on_finished, ProgressFn on_progress)
    : options_(std::move(options)), on_finished_(std::move(on_finished)), on_progress_(std::move(on_progress)) {}

void Scheduler::RequestStop(const std::string& reason) {
  {
    std::lock_guard lock(mu_);
    if (stop_.load()) return;
    stop_reason_ = reason;
    stop_.store(true);
  }
  wake_.notify_all();
}

void Scheduler::Progress(const ProgressEvent& e) {
  if (!on_progress_) return;
  std::lock_guard lock(mu_);
  on_progress_(e);
}

bool Scheduler::Backoff(std::chrono::milliseconds d) {
  std::unique_lock lock(mu_);
  return !wake_.wait_for(lock, d, [&] { return stop_.load(); });
}

void Scheduler::Run(std::vector<TargetQueue> queues) {
  std::vector<std::unique_ptr<QueueState>> states;
  for (TargetQueue& q : queues) {
    auto s = std::make_unique<QueueState>();
    s->name = q.name;
    s->workers = q.workers;
    s->probe_retries = q.cells.empty() ? 0 : q.cells.front().retries;
    s->pending.assign(std::make_move_iterator(q.cells.begin()), std::make_move_iterator(q.cells.end()));
    states.push_back(std::move(s));
  }

  // After a stop, running cells get the grace period; then every target is cancelled.
  std::atomic<bool> all_done{false};
  std::thread canceller([&] {
    std::unique_lock lock(mu_);
    wake_.wait(lock, [&] { return stop_.load() || all_done.load(); });
    if (all_done.load()) return;
    if (!wake_.wait_for(lock, options_.grace, [&] { return all_done.load(); })) {
      for (auto& s : states) {
        for (targets::Target* t : s->workers) t->Cancel();
      }
    }
  });

  std::vector<std::thread> threads;
  threads.reserve(states.size());
  for (auto& s : states) threads.emplace_back([this, &s] { RunQueue(*s); });
  for (std::thread& t : threads) t.join();
  {
    std::lock_guard lock(mu_);
    all_done.store(true);
  }
  wake_.notify_all();
  canceller.join();
}

void Scheduler::RunQueue(QueueState& q) {
  // --jobs caps how many targets are in flight; a queue waits for a slot (or a stop).
  bool got_slot = false;
  {
    std::unique_lock lock(mu_);
    wake_.wait(lock, [&] { return stop_.load() || options_.jobs <= 0 || jobs_in_flight_ < options_.jobs; });
    if (!stop_.load()) {
      ++jobs_in_flight_;
      got_slot = true;
    }
  }
  if (got_slot) {
    q.live_workers = static_cast<int>(q.workers.size());
    std::vector<std::thread> threads;
    for (targets::Target* t : q.workers) threads.emplace_back([this, &q, t] { Worker(q, t); });
    for (std::thread& t : threads) t.join();
    {
      std::lock_guard lock(mu_);
      --jobs_in_flight_;
    }
    wake_.notify_all();
  }
  if (q.workers.empty()) DrainRemaining(q, "unreachable", "target '" + q.name + "' has no device to run on");
  if (!q.last_unreachable.empty()) DrainRemaining(q, "unreachable", q.last_unreachable);
  DrainRemaining(q, "interrupted", "not started: " + (stop_reason_.empty() ? "the run stopped" : stop_reason_));
}

void Scheduler::Worker(QueueState& q, targets::Target* target) {
  // Probe once per device, retrying an unreachable one with backoff like any cell.
  const int probe_retries = q.probe_retries;
  std::string unsupported;
  for (int attempt = 0;; ++attempt) {
    if (stop_.load()) return;
    auto info = target->Probe();
    if (info.ok()) break;
    const Failure& f = info.failure();
    if (f.kind == FailureKind::kUnsupported) {
      unsupported = f.message;
      break;
    }
    if (!f.Retryable() || attempt >= probe_retries) {
      std::lock_guard lock(q.mu);
      if (--q.live_workers == 0) q.last_unreachable = f.message;
      return;
    }
    Progress({ProgressEvent::Kind::kRetrying, q.name, "", "", nullptr, f.message});
    auto wait = std::min(options_.backoff_max, options_.backoff_base * (1 << std::min(attempt, 10)));
    if (!Backoff(wait)) return;
  }
  if (!unsupported.empty()) {
    DrainRemaining(q, "unsupported", unsupported);
    return;
  }

  for (;;) {
    if (stop_.load()) return;
    ScheduledCell cell;
    {
      std::lock_guard lock(q.mu);
      if (q.pending.empty()) return;
      cell = std::move(q.pending.front());
      q.pending.pop_front();
    }
    CellOutcome outcome = RunCell(q, target, cell);
    const bool dead = outcome.status == "unreachable";
    Finish(q, std::move(outcome));
    if (dead) {
      // This device stays out of reach after its retries; its pool-mates carry on, and
      // when none is left the queue's remaining cells fail as unreachable at once.
      std::lock_guard lock(q.mu);
      if (--q.live_workers == 0) q.last_unreachable = "target '" + q.name + "' stayed unreachable";
      return;
    }
  }
}

CellOutcome Scheduler::RunCell(QueueState& q, targets::Target* target, const ScheduledCell& cell) {
  CellOutcome out;
  out.cell_id = cell.cell_id;
  out.target = q.name;
  out.started_at = std::chrono::system_clock::now();
  const auto start = Clock::now();
  Progress({ProgressEvent::Kind::kCellStarted, q.name, cell.cell_id, cell.label, nullptr, ""});

  for (int attempt = 0;; ++attempt) {
    out.attempts = attempt + 1;
    Failure failure;
    bool failed = false;
    if (auto ensured = target->Ensure(cell.objects); !ensured.ok()) {
      failure = ensured.failure();
      failed = true;
    } else if (auto ran = target->Run(cell.spec_json, cell.timeout); !ran.ok()) {
      failure = ran.failure();
      failed = true;
    } else {
      auto parsed = protocol::ParseResult(ran.value());
      if (!parsed.ok()) {
        out.status = "failed";
        out.reason = "target '" + q.name + "' returned a malformed result: " + parsed.error();
      } else {
        out.result_json = ran.value();
        out.status = parsed->status == protocol::ResultStatus::kOk ? "ok" : "failed";
        out.reason = parsed->error;
      }
      break;
    }
    if (stop_.load() && failed) {
      // Cancelled (or failed while stopping): the cell did not finish on its own terms.
      out.status = "interrupted";
      out.reason = stop_reason_ + " (" + failure.message + ")";
      break;
    }
    out.status = targets::FailureKindName(failure.kind);
    out.reason = failure.message;
    if (failure.signal != 0 || !failure.stderr_tail.empty()) {
      if (!failure.stderr_tail.empty()) out.reason += "\nstderr tail:\n" + failure.stderr_tail;
    }
    if (!failure.Retryable() || attempt >= cell.retries) break;
    Progress({ProgressEvent::Kind::kRetrying, q.name, cell.cell_id, cell.label, nullptr,
              out.status + ": " + failure.message});
    auto wait = std::min(options_.backoff_max, options_.backoff_base * (1 << std::min(attempt, 10)));
    if (!Backoff(wait)) {
      out.status = "interrupted";
      out.reason = stop_reason_ + " (while waiting to retry after " + failure.message + ")";
      break;
    }
  }
  out.finished_at = std::chrono::system_clock::now();
  out.duration_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return out;
}

void Scheduler::Finish(QueueState& q, CellOutcome outcome) {
  const bool bad = outcome.status != "ok" && outcome.status != "unsupported" && outcome.status != "interrupted";
  {
    std::lock_guard lock(mu_);
    on_finished_(outcome);
    if (on_progress_) {
      ProgressEvent e{ProgressEvent::Kind::kCellFinished, q.name, outcome.cell_id, "", &outcome, ""};
      on_progress_(e);
    }
  }
  if (bad && options_.fail_fast) RequestStop("--fail-fast: cell " + outcome.cell_id + " ended " + outcome.status);
}

void Scheduler::DrainRemaining(QueueState& q, const std::string& status, const std::string& reason) {
  std::deque<ScheduledCell> rest;
  {
    std::lock_guard lock(q.mu);
    rest.swap(q.pending);
  }
  const auto now = std::chrono::system_clock::now();
  for (const ScheduledCell& cell : rest) {
    CellOutcome out;
    out.cell_id = cell.cell_id;
    out.target = q.name;
    out.status = status;
    out.reason = reason;
    out.started_at = out.finished_at = now;
    Finish(q, std::move(out));
  }
}

}  // namespace bsb
