// The lines `bsb-matrix run` prints when it is done: counts by status, each measured cell
// against its fp32 baseline (accuracy delta, agreement, size ratio, speedup), what did not
// succeed and why, and the gate findings.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "reports/comparison.h"
#include "reports/result_set.h"

namespace bsb {

struct RunVerdict {
  std::vector<reports::Comparison> comparisons;
  std::vector<reports::GateFinding> findings;
  int ok = 0;
  int unsupported = 0;
  int interrupted = 0;
  int not_ok = 0;  // failed, timeout, unreachable, transport
};

RunVerdict Judge(const reports::ResultSet& set);

// `quiet`: the counts, what went wrong and the gate findings only.
void PrintSummary(std::FILE* out, const reports::ResultSet& set, const RunVerdict& verdict, bool quiet,
                  const std::string& db_path);

}  // namespace bsb
