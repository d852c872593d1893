#include "tests/fakes/fake_target.h"

#include <thread>

namespace bsb::targets {

FakeTarget::FakeTarget(std::string name, TargetInfo info) : name_(std::move(name)), info_(std::move(info)) {}

TargetInfo FakeTarget::DefaultInfo() {
  TargetInfo info;
  info.arch = "x86_64";
  info.os = "fake";
  info.stamp_json = R"({"arch":"x86_64","os":"fake","emulated":false})";
  return info;
}

void FakeTarget::SetDefault(FakeBehaviour behaviour) {
  std::lock_guard lock(mu_);
  default_ = std::move(behaviour);
}

void FakeTarget::Queue(FakeBehaviour behaviour) {
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(behaviour));
}

void FakeTarget::Flake(int n) {
  for (int i = 0; i < n; ++i) Queue(FakeBehaviour::Of(FakeBehaviour::Kind::kTransport));
}

void FakeTarget::SetRunDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  delay_ = delay;
}

void FakeTarget::ReleaseHangs() {
  {
    std::lock_guard lock(mu_);
    ++release_generation_;
  }
  released_.notify_all();
}

int FakeTarget::probe_calls() const {
  std::lock_guard lock(mu_);
  return probe_calls_;
}

int FakeTarget::run_calls() const {
  std::lock_guard lock(mu_);
  return run_calls_;
}

std::vector<std::string> FakeTarget::specs_seen() const {
  std::lock_guard lock(mu_);
  return specs_;
}

std::vector<std::string> FakeTarget::objects_seen() const {
  std::lock_guard lock(mu_);
  return objects_;
}

Failure FakeTarget::Unreachable() const {
  return Failure{FailureKind::kUnreachable, "target '" + name_ + "': fake: connection refused"};
}

Outcome<TargetInfo> FakeTarget::Probe() {
  std::lock_guard lock(mu_);
  ++probe_calls_;
  if (default_.kind == FakeBehaviour::Kind::kUnreachable) return Unreachable();
  return info_;
}

Outcome<EnsureStats> FakeTarget::Ensure(const std::vector<Object>& objects) {
  std::lock_guard lock(mu_);
  if (default_.kind == FakeBehaviour::Kind::kUnreachable) return Unreachable();
  EnsureStats stats;
  for (const auto& o : objects) {
    bool seen = false;
    for (const auto& s : objects_) seen = seen || s == o.sha256;
    if (seen) {
      ++stats.objects_present;
    } else {
      ++stats.objects_shipped;
      objects_.push_back(o.sha256);
    }
  }
  return stats;
}

Outcome<std::string> FakeTarget::Run(const std::string& spec_json, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  ++run_calls_;
  specs_.push_back(spec_json);
  FakeBehaviour b = default_;
  if (!queue_.empty()) {
    b = std::move(queue_.front());
    queue_.pop_front();
  }
  using Kind = FakeBehaviour::Kind;
  if (cancelled_) return Failure{FailureKind::kTimeout, "target '" + name_ + "': fake: cancelled"};
  if (b.kind == Kind::kHang) {
    const unsigned generation = release_generation_;
    released_.wait_for(lock, timeout, [&] { return release_generation_ != generation || cancelled_; });
    return Failure{FailureKind::kTimeout, "target '" + name_ + "': fake: cell exceeded its timeout"};
  }
  const auto delay = delay_;
  lock.unlock();
  if (delay.count() > 0) std::this_thread::sleep_for(delay);
  switch (b.kind) {
    case Kind::kSucceed: return b.result_json;
    case Kind::kCrash:
      return Failure{FailureKind::kFailed, "target '" + name_ + "': fake: bsb-agent crashed",
                     "fake stderr tail\n", b.signal};
    case Kind::kFail: return Failure{FailureKind::kFailed, "target '" + name_ + "': " + b.message};
    case Kind::kTransport:
      return Failure{FailureKind::kTransport, "target '" + name_ + "': fake: connection lost mid-cell"};
    case Kind::kUnreachable: return Unreachable();
    case Kind::kHang: break;
  }
  return Failure{FailureKind::kFailed, "unreachable switch"};
}

void FakeTarget::Cancel() {
  {
    std::lock_guard lock(mu_);
    cancelled_ = true;
  }
  released_.notify_all();
}

bool FakeTarget::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

}  // namespace bsb::targets
