// An in-process Target for scheduler tests (STYLE #3): told to succeed, hang, crash, flake
// or be unreachable, and observable (what it was asked to run, how often). Thread-safe:
// configure it from the test while a scheduler thread drives it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "targets/target.h"

namespace bsb::targets {

struct FakeBehaviour {
  enum class Kind {
    kSucceed,      // Run returns result_json
    kHang,         // Run blocks for the whole timeout (or until ReleaseHangs), then kTimeout
    kCrash,        // kFailed with signal and stderr tail, as a crashed agent
    kFail,         // kFailed with message (agent exited non-zero)
    kTransport,    // kTransport: the connection dropped mid-cell
    kUnreachable,  // kUnreachable, also for Probe and Ensure while it is the default
  };
  Kind kind = Kind::kSucceed;
  std::string result_json = R"({"schema":1,"status":"ok"})";
  int signal = 11;  // SIGSEGV
  std::string message = "fake failure";

  static FakeBehaviour Succeed(std::string json) { return {Kind::kSucceed, std::move(json)}; }
  static FakeBehaviour Of(Kind kind) { FakeBehaviour b; b.kind = kind; return b; }
};

class FakeTarget final : public Target {
 public:
  explicit FakeTarget(std::string name, TargetInfo info = DefaultInfo());

  // What every Run does once the queue is empty.
  void SetDefault(FakeBehaviour behaviour);
  // Consumed one per Run, before the default applies.
  void Queue(FakeBehaviour behaviour);
  // n transport faults, then the default: a flaky link.
  void Flake(int n);
  // Simulated cell time for behaviours that return (not kHang).
  void SetRunDelay(std::chrono::milliseconds delay);
  // Wakes every Run blocked in kHang; they return kTimeout at once.
  void ReleaseHangs();

  int probe_calls() const;
  int run_calls() const;
  std::vector<std::string> specs_seen() const;   // every spec Run received, in order
  std::vector<std::string> objects_seen() const; // sha256 of every object Ensure'd

  const std::string& name() const override { return name_; }
  Outcome<TargetInfo> Probe() override;
  Outcome<EnsureStats> Ensure(const std::vector<Object>& objects) override;
  Outcome<std::string> Run(const std::string& spec_json, std::chrono::milliseconds timeout) override;
  // Ends a hanging Run at once (as the real kinds kill their agent) and every later Run.
  void Cancel() override;
  bool cancelled() const;

  static TargetInfo DefaultInfo();

 private:
  Failure Unreachable() const;

  const std::string name_;
  const TargetInfo info_;
  mutable std::mutex mu_;
  std::condition_variable released_;
  FakeBehaviour default_;
  std::deque<FakeBehaviour> queue_;
  std::chrono::milliseconds delay_{0};
  unsigned release_generation_ = 0;
  bool cancelled_ = false;
  int probe_calls_ = 0;
  int run_calls_ = 0;
  std::vector<std::string> specs_;
  std::vector<std::string> objects_;
};

}  // namespace bsb::targets
