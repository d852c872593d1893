// `bsb-agent run --spec cell.json`: benchmark one cell (agent/linux/harness.h) and print one
// result JSON line (agent/protocol/RESULT.md) on stdout.
// Exit codes: 0 whenever a result was printed — also for status "failed" (the model did not
// load, an op is unsupported, the dataset does not fit the model: the benchmark's own
// failures, recorded and not retried); 2 when the spec itself is unreadable or invalid (the
// orchestrator and agent disagree: nothing was measured). A crash (signal) is the caller's to
// report, with the stderr tail.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "agent/linux/commands.h"
#include "agent/linux/harness.h"
#include "agent/linux/stamp.h"
#include "agent/protocol/cell_spec.h"

namespace bsb::agent {
namespace {

constexpr const char* kUsage = "usage: bsb-agent run --spec cell.json\n";

}  // namespace

int RunMain(int argc, char** argv) {
  const auto start = std::chrono::steady_clock::now();
  if (argc != 3 || std::string(argv[1]) != "--spec") {
    std::fprintf(stderr, "%s", kUsage);
    return kExitUsage;
  }
  const std::string spec_path = argv[2];
  std::ifstream in(spec_path);
  if (!in) {
    std::fprintf(stderr, "bsb-agent run: cannot open cell spec %s\n", spec_path.c_str());
    return kExitUsage;
  }
  std::ostringstream text;
  text << in.rdbuf();
  const protocol::Parsed<protocol::CellSpec> spec = protocol::ParseCellSpec(text.str());
  if (!spec) {
    std::fprintf(stderr, "bsb-agent run: %s: %s\n", spec_path.c_str(), spec.error().c_str());
    return kExitUsage;
  }

  LinuxStampDetails details;
  const protocol::Stamp stamp = CollectStamp(&details);
  const HarnessReport report = RunCell(*spec, stamp);
  nlohmann::json out = HarnessReportToJson(report);
  out["stamp"]["machine"] = details.machine;
  out["stamp"]["hardware_threads"] = details.hardware_threads;
  // The agent's whole wall time for this cell (spec read, stamp, dataset, model, every run):
  // what a cell's duration on the orchestrator's side is compared with to see transport cost.
  if (out.contains("metrics")) {
    out["metrics"]["agent_ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  std::printf("%s\n", out.dump().c_str());
  return kExitOk;
}

}  // namespace bsb::agent
