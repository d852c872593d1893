// bsb-matrix plan FILE [--json] [--only key=value,...]: show the cells a matrix expands to.
#include <cstdio>
#include <memory>
#include <string>

#include "matrix/loader.h"
#include "matrix/plan_output.h"
#include "orchestrator/commands.h"

namespace bsb {
namespace {

struct PlanOptions {
  std::string file;
  bool json = false;
  std::string only;
};

}  // namespace

void RegisterPlan(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<PlanOptions>();
  CLI::App* cmd = app.add_subcommand(
      "plan",
      "Expand a matrix into its cells (models x schemes x targets x axes, then exclude, then include)\n"
      "and print them: one row per cell with its stable id, or JSON with --json. Cells a target cannot\n"
      "run are listed with status 'unsupported' and the reason. Exit codes: 0 ok, 2 invalid, 1 internal.");
  cmd->add_option("file", options->file, "The matrix YAML file")->required();
  cmd->add_flag("--json", options->json,
                "Print {matrix, file, cells: [{id, model, scheme, target, axes, status, reason, settings}], summary}");
  cmd->add_option("--only", options->only,
                  "Keep only cells matching key=value[,key=value...] (keys: id, model, scheme, target, status\n"
                  "or an axis name; a key given twice matches either value)");
  cmd->callback([options, &exit_code] {
    Result<matrix::Plan> plan = matrix::LoadPlan(options->file);
    if (plan && !options->only.empty()) plan = matrix::FilterPlan(*plan, options->only);
    if (!plan) {
      std::fprintf(stderr, "%s\n", plan.error().message.c_str());
      exit_code = static_cast<int>(plan.error().code);
      return;
    }
    const std::string out = options->json ? matrix::PlanToJsonText(*plan) : matrix::PlanToTable(*plan);
    std::fwrite(out.data(), 1, out.size(), stdout);
    exit_code = static_cast<int>(ExitCode::kOk);
  });
}

}  // namespace bsb
