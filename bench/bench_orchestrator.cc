// A whole sweep over SSH: `bsb-matrix run` with two SSH targets (two throw-away sshds on
// 127.0.0.1, sessions with /bin/sh) running the real agent on a real model, 6 schemes each.
// What the user waits for (the run's wall time) against what the agents spent measuring (the
// sum of every cell's metrics.agent_ms): how much the transport costs per cell and how well
// the two targets overlap. Reported, never asserted. (The model is the conformance MNIST-digit
// network on Fashion-MNIST: its accuracy is meaningless here, its timings are not.)
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestrator/store.h"
#include "support/subprocess.h"
#include "tests/fakes/object_files.h"
#include "tests/integration/ssh/sshd_fixture.h"

namespace bsb {
namespace {

namespace fs = std::filesystem;
using targets::testing::Sshd;

const std::string kModel = std::string(BSB_SHARED_DIR) + "/conformance/mnist_ffn_fp32/model.tflite";
const std::string kImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
const std::string kLabels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
const std::string kBinary = std::string(BSB_BINARY_DIR) + "/bsb-matrix";
constexpr const char* kSchemes = "[fp32, float16, dynamic, int8, int8-only, int16x8]";

// Milliseconds since the epoch of "YYYY-MM-DDTHH:MM:SS.mmmZ" (the store's timestamps).
double EpochMs(const std::string& iso) {
  std::tm tm{};
  if (iso.size() < 23 || !strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
  return static_cast<double>(timegm(&tm)) * 1000.0 + std::stod(iso.substr(20, 3));
}

void BM_SshSweepTwoTargets(benchmark::State& state) {
  if (!fs::exists(kModel) || !fs::exists(kImages)) return state.SkipWithError("needs shared/conformance and dataset-fashion-mnist");
  if (!fs::exists(kBinary)) return state.SkipWithError("bsb-matrix is not built");
  Sshd a, b;
  if (!a.error().empty()) return state.SkipWithError(a.error().c_str());
  if (!b.error().empty()) return state.SkipWithError(b.error().c_str());
  const fs::path dir = targets::testing::FreshDir("bench-sweep");
  const fs::path matrix = dir / "sweep.yaml";
  std::ofstream(matrix) << "version: 1\nname: bench-sweep\n"
                        << "defaults: {warmup: 10, runs: 200, samples: 1000, threads: 1, timeout: 120s, retries: 1}\n"
                        << "datasets:\n  fashion:\n    format: idx\n    images: " << kImages
                        << "\n    labels: " << kLabels << "\n    scale: 0.00392156862745098\n"
                        << "models:\n  - name: ffn\n    source: " << kModel
                        << "\n    dataset: fashion\n    calibration: {dataset: fashion, samples: 100}\n"
                        << "schemes: " << kSchemes << "\n"
                        << "targets:\n"
                        << a.MatrixTarget("box-a", (dir / "remote-a").string()) << b.MatrixTarget("box-b", (dir / "remote-b").string());
  const std::string db = (dir / "results.sqlite").string();
  const std::vector<std::string> argv = {kBinary, "run", matrix.string(), "--db", db, "--cache-dir", (dir / "cache").string()};

  // Cold run first (quantize, upload agents and objects), outside the timing.
  const auto cold_start = std::chrono::steady_clock::now();
  auto cold = RunSubprocess({.argv = argv, .timeout = std::chrono::minutes(10)});
  const double cold_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - cold_start).count();
  if (!cold.ok() || !cold->Succeeded()) return state.SkipWithError("the cold sweep failed");

  double wall_s = 0, sweep_s = 0, agent_s = 0, cell_s = 0, before_s = 0;
  std::size_t cells = 0;
  for (auto _ : state) {
    const double spawned_ms =
        std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto start = std::chrono::steady_clock::now();
    auto run = RunSubprocess({.argv = argv, .timeout = std::chrono::minutes(10)});
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!run.ok() || !run->Succeeded()) return state.SkipWithError("a warm sweep failed");
    state.SetIterationTime(wall);
    wall_s += wall;

    auto store = Store::Open(db);
    if (!store.ok()) return state.SkipWithError("cannot open the store");
    auto loaded = store->LoadCells(store->LatestRunId().value());
    if (!loaded.ok()) return state.SkipWithError("cannot read the cells");
    double first_start = 0, last_finish = 0;
    for (const CellRecord& c : *loaded) {
      if (c.status != "ok" || !c.result_json || !c.duration_ms) return state.SkipWithError("a cell is not ok");
      const nlohmann::json result = nlohmann::json::parse(*c.result_json);
      agent_s += result["metrics"].value("agent_ms", 0.0) / 1000.0;
      cell_s += *c.duration_ms / 1000.0;
      const double started = EpochMs(c.started_at), finished = EpochMs(c.finished_at);
      if (first_start == 0 || started < first_start) first_start = started;
      if (finished > last_finish) last_finish = finished;
      ++cells;
    }
    sweep_s += (last_finish - first_start) / 1000.0;
    before_s += (first_start - spawned_ms) / 1000.0;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["cells"] = static_cast<double>(cells) / n;
  state.counters["cold_run_s"] = cold_s;
  state.counters["sweep_s"] = sweep_s / n;          // first cell started .. last cell finished
  state.counters["before_first_cell_s"] = before_s / n;  // start, plan, hash, connect, probe
  state.counters["agent_sum_s"] = agent_s / n;      // Σ metrics.agent_ms
  state.counters["cell_sum_s"] = cell_s / n;        // Σ cell duration on the orchestrator's side
  state.counters["overhead_per_cell_ms"] = (cell_s - agent_s) * 1000.0 / static_cast<double>(cells);
  state.counters["agent_sum_over_sweep"] = agent_s / sweep_s;  // 2 = both targets busy all along
  state.counters["wall_over_agent_sum"] = wall_s / agent_s;
}
BENCHMARK(BM_SshSweepTwoTargets)->Unit(benchmark::kSecond)->Iterations(3)->UseManualTime();

}  // namespace
}  // namespace bsb
