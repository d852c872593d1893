// bsb-matrix schema: print the JSON Schema (draft 2020-12) of the matrix format for editors.
#include <cstdio>
#include <string>

#include "matrix/schema.h"
#include "orchestrator/commands.h"
#include "support/result.h"

namespace bsb {

void RegisterSchema(CLI::App& app, int& exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "schema",
      "Print a JSON Schema (draft 2020-12) of the matrix file format, e.g. for an editor's YAML\n"
      "language server. 'validate' checks more than the schema can (references between sections).");
  cmd->callback([&exit_code] {
    const std::string out = matrix::MatrixJsonSchema().dump(2) + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    exit_code = static_cast<int>(ExitCode::kOk);
  });
}

}  // namespace bsb
