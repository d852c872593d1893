#include "reports/report.h"

namespace bsb::reports {

const char* const kEmulatedCaveat =
    "Emulated targets run the agent under QEMU on the host: their timings measure the "
    "emulator, not the device, so absolute latency is not reported for them. Speedups "
    "between schemes on the same emulated target are indications only (emulation cost "
    "differs per instruction mix). Size, accuracy and agreement are exact: the same "
    "integer kernels run bit-exactly everywhere. Measure latency on native hardware.";

std::optional<Format> FormatFromName(std::string_view name) {
  if (name == "html") return Format::kHtml;
  if (name == "md" || name == "markdown") return Format::kMarkdown;
  if (name == "csv") return Format::kCsv;
  if (name == "json") return Format::kJson;
  if (name == "junit") return Format::kJunit;
  return std::nullopt;
}

Analysis Analyze(const ResultSet& set) {
  Analysis analysis{set, CompareToBaselines(set), {}, ReportOrder(set)};
  analysis.findings = EvaluateGates(set, analysis.comparisons);
  return analysis;
}

bsb::Status RenderReport(const ResultSet& set, Format format, std::ostream& out) {
  const Analysis analysis = Analyze(set);
  switch (format) {
    case Format::kHtml: RenderHtml(analysis, out); break;
    case Format::kMarkdown: RenderMarkdown(analysis, out); break;
    case Format::kCsv: RenderCsv(analysis, out); break;
    case Format::kJson: RenderJson(analysis, out); break;
    case Format::kJunit: RenderJunit(analysis, out); break;
  }
  out.flush();
  if (!out) return bsb::MakeError("could not write the report (output stream failed)",
                                  bsb::ExitCode::kInternal);
  return bsb::Ok{};
}

}  // namespace bsb::reports
