// The benchmark harness behind `bsb-agent run` (DESIGN §3, seed "Methodology"):
//   1. optional CPU pinning (sched_setaffinity), dataset loaded and checked;
//   2. RSS baseline (VmRSS) — before the model is read;
//   3. load_ms: read the file, verify, Prepare (arena allocated);
//   4. first_inference_ms: the first, cold Invoke;
//   5. `warmup` Invokes, discarded;
//   6. `runs` timed single-sample Invokes: CLOCK_MONOTONIC read right before and right after
//      Invoke only; the sample is chosen (by `seed`) and quantized into the input tensor before
//      the first clock read;
//   7. top-1 accuracy and per-sample predictions over the first `samples` examples;
//   8. rss_delta_bytes = VmRSS now − baseline; peak_rss_bytes = VmHWM.
// The runtime is single-threaded: threads_used is stamped 1 whatever was requested, and a note
// says so when more were asked for.
#pragma once

#include <string>
#include <vector>

#include "agent/protocol/cell_spec.h"
#include "agent/protocol/result.h"

namespace bsb::agent {

struct HarnessReport {
  protocol::CellResult result;   // status failed + error for the benchmark's own failures
  std::vector<std::string> notes;  // honest caveats (threads not honoured, ...)
  // Mean wall time per timed run spent OUTSIDE Invoke (choosing + quantizing the sample, clock
  // reads, storing the latency), microseconds; 0 when no timed run happened.
  double harness_overhead_us = 0;
};

// Never throws for a bad model or dataset: those come back as status failed with the reason.
HarnessReport RunCell(const protocol::CellSpec& spec, const protocol::Stamp& stamp);

// The result line `bsb-agent run` prints: ResultToJson plus the Linux-only extras (notes,
// metrics.harness_overhead_us). Readers of schema 1 ignore keys they do not know.
nlohmann::json HarnessReportToJson(const HarnessReport& report);

}  // namespace bsb::agent
