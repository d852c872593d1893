// CSV in the seed project's column layout so existing notebooks keep working (DESIGN §8).
// How each column is filled, honestly: reports/README.md "CSV columns". RFC 4180: CRLF line
// ends, fields quoted when they hold , " CR or LF.
#include <ostream>
#include <string>
#include <vector>

#include "reports/format.h"
#include "reports/report.h"

namespace bsb::reports {

namespace {

constexpr const char* kColumns[] = {
    "timestamp", "pipeline", "framework", "runtime", "variant", "quantization", "size_mb",
    "accuracy", "agreement", "latency_ms_mean", "latency_ms_p50", "latency_ms_p95",
    "rss_delta_mb", "peak_rss_mb", "num_samples", "threads", "device", "arch", "os",
    "emulated", "lib_versions",
    // Appended after the seed's columns (readers by name or by the first 21 positions are
    // unaffected): which target and which cell, so rows trace back to the matrix.
    "target", "cell_id"};

constexpr double kBytesPerMiB = 1024.0 * 1024.0;

std::string MiB(double bytes) { return Fixed(bytes / kBytesPerMiB, 6); }

// "model" or "model[batch=8]": the free axes other than threads (threads has its column).
std::string Variant(const Cell& cell) {
  std::string extra;
  for (const auto& [name, value] : cell.axes) {
    if (name == "threads") continue;
    if (!extra.empty()) extra += ",";
    extra += name + "=" + value;
  }
  return extra.empty() ? cell.model : cell.model + "[" + extra + "]";
}

std::string Threads(const Cell& cell, const protocol::Stamp& stamp) {
  if (stamp.threads_used) return std::to_string(*stamp.threads_used);
  for (const auto& [name, value] : cell.axes) {
    if (name == "threads") return value;
  }
  return "";
}

std::string LibVersions(const protocol::Stamp& s) {
  std::string out = "bsb-agent=" + s.agent_version + ";bsb-runtime=" + s.runtime_version;
  if (!s.git_revision.empty()) out += ";git=" + s.git_revision;
  if (!s.compiler.empty()) out += ";compiler=" + s.compiler;
  if (!s.libc.empty()) out += ";libc=" + s.libc;
  if (!s.kernel.empty()) out += ";kernel=" + s.kernel;
  return out;
}

void WriteRow(const std::vector<std::string>& fields, std::ostream& out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out << ',';
    out << CsvField(fields[i]);
  }
  out << "\r\n";
}

}  // namespace

void RenderCsv(const Analysis& a, std::ostream& out) {
  WriteRow(std::vector<std::string>(std::begin(kColumns), std::end(kColumns)), out);
  for (size_t i : a.order) {
    const Cell& cell = a.set.cells[i];
    // The seed's layout has no status column: only measured cells are rows. Every other
    // status is in the HTML, Markdown, JSON and JUnit reports.
    if (cell.status != CellStatus::kOk || !cell.result || !cell.result->metrics) continue;
    const protocol::Stamp& s = cell.result->stamp;
    const protocol::Metrics& m = *cell.result->metrics;
    const Comparison& c = a.comparisons[i];
    WriteRow({cell.finished_at.empty() ? a.set.run.started_at : cell.finished_at,
              a.set.run.matrix_name,
              "tflite",
              "bsb-runtime " + s.runtime_version,
              Variant(cell),
              cell.scheme,
              MiB(static_cast<double>(m.size_bytes)),
              Fixed(m.accuracy, 6),
              Fixed(c.agreement, 6),
              Fixed(m.latency_ms.mean, 6),
              Fixed(m.latency_ms.p50, 6),
              Fixed(m.latency_ms.p95, 6),
              m.rss_delta_bytes ? MiB(static_cast<double>(*m.rss_delta_bytes)) : "",
              m.peak_rss_bytes ? MiB(static_cast<double>(*m.peak_rss_bytes)) : "",
              std::to_string(m.samples),
              Threads(cell, s),
              s.device,
              s.arch,
              s.os,
              s.emulated ? "true" : "false",
              LibVersions(s),
              cell.target,
              cell.id},
             out);
  }
}

}  // namespace bsb::reports
