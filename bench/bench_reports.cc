// Rendering cost of a large sweep: 10 models × 7 schemes × 16 targets = 1120 cells of 1000
// predictions each, per output format. Reported, never asserted (STYLE #12).
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>

#include "reports/report.h"
#include "tests/unit/reports/fixture_result_set.h"

namespace {

bsb::reports::ResultSet LargeSet() {
  using namespace bsb::reports;
  const ResultSet fixture = testing::FixtureResultSet();
  const Cell& fp32 = fixture.cells[0];  // fc-small fp32 on x86, ok
  const Cell& int8 = fixture.cells[1];
  ResultSet set;
  set.run = fixture.run;
  set.gates = fixture.gates;
  const char* schemes[] = {"fp32", "float16", "dynamic", "int8", "int8-only", "int16x8",
                           "int16x8-only"};
  for (int model = 0; model < 10; ++model) {
    for (int target = 0; target < 16; ++target) {
      for (const char* scheme : schemes) {
        Cell cell = std::string(scheme) == "fp32" ? fp32 : int8;
        cell.model = "model-" + std::to_string(model);
        cell.target = "target-" + std::to_string(target);
        cell.scheme = scheme;
        cell.id = cell.model + cell.target + scheme;
        set.cells.push_back(cell);
      }
    }
  }
  return set;
}

void BM_RenderReport(benchmark::State& state) {
  const bsb::reports::ResultSet set = LargeSet();
  const auto format = static_cast<bsb::reports::Format>(state.range(0));
  size_t bytes = 0;
  for (auto _ : state) {
    std::ostringstream out;
    benchmark::DoNotOptimize(bsb::reports::RenderReport(set, format, out).ok());
    bytes = out.str().size();
  }
  state.counters["cells"] = static_cast<double>(set.cells.size());
  state.counters["output_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_RenderReport)
    ->ArgName("format")  // 0 html, 1 md, 2 csv, 3 json, 4 junit
    ->DenseRange(0, 4)
    ->Unit(benchmark::kMillisecond);

}  // namespace
