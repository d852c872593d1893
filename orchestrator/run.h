// `bsb-matrix run`: the main job. Load the plan, open the results store, record the run,
// prepare every cell's artifacts, map matrix targets to devices, schedule the cells, record
// each finished cell in its own transaction, then compare against the fp32 baselines and
// judge the gates. Returns the documented exit code (README.md):
//   0 all cells ok or unsupported · 2 invalid input · 3 some cells failed · 4 a gate failed
//   · 130 interrupted · 1 internal error (the store could not be written).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace bsb {

struct RunOptions {
  std::string matrix_path;
  std::string db_path;     // empty: bsb-results.sqlite beside the matrix
  std::string cache_dir;   // empty: $BSB_CACHE_DIR or ~/.cache/bsb-matrix
  std::string agents_dir;  // empty: DefaultAgentsDir()
  int jobs = 0;            // targets in flight; 0: all
  bool fail_fast = false;
  std::optional<int64_t> resume;  // re-run the cells of this run that are not ok
  bool quiet = false;
  bool verbose = false;
  std::chrono::milliseconds grace{10000};  // running cells' time to finish after a stop
};

int RunMatrix(const RunOptions& options);

// Where a run's results go when --db is not given: bsb-results.sqlite beside the matrix.
std::string DefaultDbPath(const std::string& matrix_path);

}  // namespace bsb
