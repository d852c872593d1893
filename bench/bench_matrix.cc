// `bsb-matrix plan --json` on a matrix that expands to 100,000 cells (issue goal: under 1 s):
// 10 models × 5 schemes × 10 targets (2 of them MCUs) × threads [1, 2, 4, 8] × batch [1..50],
// with an exclude and two include rules, so every expansion stage does real work.
// Reported, never asserted (STYLE #12).
#include <string>

#include <benchmark/benchmark.h>

#include "matrix/loader.h"
#include "matrix/plan_output.h"

namespace {

std::string LargeMatrixYaml() {
  std::string yaml = "version: 1\nname: bench\ndatasets: {d: {images: i.gz, labels: l.gz}}\nmodels:\n";
  for (int m = 0; m < 10; ++m) yaml += "  - {name: model-" + std::to_string(m) + ", source: m.tflite, dataset: d}\n";
  yaml += "schemes: [fp32, float16, dynamic, int8, int16x8]\ntargets:\n";
  for (int t = 0; t < 8; ++t) yaml += "  - {name: host-" + std::to_string(t) + ", kind: ssh, host: h" + std::to_string(t) + "}\n";
  yaml += "  - {name: m4, kind: qemu-mcu, board: mps2-an386, budget: {flash: 2MiB, ram: 640KiB}}\n";
  yaml += "  - {name: nucleo, kind: serial, port: /dev/ttyACM0}\n";
  yaml += "axes:\n  threads: [1, 2, 4, 8]\n  batch: [";
  for (int b = 1; b <= 50; ++b) yaml += (b > 1 ? ", " : "") + std::to_string(b);
  yaml += "]\n";
  // The exclude names a value no cell holds, so the plan keeps all 100,000 cells.
  yaml += "exclude: [{target: [m4, nucleo], threads: [16]}]\n";
  yaml += "include: [{target: host-0, runs: 50}, {scheme: int8, timeout: 90s}]\n";
  return yaml;
}

void BM_MatrixParseExpand(benchmark::State& state) {
  const std::string yaml = LargeMatrixYaml();
  std::size_t cells = 0;
  for (auto _ : state) {
    const bsb::Result<bsb::matrix::Matrix> matrix = bsb::matrix::ParseMatrix(yaml, "bench.yaml", "/");
    const bsb::Result<bsb::matrix::Plan> plan = bsb::matrix::Expand(*matrix);
    cells = plan->cells.size();
    benchmark::DoNotOptimize(cells);
  }
  state.counters["cells"] = static_cast<double>(cells);
}
BENCHMARK(BM_MatrixParseExpand)->Unit(benchmark::kMillisecond);

// What `plan --json` does after reading the file: parse, expand, write the JSON text.
void BM_MatrixPlanJson(benchmark::State& state) {
  const std::string yaml = LargeMatrixYaml();
  std::size_t cells = 0, bytes = 0;
  for (auto _ : state) {
    const bsb::Result<bsb::matrix::Matrix> matrix = bsb::matrix::ParseMatrix(yaml, "bench.yaml", "/");
    const bsb::Result<bsb::matrix::Plan> plan = bsb::matrix::Expand(*matrix);
    const std::string out = bsb::matrix::PlanToJsonText(*plan);
    cells = plan->cells.size();
    bytes = out.size();
    benchmark::DoNotOptimize(bytes);
  }
  state.counters["cells"] = static_cast<double>(cells);
  state.counters["json_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_MatrixPlanJson)->Unit(benchmark::kMillisecond);

}  // namespace
