// From the results store to a reports::ResultSet: what `report` renders and what `run`
// judges its gates on. Comparisons use the predictions as stored, so a report made later
// from the same store says exactly what the run said.
#pragma once

#include <cstdint>
#include <string>

#include "orchestrator/store.h"
#include "reports/result_set.h"
#include "support/result.h"

namespace bsb {

// A run's metadata, its cells (statuses, reasons, parsed results with stored predictions)
// and the gates it was run with. Cells left pending by a crash read as interrupted.
Result<reports::ResultSet> LoadResultSet(Store& store, int64_t run_id);

// "latest" or a run number → a run id in the store.
Result<int64_t> ResolveRunId(Store& store, const std::string& run);

}  // namespace bsb
