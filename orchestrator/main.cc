// bsb-matrix: entry point. Parses the command line, dispatches to one subcommand,
// and is the single place that turns an escaped exception into a message and exit code 1.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "orchestrator/commands.h"
#include "orchestrator/version.h"
#include "support/result.h"

int main(int argc, char** argv) {
  CLI::App app{"bsb-matrix: a cross-architecture test-matrix orchestrator for quantized ML models"};
  app.set_version_flag("--version", std::string("bsb-matrix ") + BSB_VERSION + " (" + BSB_GIT_REVISION + ")");
  app.require_subcommand(1);
  int exit_code = static_cast<int>(bsb::ExitCode::kOk);
  bsb::RegisterZoo(app, exit_code);
  bsb::RegisterQuantize(app, exit_code);
  bsb::RegisterValidate(app, exit_code);
  bsb::RegisterPlan(app, exit_code);
  bsb::RegisterSchema(app, exit_code);
  bsb::RegisterInspect(app, exit_code);
  bsb::RegisterRun(app, exit_code);
  bsb::RegisterRuns(app, exit_code);
  bsb::RegisterReport(app, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0; anything else is invalid input.
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(bsb::ExitCode::kInvalidInput);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bsb-matrix: internal error: %s\n", e.what());
    return static_cast<int>(bsb::ExitCode::kInternal);
  }
  return exit_code;
}
