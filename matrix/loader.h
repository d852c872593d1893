// Entry points of matrix/: read a matrix file, report every problem at once, build the Plan.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "matrix/model.h"
#include "matrix/plan.h"
#include "support/result.h"

namespace bsb::matrix {

// The largest matrix file read; anything bigger is certainly not hand-written.
inline constexpr std::size_t kMaxMatrixFileBytes = 4 << 20;
// The deepest nesting of lists and mappings read (the format itself needs 5: top level →
// targets → a target → budget → flash); deeper input is refused before yaml-cpp recurses into it.
inline constexpr int kMaxNestingDepth = 32;

// Parses and validates YAML text. `file` names it in messages; relative paths in it resolve
// against `base_dir`. On failure the error holds one "FILE:LINE:COL: error: ..." line per
// problem, ordered by position (ExitCode::kInvalidInput).
Result<Matrix> ParseMatrix(std::string_view text, const std::string& file, const std::filesystem::path& base_dir);

// Reads `path` and parses it; relative paths resolve against the file's directory.
Result<Matrix> LoadMatrixFile(const std::string& path);

// LoadMatrixFile, then Expand.
Result<Plan> LoadPlan(const std::string& path);

}  // namespace bsb::matrix
