#include "orchestrator/progress.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace bsb {
namespace {

using Clock = std::chrono::steady_clock;

// SGR colour codes.
constexpr const char* kGreen = "32";
constexpr const char* kRed = "31";
constexpr const char* kYellow = "33";
constexpr const char* kDim = "2";

std::string Clock_mmss(double seconds) {
  if (seconds < 0) seconds = 0;
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

}  // namespace

ProgressOptions DetectProgressOptions(std::FILE* out, bool quiet, bool verbose) {
  ProgressOptions o;
  o.out = out;
  o.quiet = quiet;
  o.verbose = verbose;
  const char* term = std::getenv("TERM");
  const bool dumb = term != nullptr && std::strcmp(term, "dumb") == 0;
  const bool tty = isatty(fileno(out)) == 1 && !dumb;
  const char* no_color = std::getenv("NO_COLOR");
  o.live = tty && !quiet;
  o.color = tty && (no_color == nullptr || *no_color == '\0');
  return o;
}

Progress::Progress(ProgressOptions options) : options_(options) {}

Progress::~Progress() { Stop(); }

void Progress::AddTarget(const std::string& target, int total) {
  std::lock_guard lock(mu_);
  TargetLine line;
  line.name = target;
  line.total = total;
  targets_.push_back(line);
  total_ += total;
}

void Progress::SetLabel(const std::string& cell_id, const std::string& label) {
  std::lock_guard lock(mu_);
  labels_[cell_id] = label;
}

void Progress::Start() {
  if (!options_.live) return;
  ticker_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      ClearBlockLocked();
      DrawBlockLocked();
      tick_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
    }
  });
}

void Progress::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  tick_.notify_all();
  if (ticker_.joinable()) ticker_.join();
  std::lock_guard lock(mu_);
  if (options_.live) {
    ClearBlockLocked();
    DrawBlockLocked();  // the final state stays on screen
    drawn_lines_ = 0;
  }
}

std::string Progress::Paint(const std::string& text, const char* sgr) const {
  if (!options_.color) return text;
  return std::string("\x1b[") + sgr + "m" + text + "\x1b[0m";
}

std::string Progress::StatusWord(const std::string& status) const {
  char padded[16];
  std::snprintf(padded, sizeof padded, "%-11s", status.c_str());
  if (status == "ok") return Paint(padded, kGreen);
  if (status == "unsupported") return Paint(padded, kDim);
  if (status == "failed") return Paint(padded, kRed);
  return Paint(padded, kYellow);
}

std::string Progress::FinishedLine(const CellOutcome& o) {
  const auto it = labels_.find(o.cell_id);
  const std::string label = it == labels_.end() ? "" : it->second;
  char head[64];
  std::snprintf(head, sizeof head, "[%*d/%d] ", static_cast<int>(std::to_string(total_).size()), done_, total_);
  char tail[64];
  std::snprintf(tail, sizeof tail, "  %.1f s", o.duration_ms / 1000.0);
  std::string line = head + StatusWord(o.status) + " " + o.target + "  " + label + "  (cell " + o.cell_id + ")";
  if (o.status == "ok" || o.duration_ms > 0) line += tail;
  if (o.attempts > 1) line += "  after " + std::to_string(o.attempts) + " attempts";
  if (o.status != "ok" && !o.reason.empty()) line += "\n    " + FirstLine(o.reason);
  return line;
}

void Progress::Finished(const CellOutcome& o) {
  ++done_;
  for (TargetLine& t : targets_) {
    if (t.name != o.target) continue;
    ++t.done;
    if (o.status != "ok" && o.status != "unsupported") ++t.bad;
    if (t.done >= t.total) t.current.clear();
  }
  if (options_.quiet) return;
  // Live: the block shows the counts; finished cells that did not succeed are worth a line.
  if (options_.live && (o.status == "ok" || o.status == "unsupported") && !options_.verbose) return;
  ClearBlockLocked();
  std::fprintf(options_.out, "%s\n", FinishedLine(o).c_str());
  DrawBlockLocked();
  std::fflush(options_.out);
}

void Progress::OnEvent(const ProgressEvent& e) {
  std::lock_guard lock(mu_);
  switch (e.kind) {
    case ProgressEvent::Kind::kCellStarted:
      for (TargetLine& t : targets_) {
        if (t.name != e.target) continue;
        if (!t.running) {
          t.running = true;
          t.started = Clock::now();
        }
        t.current = e.label;
      }
      if (options_.live) {
        ClearBlockLocked();
        DrawBlockLocked();
      }
      break;
    case ProgressEvent::Kind::kCellFinished:
      if (e.outcome != nullptr) Finished(*e.outcome);
      break;
    case ProgressEvent::Kind::kRetrying:
      if (options_.verbose || options_.live) {
        ClearBlockLocked();
        std::fprintf(options_.out, "%s %s: retrying: %s\n", Paint("retry", kYellow).c_str(), e.target.c_str(),
                     FirstLine(e.message).c_str());
        DrawBlockLocked();
      }
      break;
  }
}

void Progress::OnOutcome(const CellOutcome& outcome) {
  std::lock_guard lock(mu_);
  Finished(outcome);
}

void Progress::Note(const std::string& line, bool verbose_only) {
  if (options_.quiet || (verbose_only && !options_.verbose)) return;
  std::lock_guard lock(mu_);
  ClearBlockLocked();
  std::fprintf(options_.out, "%s\n", line.c_str());
  DrawBlockLocked();
  std::fflush(options_.out);
}

void Progress::ClearBlockLocked() {
  if (!options_.live || drawn_lines_ == 0) return;
  // Up to the block's first line, then clear to the end of the screen.
  std::fprintf(options_.out, "\x1b[%dF\x1b[J", drawn_lines_);
  drawn_lines_ = 0;
}

void Progress::DrawBlockLocked() {
  if (!options_.live || targets_.empty()) return;
  const auto now = Clock::now();
  for (const TargetLine& t : targets_) {
    std::string state;
    if (t.done >= t.total) {
      state = t.bad == 0 ? Paint("done", kGreen) : Paint("done, " + std::to_string(t.bad) + " not ok", kRed);
    } else if (!t.running) {
      state = Paint("waiting", kDim);
    } else {
      const double elapsed = std::chrono::duration<double>(now - t.started).count();
      state = Clock_mmss(elapsed);
      if (t.done > 0) state += "  ETA " + Clock_mmss(elapsed / t.done * (t.total - t.done));
      state += "  " + t.current;
    }
    std::fprintf(options_.out, "  %-14s %3d/%-3d %s\n", t.name.c_str(), t.done, t.total, state.c_str());
  }
  drawn_lines_ = static_cast<int>(targets_.size());
  std::fflush(options_.out);
}

}  // namespace bsb
