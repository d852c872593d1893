#include "orchestrator/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace bsb {
namespace {

std::string Read(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string text;
  char buf[512];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  return text;
}

CellOutcome Outcome(const std::string& id, const std::string& status, const std::string& reason = "") {
  CellOutcome o;
  o.cell_id = id;
  o.target = "x86";
  o.status = status;
  o.reason = reason;
  o.attempts = 1;
  o.duration_ms = 1250;
  return o;
}

TEST(ProgressTest, NotATerminalMeansNoLiveBlockAndNoColour) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  unsetenv("NO_COLOR");
  const ProgressOptions o = DetectProgressOptions(f, false, false);
  EXPECT_FALSE(o.live);
  EXPECT_FALSE(o.color);
  std::fclose(f);
}

TEST(ProgressTest, OneLinePerFinishedCellWithLabelStatusAndReason) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  ProgressOptions o;
  o.out = f;
  Progress p(o);
  p.AddTarget("x86", 2);
  p.SetLabel("aaaaaaaaaaaa", "fc-small/int8");
  p.SetLabel("bbbbbbbbbbbb", "fc-small/fp32");
  p.OnOutcome(Outcome("aaaaaaaaaaaa", "ok"));
  p.OnOutcome(Outcome("bbbbbbbbbbbb", "failed", "model rejected\nstderr tail"));
  p.Stop();
  const std::string text = Read(f);
  EXPECT_NE(text.find("[1/2] ok          x86  fc-small/int8  (cell aaaaaaaaaaaa)  1.2 s\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("[2/2] failed      x86  fc-small/fp32  (cell bbbbbbbbbbbb)"), std::string::npos) << text;
  EXPECT_NE(text.find("\n    model rejected\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("stderr tail"), std::string::npos) << "only the reason's first line";
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "no escape codes off a terminal";
  std::fclose(f);
}

TEST(ProgressTest, QuietPrintsNothingButNotesNeedVerbose) {
  std::FILE* f = std::tmpfile();
  ProgressOptions o;
  o.out = f;
  o.quiet = true;
  {
    Progress p(o);
    p.AddTarget("x86", 1);
    p.OnOutcome(Outcome("aaaaaaaaaaaa", "failed", "why"));
    p.Note("a note");
  }
  EXPECT_EQ(Read(f), "");
  std::fclose(f);

  f = std::tmpfile();
  o.out = f;  // the first file is closed: writing to it would be a use after free
  o.quiet = false;
  {
    Progress p(o);
    p.Note("detail", /*verbose_only=*/true);
    p.Note("shown");
  }
  EXPECT_EQ(Read(f), "shown\n");
  std::fclose(f);
}

}  // namespace
}  // namespace bsb
