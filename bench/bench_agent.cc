// bsb-agent costs (issue 5, "Performance"): a whole `bsb-agent run` as a fresh process, native
// vs under qemu-aarch64-static, and the harness overhead the agent measures itself (wall time
// per timed run spent outside Invoke). Reported, never asserted.
//
// The cell: BSB_BENCH_AGENT_SPEC=cell.json if set (e.g. fc-small over Fashion-MNIST), else the
// conformance model ad01_int8 over a synthetic 20×32 IDX dataset, 200 timed runs, 100 samples.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "agent/common/idx.h"
#include "agent/protocol/cell_spec.h"
#include "agent/protocol/result.h"

namespace {

namespace fs = std::filesystem;

std::string AgentPath(const std::string& arch) {
  return std::string(BSB_BINARY_DIR) + "/agents/" + arch + "/bsb-agent";
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
}

// The spec file for the benchmark cell; "" if neither the override nor the conformance set is there.
std::string BenchSpec() {
  if (const char* spec = std::getenv("BSB_BENCH_AGENT_SPEC")) return spec;
  const std::string model = std::string(BSB_SHARED_DIR) + "/conformance/ad01_int8/model.tflite";
  if (!fs::exists(model)) return {};
  const std::string dir = (fs::temp_directory_path() / "bsb-bench-agent").string();
  fs::create_directories(dir);
  constexpr uint32_t kSamples = 100;
  bsb::idx::Images images{kSamples, 20, 32, {}};  // 640 pixels = ad01's input elements
  uint32_t state = 12345;
  images.pixels.resize(static_cast<std::size_t>(kSamples) * 640);
  for (uint8_t& p : images.pixels) p = static_cast<uint8_t>((state = state * 1664525u + 1013904223u) >> 24);
  WriteBytes(dir + "/images.idx", bsb::idx::EncodeImages(images));
  WriteBytes(dir + "/labels.idx", bsb::idx::EncodeLabels({std::vector<uint8_t>(kSamples, 0)}));
  bsb::protocol::CellSpec spec;
  spec.model_path = model;
  spec.images_path = dir + "/images.idx";
  spec.labels_path = dir + "/labels.idx";
  spec.input_scale = 0.05;
  spec.scheme = "int8-only";
  spec.warmup = 10;
  spec.runs = 200;
  spec.samples = kSamples;
  std::ofstream(dir + "/cell.json") << bsb::protocol::SerializeCellSpec(spec);
  return dir + "/cell.json";
}

// Runs argv with stdout captured; returns stdout, or "" on failure.
std::string RunCapture(const std::vector<std::string>& argv) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buffer[65536];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? out : std::string();
}

void RunAgent(benchmark::State& state, const std::vector<std::string>& prefix) {
  const std::string spec = BenchSpec();
  if (spec.empty()) {
    state.SkipWithError("no cell: set BSB_BENCH_AGENT_SPEC or provide shared/conformance");
    return;
  }
  std::vector<std::string> argv = prefix;
  argv.insert(argv.end(), {"run", "--spec", spec});
  double overhead_us = 0, p50_ms = 0, runs = 0;
  for (auto _ : state) {
    const std::string out = RunCapture(argv);
    auto result = bsb::protocol::ParseResult(out);
    if (!result.ok() || !result->metrics) {
      state.SkipWithError(("agent run failed: " + out).c_str());
      return;
    }
    const nlohmann::json json = nlohmann::json::parse(out);
    overhead_us += json["metrics"].value("harness_overhead_us", 0.0);
    p50_ms += result->metrics->latency_ms.p50;
    runs += 1;
  }
  state.counters["harness_overhead_us"] = overhead_us / runs;
  state.counters["invoke_p50_ms"] = p50_ms / runs;
}

void BM_AgentRunNative(benchmark::State& state) { RunAgent(state, {AgentPath("x86_64")}); }
void BM_AgentRunQemuAarch64(benchmark::State& state) {
  RunAgent(state, {"qemu-aarch64-static", AgentPath("aarch64")});
}
void BM_AgentRunQemuArmv7(benchmark::State& state) {
  RunAgent(state, {"qemu-arm-static", AgentPath("armv7")});
}

BENCHMARK(BM_AgentRunNative)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(10);
BENCHMARK(BM_AgentRunQemuAarch64)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);
BENCHMARK(BM_AgentRunQemuArmv7)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace
