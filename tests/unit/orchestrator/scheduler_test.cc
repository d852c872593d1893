// The scheduler against the in-process fake target (STYLE #3): hangs, crashes, flaky
// transport and unreachable devices — statuses, retry counts, and that healthy targets finish.
#include "orchestrator/scheduler.h"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "tests/fakes/fake_target.h"

namespace bsb {
namespace {

using namespace std::chrono_literals;
using targets::FakeBehaviour;
using targets::FakeTarget;
using Kind = FakeBehaviour::Kind;

constexpr const char* kOkResult =
    R"({"schema":1,"status":"ok","stamp":{"device":"d","arch":"x86_64","os":"o","kernel":"k","libc":"l",)"
    R"("compiler":"c","agent_version":"a","runtime_version":"r","git_revision":"g","emulated":false,)"
    R"("emulated_reason":"","hostname":"h"},"metrics":{"size_bytes":1,"accuracy":1.0,"samples":1,)"
    R"("latency_ms":{"mean":1,"p50":1,"p95":1,"p99":1,"min":1,"max":1,"stdev":0}},)"
    R"("predictions":{"width":1,"digits":"3"}})";

std::vector<ScheduledCell> Cells(const std::string& prefix, int n, std::chrono::milliseconds timeout = 2000ms,
                                 int retries = 2) {
  std::vector<ScheduledCell> cells;
  for (int i = 0; i < n; ++i) {
    ScheduledCell c;
    c.cell_id = prefix + std::to_string(i);
    c.label = "model/scheme";
    c.spec_json = "{}";
    c.timeout = timeout;
    c.retries = retries;
    cells.push_back(c);
  }
  return cells;
}

struct Recorder {
  std::map<std::string, CellOutcome> by_id;
  int calls = 0;
  Scheduler::FinishedFn Fn() {
    return [this](const CellOutcome& o) {
      ++calls;
      by_id[o.cell_id] = o;
    };
  }
};

SchedulerOptions FastOptions() {
  SchedulerOptions o;
  o.backoff_base = 1ms;
  o.backoff_max = 5ms;
  o.grace = 100ms;
  return o;
}

TEST(Scheduler, HealthyTargetRunsEveryCellOnceAndInOrder) {
  FakeTarget t("x86");
  t.SetDefault(FakeBehaviour::Succeed(kOkResult));
  Recorder rec;
  Scheduler s(FastOptions(), rec.Fn());
  s.Run({{"x86", {&t}, Cells("a", 5)}});
  EXPECT_EQ(rec.calls, 5);
  for (auto& [id, o] : rec.by_id) {
    EXPECT_EQ(o.status, "ok") << id << ": " << o.reason;
    EXPECT_EQ(o.attempts, 1);
    EXPECT_EQ(o.result_json, kOkResult);
  }
  EXPECT_EQ(t.run_calls(), 5);
  EXPECT_EQ(t.probe_calls(), 1);
}

TEST(Scheduler, FlakyTransportIsRetriedAndCountsAttempts) {
  FakeTarget t("pi");
  t.SetDefault(FakeBehaviour::Succeed(kOkResult));
  t.Flake(2);  // two dropped connections, then fine
  Recorder rec;
  Scheduler s(FastOptions(), rec.Fn());
  s.Run({{"pi", {&t}, Cells("a", 1)}});
  ASSERT_EQ(rec.calls, 1);
  EXPECT_EQ(rec.by_id["a0"].status, "ok");
  EXPECT_EQ(rec.by_id["a0"].attempts, 3);
}

TEST(Scheduler, TransportFaultsBeyondRetriesEndAsTransport) {
  FakeTarget t("pi");
  t.SetDefault(FakeBehaviour::Of(Kind::kTransport));
  Recorder rec;
  Scheduler s(FastOptions(), rec.Fn());
  s.Run({{"pi", {&t}, Cells("a", 2, 2000ms, /*retries=*/1)}});
  EXPECT_EQ(rec.by_id["a0"].status, "transport");
  EXPECT_EQ(rec.by_id["a0"].attempts, 2);  // 1 try + 1 retry
  EXPECT_EQ(rec.by_id["a1"].status, "transport");
}

TEST(Scheduler, CrashIsFailedAndNotRetried) {
  FakeTarget t("x86");
  t.SetDefault(FakeBehaviour::Succeed(kOkResult));
  t.Queue(FakeBehaviour::Of(Kind::kCrash));
  Recorder rec;
  Scheduler s(FastOptions(), rec.Fn());
  s.Run({{"x86", {&t}, Cells("a", 2)}});
  EXPECT_EQ(rec.by_id["a0"].status, "failed");
  EXPECT_EQ(rec.by_id["a0"].attempts, 1);
  EXPECT_NE(rec.by_id["a0"].reason.find("fake stderr tail"), std::string::npos) << rec.by_id["a0"].reason;
  EXPECT_EQ(rec.by_id["a1"].status, "ok");  // the sweep goes on
}

TEST(Scheduler, HangIsATimeoutRetriedThenRecorded) {
  FakeTarget t("x86");
  t.SetDefault(FakeBehaviour::Of(Kind::kHang));
  Recorder rec;
  Scheduler s(FastOptions(), rec.Fn());
  s.Run({{"x86", {&t}, Cells("a", 1, 30ms, /*retries=*/1)}});
  EXPECT_EQ(rec.by_id["a0"].status, "timeout");
  EXPECT_EQ(rec.by_id["a0"].attempts, 2);
}

TEST(Scheduler, MalformedAgentOutputIsFailedWithReason) {
  FakeTarget t("x86");
  t.SetDefault(FakeBehaviour::Succeed(R"({"schema":1,"status":"ok"})"));  // no stamp, no metrics
  Recorder rec;
  Scheduler s(FastOptions(), rec.Fn());
  s.Run({{"x86", {&t}, Cells("a", 1)}});
  EXPECT_EQ(rec.by_id["a0"].status, "failed");
  EXPECT_NE(rec.by_id["a0"].reason.find("malformed result"), std::string::npos) << rec.by_id["a0"].reason;
  EXPECT_TRUE(rec.by_id["a0"].result_json.empty());
}

TEST(Scheduler, UnreachableTargetFailsItsCellsAndHealthyTargetStillFinishes) {
  FakeTarget dead("graviton");
  dead.SetDefault(FakeBehaviour::Of(Kind::kUnreachable));
  FakeTarget healthy("x86");
  healthy.SetDefault(FakeBehaviour::Succeed(kOkResult));
  Recorder rec;
  Scheduler s(FastOptions(), rec.Fn());
  s.Run({{"graviton", {&dead}, Cells("g", 4)}, {"x86", {&healthy}, Cells("x", 3)}});
  EXPECT_EQ(rec.calls, 7);
  for (int i = 0; i < 4; ++i) {
    const CellOutcome& o = rec.by_id["g" + std::to_string(i)];
    EXPECT_EQ(o.status, "unreachable") << o.reason;
    EXPECT_NE(o.reason.find("graviton"), std::string::npos) << o.reason;
  }
  for (int i = 0; i < 3; ++i) EXPECT_EQ(rec.by_id["x" + std::to_string(i)].status, "ok");
  EXPECT_EQ(dead.run_calls(), 0);  // never reached: no cell was attempted
  EXPECT_EQ(dead.probe_calls(), 3);  // 1 + retries (2)
}

TEST(Scheduler, PoolMembersShareOneQueue) {
  FakeTarget a("pi-a"), b("pi-b");
  for (FakeTarget* t : {&a, &b}) {
    t->SetDefault(FakeBehaviour::Succeed(kOkResult));
    t->SetRunDelay(20ms);
  }
  Recorder rec;
  Scheduler s(FastOptions(), rec.Fn());
  s.Run({{"pis", {&a, &b}, Cells("p", 8)}});
  EXPECT_EQ(rec.calls, 8);
  EXPECT_EQ(a.run_calls() + b.run_calls(), 8);
  EXPECT_GT(a.run_calls(), 0);
  EXPECT_GT(b.run_calls(), 0);
}

TEST(Scheduler, DeadPoolMemberLeavesItsWorkToTheOthers) {
  FakeTarget dead("pi-a"), alive("pi-b");
  dead.SetDefault(FakeBehaviour::Of(Kind::kUnreachable));
  alive.SetDefault(FakeBehaviour::Succeed(kOkResult));
  Recorder rec;
  Scheduler s(FastOptions(), rec.Fn());
  s.Run({{"pis", {&dead, &alive}, Cells("p", 4)}});
  for (int i = 0; i < 4; ++i) EXPECT_EQ(rec.by_id["p" + std::to_string(i)].status, "ok");
}

TEST(Scheduler, FailFastStopsNewCellsAndMarksTheRestInterrupted) {
  FakeTarget t("x86");
  t.SetDefault(FakeBehaviour::Succeed(kOkResult));
  t.Queue(FakeBehaviour::Of(Kind::kFail));
  SchedulerOptions o = FastOptions();
  o.fail_fast = true;
  Recorder rec;
  Scheduler s(o, rec.Fn());
  s.Run({{"x86", {&t}, Cells("a", 4)}});
  EXPECT_EQ(rec.calls, 4);
  EXPECT_EQ(rec.by_id["a0"].status, "failed");
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(rec.by_id["a" + std::to_string(i)].status, "interrupted");
    EXPECT_NE(rec.by_id["a" + std::to_string(i)].reason.find("--fail-fast"), std::string::npos);
  }
  EXPECT_EQ(t.run_calls(), 1);
}

TEST(Scheduler, StopGivesRunningCellsGraceThenCancelsThem) {
  FakeTarget t("x86");
  t.SetDefault(FakeBehaviour::Of(Kind::kHang));
  Recorder rec;
  Scheduler s(FastOptions(), rec.Fn());  // grace 100 ms
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    s.RequestStop("interrupted by SIGINT");
  });
  const auto start = std::chrono::steady_clock::now();
  s.Run({{"x86", {&t}, Cells("a", 3, /*timeout=*/60000ms)}});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  stopper.join();
  EXPECT_TRUE(t.cancelled());
  EXPECT_LT(elapsed, 30000ms);  // far below the 60 s cell timeout: the hang was cancelled
  ASSERT_EQ(rec.calls, 3);
  EXPECT_EQ(rec.by_id["a0"].status, "interrupted");
  EXPECT_EQ(rec.by_id["a1"].status, "interrupted");
  EXPECT_NE(rec.by_id["a1"].reason.find("SIGINT"), std::string::npos);
  EXPECT_EQ(t.run_calls(), 1);
}

TEST(Scheduler, JobsCapsTargetsInFlight) {
  FakeTarget a("a"), b("b");
  for (FakeTarget* t : {&a, &b}) {
    t->SetDefault(FakeBehaviour::Succeed(kOkResult));
    t->SetRunDelay(20ms);
  }
  SchedulerOptions o = FastOptions();
  o.jobs = 1;
  std::mutex mu;
  std::vector<std::string> order;  // target of each started cell
  Recorder rec;
  Scheduler s(o, rec.Fn(), [&](const ProgressEvent& e) {
    if (e.kind == ProgressEvent::Kind::kCellStarted) order.push_back(e.target);
  });
  s.Run({{"a", {&a}, Cells("a", 3)}, {"b", {&b}, Cells("b", 3)}});
  ASSERT_EQ(order.size(), 6u);
  // One target at a time: its cells are contiguous.
  int switches = 0;
  for (size_t i = 1; i < order.size(); ++i) switches += order[i] != order[i - 1];
  EXPECT_EQ(switches, 1);
}

}  // namespace
}  // namespace bsb
