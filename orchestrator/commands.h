// The subcommands of bsb-matrix. Each lives in its own cmd_*.cc and adds itself to the app;
// its callback returns the process exit code through `exit_code`.
#pragma once

#include <CLI/CLI.hpp>

namespace bsb {

// Each Register* adds one subcommand. `exit_code` receives the command's result.
// (Add one line here and one in main.cc per new subcommand.)
void RegisterZoo(CLI::App& app, int& exit_code);
void RegisterQuantize(CLI::App& app, int& exit_code);
void RegisterValidate(CLI::App& app, int& exit_code);
void RegisterPlan(CLI::App& app, int& exit_code);
void RegisterSchema(CLI::App& app, int& exit_code);
void RegisterInspect(CLI::App& app, int& exit_code);
void RegisterRun(CLI::App& app, int& exit_code);
void RegisterRuns(CLI::App& app, int& exit_code);
void RegisterReport(CLI::App& app, int& exit_code);

}  // namespace bsb
