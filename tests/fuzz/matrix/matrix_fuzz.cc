// Fuzz entry point for the matrix loader: YAML text → ParseMatrix (structure check, yaml-cpp,
// typed model, cross-checks) → Expand → plan output. Any input must end in a Matrix or a list
// of FILE:LINE:COL messages, never a crash, a hang or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "matrix/loader.h"
#include "matrix/plan_output.h"

namespace {

// Expansion is linear in the cell count and benchmarked separately (bench/bench_matrix.cc); a
// few bytes of axes can ask for millions of cells, which would only slow the fuzzer down.
constexpr std::size_t kMaxFuzzCells = 20'000;

std::size_t ProductSize(const bsb::matrix::Matrix& matrix) {
  std::size_t cells = matrix.models.size() * matrix.schemes.size() * matrix.targets.size();
  for (const bsb::matrix::Axis& axis : matrix.axes) {
    if (cells > kMaxFuzzCells) break;
    cells *= axis.values.size();
  }
  return cells;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bsb::Result<bsb::matrix::Matrix> matrix = bsb::matrix::ParseMatrix(text, "fuzz.yaml", "/fuzz");
  if (!matrix) {
    // Every problem is reported against the file.
    if (matrix.error().message.rfind("fuzz.yaml", 0) != 0) __builtin_trap();
    return 0;
  }
  if (ProductSize(*matrix) > kMaxFuzzCells) return 0;
  const bsb::Result<bsb::matrix::Plan> plan = bsb::matrix::Expand(*matrix);
  if (!plan) return 0;
  // The streamed JSON `plan --json` prints must be the document PlanToJson builds.
  const std::string json_text = bsb::matrix::PlanToJsonText(*plan);
  if (nlohmann::json::parse(json_text) != bsb::matrix::PlanToJson(*plan)) __builtin_trap();
  if (bsb::matrix::PlanToTable(*plan).empty()) __builtin_trap();
  (void)bsb::matrix::FilterPlan(*plan, "scheme=int8,target=x86");
  return 0;
}
