// Target overheads: what orchestration costs per cell on top of the agent's own work, and
// how fast objects move. The agent here is the fake one (tests/fakes/fake_agent.cc), which
// does no inference, so a cell's time is all overhead. Reported, never asserted.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "targets/target.h"
#include "tests/fakes/object_files.h"
#include "tests/integration/ssh/sshd_fixture.h"

namespace bsb::targets {
namespace {

using std::chrono::seconds;
namespace fs = std::filesystem;

struct Inputs {
  Object model, images, labels;
  std::string spec;
};

Inputs MakeInputs() {
  auto dir = testing::FreshDir("bench-inputs");
  Inputs in;
  in.model = testing::WriteObject(dir, "m.tflite", "ok\n");
  in.images = testing::WriteObject(dir, "i.idx", "images");
  in.labels = testing::WriteObject(dir, "l.idx", "labels");
  in.spec = testing::SpecFor(in.model, in.images, in.labels);
  return in;
}

testing::Sshd& SharedSshd() {
  static testing::Sshd sshd;
  return sshd;
}

// A whole cell from a cold orchestrator against a warm device: connect (key exchange, host
// key check, auth), probe (uname, workdir, agent present?, agent probe), Ensure (3 objects,
// all present), exec the cell.
void BM_SshCellColdConnectWarmCache(benchmark::State& state) {
  auto& sshd = SharedSshd();
  if (!sshd.error().empty()) return state.SkipWithError(sshd.error().c_str());
  const Inputs in = MakeInputs();
  const TargetConfig config = sshd.Config("bench");
  MakeTarget(config).value()->Ensure({in.model, in.images, in.labels}).value();  // warm the cache
  for (auto _ : state) {
    auto target = MakeTarget(config).value();
    if (!target->Probe().ok()) return state.SkipWithError("probe failed");
    if (target->Ensure({in.model, in.images, in.labels})->bytes_shipped != 0) {
      return state.SkipWithError("cache was not warm");
    }
    if (!target->Run(in.spec, seconds(30)).ok()) return state.SkipWithError("run failed");
  }
}
BENCHMARK(BM_SshCellColdConnectWarmCache)->Unit(benchmark::kMillisecond)->Iterations(20);

// One more cell on an open session: one channel, spec on stdin, lock + timeout + agent.
void BM_SshCellOnOpenSession(benchmark::State& state) {
  auto& sshd = SharedSshd();
  if (!sshd.error().empty()) return state.SkipWithError(sshd.error().c_str());
  const Inputs in = MakeInputs();
  auto target = MakeTarget(sshd.Config("bench")).value();
  target->Ensure({in.model, in.images, in.labels}).value();
  for (auto _ : state) {
    if (!target->Run(in.spec, seconds(30)).ok()) return state.SkipWithError("run failed");
  }
}
BENCHMARK(BM_SshCellOnOpenSession)->Unit(benchmark::kMillisecond)->Iterations(50);

// SFTP upload of a 10 MB object (10 * 1000 * 1000 bytes), removed again between iterations.
void BM_SshUpload10MB(benchmark::State& state) {
  auto& sshd = SharedSshd();
  if (!sshd.error().empty()) return state.SkipWithError(sshd.error().c_str());
  constexpr std::size_t kBytes = 10 * 1000 * 1000;
  auto dir = testing::FreshDir("bench-upload");
  std::string content(kBytes, '\0');
  for (std::size_t i = 0; i < kBytes; ++i) content[i] = static_cast<char>((i * 2654435761u) >> 13);
  const Object big = testing::WriteObject(dir, "big.bin", content);
  const TargetConfig config = sshd.Config("bench");
  auto target = MakeTarget(config).value();
  target->Ensure({}).value();  // connect + workdir outside the timing
  const fs::path remote = fs::path(config.ssh.workdir) / "objects" / big.sha256;
  for (auto _ : state) {
    auto r = target->Ensure({big});
    if (!r.ok() || r->bytes_shipped != kBytes) return state.SkipWithError("upload failed");
    state.PauseTiming();
    fs::remove(remote);
    state.ResumeTiming();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kBytes));
}
BENCHMARK(BM_SshUpload10MB)->Unit(benchmark::kMillisecond)->Iterations(5)->UseRealTime();

// The local kind: one child process per cell.
void BM_LocalCell(benchmark::State& state) {
  const Inputs in = MakeInputs();
  TargetConfig c;
  c.name = "bench-local";
  c.kind = "local";
  c.cache_dir = testing::FreshDir("bench-cache").string();
  c.agents["x86_64"] = {"", testing::FakeAgentPath()};
  auto target = MakeTarget(c).value();
  target->Ensure({in.model, in.images, in.labels}).value();
  for (auto _ : state) {
    if (!target->Run(in.spec, seconds(30)).ok()) return state.SkipWithError("run failed");
  }
}
BENCHMARK(BM_LocalCell)->Unit(benchmark::kMillisecond)->Iterations(50);

}  // namespace
}  // namespace bsb::targets
