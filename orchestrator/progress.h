// What `bsb-matrix run` shows while it works. On a terminal: a live block with one line per
// target (done/total, the current cell, elapsed, ETA), redrawn in place. Elsewhere (CI logs):
// one line per finished cell. --quiet shows neither; --verbose adds retries and details.
// Colour only on a terminal and never when NO_COLOR is set (https://no-color.org).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "orchestrator/scheduler.h"

namespace bsb {

struct ProgressOptions {
  std::FILE* out = stderr;
  bool live = false;   // a terminal: redraw per-target lines in place
  bool color = false;
  bool quiet = false;
  bool verbose = false;
};

// Decides live/color from the stream and the environment (NO_COLOR, TERM=dumb).
ProgressOptions DetectProgressOptions(std::FILE* out, bool quiet, bool verbose);

class Progress {
 public:
  explicit Progress(ProgressOptions options);
  ~Progress();

  // Declares a target queue and its cell labels (cell id → "model/scheme") before the run.
  void AddTarget(const std::string& target, int total);
  void SetLabel(const std::string& cell_id, const std::string& label);

  // Starts/stops the once-a-second redraw of the live block (no-op when not live).
  void Start();
  void Stop();

  // A scheduler event (called from worker threads; serialized by the scheduler).
  void OnEvent(const ProgressEvent& event);
  // A cell that finished without being scheduled (preparation failure, unsupported target).
  void OnOutcome(const CellOutcome& outcome);
  // A line for the user above the live block; `verbose_only` lines need --verbose.
  void Note(const std::string& line, bool verbose_only = false);

 private:
  struct TargetLine {
    std::string name;
    int total = 0;
    int done = 0;
    int bad = 0;
    std::string current;  // label of the running cell(s)
    std::chrono::steady_clock::time_point started{};
    bool running = false;
  };

  std::string Paint(const std::string& text, const char* sgr) const;
  std::string StatusWord(const std::string& status) const;
  std::string FinishedLine(const CellOutcome& outcome);
  void Finished(const CellOutcome& outcome);
  void ClearBlockLocked();
  void DrawBlockLocked();

  ProgressOptions options_;
  std::mutex mu_;
  std::vector<TargetLine> targets_;
  std::map<std::string, std::string> labels_;
  int done_ = 0;
  int total_ = 0;
  int drawn_lines_ = 0;
  bool stopping_ = false;
  std::condition_variable tick_;
  std::thread ticker_;
};

}  // namespace bsb
