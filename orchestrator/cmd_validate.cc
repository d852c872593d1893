// bsb-matrix validate FILE: parse, validate and expand a matrix; print every problem at once.
#include <cstdio>
#include <memory>
#include <string>

#include "matrix/loader.h"
#include "orchestrator/commands.h"

namespace bsb {

void RegisterValidate(CLI::App& app, int& exit_code) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check a matrix file: every unknown key, wrong type, bad reference, duration or size is reported\n"
      "as FILE:LINE:COL: error: ..., all at once. Prints 'FILE: ok, N cells (K unsupported)' when valid.\n"
      "Exit codes: 0 valid, 2 invalid, 1 internal error.");
  cmd->add_option("file", *file, "The matrix YAML file")->required();
  cmd->callback([file, &exit_code] {
    const Result<matrix::Plan> plan = matrix::LoadPlan(*file);
    if (!plan) {
      std::fprintf(stderr, "%s\n", plan.error().message.c_str());
      exit_code = static_cast<int>(plan.error().code);
      return;
    }
    std::printf("%s: ok, %zu cells (%zu unsupported)\n", file->c_str(), plan->cells.size(), plan->CountUnsupported());
    exit_code = static_cast<int>(ExitCode::kOk);
  });
}

}  // namespace bsb
