// bsb-agent subcommands. Each lives in its own cmd_<name>.cc and has one row in main.cc's
// dispatch table. A subcommand gets argv with argv[0] = its own name and returns the process
// exit code.
//
// Exit codes (stable; targets/ branch on them):
//   0   success — including a benchmark that FAILED on its own terms (bad model, unsupported
//       op, dataset mismatch): `run` then prints a result with status "failed" and a reason.
//   1   internal error (the agent itself could not work: out of memory, unreadable /proc).
//   2   usage error (unknown subcommand or flag, missing argument).
//   3   `infer`: the model was rejected (malformed, unsupported) or an inference failed.
//   75  `lock`: the lock stayed busy for the whole --wait-s (EX_TEMPFAIL: try again later).
//   otherwise `lock` forwards its command's exit status, or dies of the command's signal.
#pragma once

namespace bsb::agent {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitLockBusy = 75;

using SubcommandMain = int (*)(int argc, char** argv);

struct Subcommand {
  const char* name;
  const char* usage;  // one line: arguments and what it prints
  SubcommandMain main;
};

int ProbeMain(int argc, char** argv);  // cmd_probe.cc
int LockMain(int argc, char** argv);   // cmd_lock.cc
int InferMain(int argc, char** argv);  // cmd_infer.cc
int RunMain(int argc, char** argv);    // cmd_run.cc

}  // namespace bsb::agent
