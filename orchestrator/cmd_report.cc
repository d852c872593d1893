// `bsb-matrix report [--db FILE] [--run ID|latest] (--html|--md|--csv|--json|--junit) [-o FILE]`
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "artifacts/store.h"
#include "orchestrator/commands.h"
#include "orchestrator/result_loader.h"
#include "reports/report.h"

namespace bsb {

void RegisterReport(CLI::App& app, int& exit_code) {
  struct Args {
    std::string db = "bsb-results.sqlite";
    std::string run = "latest";
    std::string out;
    bool html = false, md = false, csv = false, json = false, junit = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Render one run of a results store: per (model, target) the fp32 cell is the baseline; native and\n"
      "emulated results apart. Exactly one format. Exit codes: 0 written, 2 invalid input, 1 internal.");
  cmd->add_option("--db", a->db, "Results store (default: ./bsb-results.sqlite)");
  cmd->add_option("--run", a->run, "Run number (see `bsb-matrix runs`) or 'latest' (default)");
  auto* html = cmd->add_flag("--html", a->html, "One self-contained HTML file (inline CSS and SVG, no network)");
  auto* md = cmd->add_flag("--md,--markdown", a->md, "Markdown (e.g. a CI step summary)");
  auto* csv = cmd->add_flag("--csv", a->csv, "CSV in the seed project's columns (reports/README.md)");
  auto* json = cmd->add_flag("--json", a->json, "JSON");
  auto* junit = cmd->add_flag("--junit", a->junit, "JUnit XML: one testcase per cell; gates as failures");
  for (auto* f : {html, md, csv, json, junit}) {
    for (auto* g : {html, md, csv, json, junit}) {
      if (f != g) f->excludes(g);
    }
  }
  cmd->add_option("-o,--output", a->out, "Write to FILE (default: standard output)");
  cmd->callback([a, &exit_code] {
    auto fail = [&](const Error& e) {
      std::fprintf(stderr, "bsb-matrix report: %s\n", e.message.c_str());
      exit_code = static_cast<int>(e.code);
    };
    reports::Format format;
    if (a->html) format = reports::Format::kHtml;
    else if (a->md) format = reports::Format::kMarkdown;
    else if (a->csv) format = reports::Format::kCsv;
    else if (a->json) format = reports::Format::kJson;
    else if (a->junit) format = reports::Format::kJunit;
    else return fail(MakeError("choose a format: --html, --md, --csv, --json or --junit"));

    if (!std::filesystem::exists(a->db)) return fail(MakeError("no results store at '" + a->db + "' (give --db FILE)"));
    auto store = Store::Open(a->db);
    if (!store) return fail(store.error());
    auto run_id = ResolveRunId(*store, a->run);
    if (!run_id) return fail(run_id.error());
    auto set = LoadResultSet(*store, *run_id);
    if (!set) return fail(set.error());

    std::ostringstream text;
    if (auto s = reports::RenderReport(*set, format, text); !s) return fail(s.error());
    const std::string body = text.str();
    if (a->out.empty() || a->out == "-") {
      std::cout << body << std::flush;
      if (!std::cout) return fail(MakeError("cannot write the report to standard output", ExitCode::kInternal));
    } else {
      auto written = artifacts::WriteFileAtomic(a->out, std::vector<uint8_t>(body.begin(), body.end()));
      if (!written) return fail(written.error());
    }
    exit_code = 0;
  });
}

}  // namespace bsb
