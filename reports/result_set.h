// ResultSet: everything a report is a pure function of — one run's metadata and its cells
// with their statuses and (when the agent answered) their results. The orchestrator loads it
// from the store and hands it in; reports/ never opens a database (ARCHITECTURE.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "agent/protocol/result.h"

namespace bsb::reports {

// The orchestrator's view of a cell. `ok` and `failed` come from the agent; `unsupported`
// from planning (kept with its reason, never dropped); the rest are infrastructure outcomes.
enum class CellStatus {
  kOk,
  kFailed,
  kUnsupported,
  kTimeout,
  kUnreachable,
  kTransport,
  kInterrupted,
};

const char* CellStatusName(CellStatus status);  // "ok", "failed", "unsupported", ...
std::optional<CellStatus> CellStatusFromName(std::string_view name);

struct RunInfo {
  std::string id;
  std::string matrix_name;
  std::string matrix_path;
  std::string started_at;   // ISO 8601 UTC, "2026-11-23T10:00:00Z"
  std::string finished_at;  // empty while running or after a crash
  std::string orchestrator_version;
  std::optional<protocol::Stamp> host;  // the machine the orchestrator ran on
};

struct Cell {
  std::string id;  // stable hash of (model, scheme, target, axes)
  std::string model;
  std::string scheme;  // fp32 is the baseline of its (model, target, axes)
  std::string target;
  std::string target_kind;  // local | qemu-user | ssh | serial | qemu-mcu
  std::vector<std::pair<std::string, std::string>> axes;  // free axes, e.g. {"threads", "4"}
  CellStatus status = CellStatus::kOk;
  std::string reason;  // why, for every status but ok
  int attempts = 1;
  std::string finished_at;             // ISO 8601 UTC, empty if never finished
  std::optional<double> duration_s;    // wall time of the last attempt
  std::optional<protocol::CellResult> result;  // what the agent returned, if it returned
};

struct Gates {
  // Largest allowed fall in top-1 accuracy (a share: 0.02 = two points) of a quantized cell
  // against its fp32 baseline.
  std::optional<double> accuracy_drop;
  // Largest allowed rise in p50 latency (a share: 0.10 = ten percent slower) of a quantized
  // cell against its fp32 baseline on the same target. A ratio within one target, so it holds
  // for emulated cells too (their absolute latency is never a result; their ratios are).
  std::optional<double> latency_regression;
};

struct ResultSet {
  RunInfo run;
  std::vector<Cell> cells;
  Gates gates;
};

// Whether a cell's numbers come from an emulator. The agent's detection wins (DESIGN §3:
// detected, not configured); without a stamp the target kind decides.
bool IsEmulated(const Cell& cell);

// "threads=4, batch=1", or "" without free axes.
std::string AxesLabel(const Cell& cell);

// Position of a scheme in DESIGN.md §2's order (fp32 first); unknown names sort last.
int SchemeRank(std::string_view scheme);

}  // namespace bsb::reports
