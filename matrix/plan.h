// A Plan: the cells a matrix expands to (DESIGN.md §2), in a stable order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "matrix/model.h"
#include "support/result.h"

namespace bsb::matrix {

enum class CellStatus {
  kPlanned,      // will run
  kUnsupported,  // kept in the plan, never run; `reason` says why
};

const char* ToString(CellStatus status);

struct Cell {
  std::string id;  // CellId(model, scheme, target, axes): 12 hex characters
  std::string model;
  std::string scheme;
  std::string target;
  nlohmann::json axes = nlohmann::json::object();  // free-axis name → value
  CellStatus status = CellStatus::kPlanned;
  std::string reason;
  Settings settings;
};

struct Plan {
  std::string matrix_name;
  std::string file;
  std::vector<Cell> cells;

  std::size_t CountUnsupported() const;
};

// The largest number of cells a matrix may expand to before exclude (a typo in an axis list
// should fail fast, not exhaust memory).
inline constexpr std::size_t kMaxCells = 2'000'000;

// Expands a validated matrix: models × schemes × targets × axes, then `exclude`, then
// `include` (GitHub Actions semantics), then marks cells a target cannot run as unsupported.
// Errors (an include entry that matches nothing and cannot form a cell, too many cells) are
// "FILE:LINE:COL: error: ..." lines.
Result<Plan> Expand(const Matrix& matrix);

// The stable cell id: the first 12 hex characters of sha256 over the canonical JSON of
// {"axes":{...},"model":M,"scheme":S,"target":T} — keys sorted bytewise, no whitespace
// (see matrix/README.md).
std::string CellId(const std::string& model, const std::string& scheme, const std::string& target,
                   const nlohmann::json& axes);
std::string CanonicalCellJson(const std::string& model, const std::string& scheme, const std::string& target,
                              const nlohmann::json& axes);

}  // namespace bsb::matrix
