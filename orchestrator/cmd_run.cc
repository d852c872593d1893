// `bsb-matrix run MATRIX [--db FILE] [--jobs N] [--fail-fast] [--resume RUN_ID] [--quiet|--verbose]`
#include <memory>

#include "orchestrator/commands.h"
#include "orchestrator/run.h"

namespace bsb {

void RegisterRun(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RunOptions>();
  auto grace_s = std::make_shared<double>(10.0);
  auto resume = std::make_shared<int64_t>(0);
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run every cell of a matrix: prepare the artifacts, ship the agent and the artifacts to each target,\n"
      "run the cells (targets in parallel, one cell at a time per target), store the results in SQLite.\n"
      "Exit codes: 0 all cells ok or unsupported, 2 invalid input, 3 some cells failed,\n"
      "4 a gate failed, 130 interrupted, 1 internal error.");
  cmd->add_option("matrix", o->matrix_path, "The matrix YAML file")->required();
  cmd->add_option("--db", o->db_path, "Results store (default: bsb-results.sqlite beside the matrix)");
  cmd->add_option("--jobs,-j", o->jobs, "Targets in flight at once (default: all)")->check(CLI::Range(0, 4096));
  cmd->add_flag("--fail-fast", o->fail_fast, "Stop at the first cell that does not succeed");
  cmd->add_option("--resume", *resume,
                  "Re-run the cells of run RUN_ID that are not ok (same matrix, same artifacts)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 53));
  cmd->add_option("--grace", *grace_s, "Seconds running cells get after Ctrl-C before they are killed (default 10)")
      ->check(CLI::Range(0, 4096));
  cmd->add_option("--cache-dir", o->cache_dir, "Artifact store root (default $BSB_CACHE_DIR or ~/.cache/bsb-matrix)");
  cmd->add_option("--agents-dir", o->agents_dir,
                  "Where the agent builds are: DIR/<arch>/bsb-agent (default $BSB_AGENTS_DIR, else agents/ beside "
                  "this program)");
  auto* quiet = cmd->add_flag("--quiet,-q", o->quiet, "Only the final summary and what went wrong");
  cmd->add_flag("--verbose,-v", o->verbose, "Also retries, preparation steps and transport details")->excludes(quiet);
  cmd->callback([o, grace_s, resume, &exit_code] {
    if (*resume > 0) o->resume = *resume;
    o->grace = std::chrono::milliseconds(static_cast<int64_t>(*grace_s * 1000.0));
    exit_code = RunMatrix(*o);
  });
}

}  // namespace bsb
