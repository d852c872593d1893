// Hand-built results shared by the protocol tests and the schema-check sample printer.
#pragma once

#include <vector>

#include "agent/protocol/result.h"

namespace bsb::protocol::testing {

// A native Linux result with every Linux field set.
inline CellResult LinuxOkResult() {
  CellResult r;
  r.stamp = Stamp{"Intel(R) Xeon(R) CPU @ 2.20GHz", "x86_64", "Debian GNU/Linux 12",
                  "6.1.0-13-amd64", "glibc 2.36", "gcc 12.2.0", "0.1.0", "0.1.0",
                  "e90cff7abcde", false, "", "builder-1", 1};
  Metrics m;
  m.size_bytes = 104'448;
  m.samples = 8;
  m.accuracy = 0.875;  // 7 of 8
  m.latency_ms = {0.25, 0.24, 0.31, 0.40, 0.20, 0.41, 0.05};
  m.load_ms = 1.5;
  m.first_inference_ms = 0.9;
  m.rss_delta_bytes = -4096;  // negative deltas are legal (allocator returned pages)
  m.peak_rss_bytes = 12'582'912;
  m.arena_bytes = 40'960;
  r.metrics = m;
  r.predictions = {9, 2, 1, 1, 6, 1, 4, 6};
  return r;
}

// An emulated MCU result: cycles, flash/RAM, no RSS.
inline CellResult McuOkResult() {
  CellResult r;
  r.stamp.device = "QEMU mps2-an386";
  r.stamp.arch = "cortex-m4";
  r.stamp.os = "bare-metal";
  r.stamp.agent_version = "0.1.0";
  r.stamp.runtime_version = "0.1.0";
  r.stamp.emulated = true;
  r.stamp.emulated_reason = "qemu-system-arm TCG (board reports QEMU)";
  Metrics m;
  m.size_bytes = 26'112;
  m.samples = 3;
  m.accuracy = 2.0 / 3.0;
  m.latency_ms = {2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 0.0};
  m.arena_bytes = 8'192;
  m.cycles = 50'000;
  m.flash_bytes = 131'072;
  m.ram_bytes = 32'768;
  m.stack_bytes = 2'048;
  r.metrics = m;
  r.predictions = {1000, 0, 35};  // needs width 2
  return r;
}

inline CellResult FailedResult() {
  CellResult r;
  r.status = ResultStatus::kFailed;
  r.error = "unsupported op: CUSTOM \"Foo\" at node 3";
  r.stamp = LinuxOkResult().stamp;
  return r;
}

inline std::vector<CellResult> AllSampleResults() {
  return {LinuxOkResult(), McuOkResult(), FailedResult()};
}

}  // namespace bsb::protocol::testing
