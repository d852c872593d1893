// `bsb-matrix runs [--db FILE]`: the runs a results store holds, one line each.
#include <cstdio>
#include <map>
#include <memory>

#include "orchestrator/commands.h"
#include "orchestrator/store.h"

namespace bsb {

void RegisterRuns(CLI::App& app, int& exit_code) {
  auto db = std::make_shared<std::string>("bsb-results.sqlite");
  CLI::App* cmd = app.add_subcommand("runs", "List the runs in a results store (id, started, status, cells by status)");
  cmd->add_option("--db", *db, "Results store (default: ./bsb-results.sqlite)");
  cmd->callback([db, &exit_code] {
    auto fail = [&](const Error& e) {
      std::fprintf(stderr, "bsb-matrix runs: %s\n", e.message.c_str());
      exit_code = static_cast<int>(e.code);
    };
    if (!std::filesystem::exists(*db)) return fail(MakeError("no results store at '" + *db + "' (give --db FILE)"));
    auto store = Store::Open(*db);
    if (!store) return fail(store.error());
    auto runs = store->ListRuns();
    if (!runs) return fail(runs.error());
    std::printf("%-5s %-24s %-24s %-11s %-16s %s\n", "id", "started", "finished", "status", "matrix", "cells");
    for (const RunRecord& r : *runs) {
      auto cells = store->LoadCells(r.id);
      if (!cells) return fail(cells.error());
      std::map<std::string, int> by_status;
      for (const CellRecord& c : *cells) ++by_status[c.status];
      std::string counts;
      for (const auto& [status, n] : by_status) counts += (counts.empty() ? "" : ", ") + std::to_string(n) + " " + status;
      std::printf("%-5lld %-24s %-24s %-11s %-16s %zu: %s\n", static_cast<long long>(r.id), r.started_at.c_str(),
                  r.finished_at.empty() ? "-" : r.finished_at.c_str(), r.status.c_str(), r.matrix_name.c_str(),
                  cells->size(), counts.c_str());
    }
    exit_code = 0;
  });
}

}  // namespace bsb
