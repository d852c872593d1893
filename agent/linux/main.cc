// bsb-agent: the benchmark agent that runs on a target (DESIGN §3). Dispatches argv[1] to a
// subcommand through the table below; one row per cmd_<name>.cc.
#include <cstdio>
#include <cstring>
#include <iterator>

#include "agent/common/version.h"
#include "agent/linux/commands.h"

namespace bsb::agent {
namespace {

constexpr Subcommand kSubcommands[] = {
    {"infer", "infer MODEL.tflite IN.bin OUT.bin [--all-io]  run raw input records, write output records",
     InferMain},
    {"probe", "probe                      print this machine's stamp (device, arch, emulated...) as JSON",
     ProbeMain},
    {"lock", "lock --dir D [--wait-s N] -- CMD...  run CMD holding an flock on D/lock (75: busy)",
     LockMain},
    {"run", "run --spec cell.json       benchmark one cell, print one result JSON line",
     RunMain},
};

void PrintUsage(std::FILE* out) {
  std::fprintf(out, "usage: bsb-agent <subcommand> [args]\n\nsubcommands:\n");
  for (const Subcommand& s : kSubcommands) std::fprintf(out, "  %s\n", s.usage);
}

}  // namespace
}  // namespace bsb::agent

int main(int argc, char** argv) {
  using namespace bsb::agent;
  if (argc < 2) {
    PrintUsage(stderr);
    return kExitUsage;
  }
  const char* name = argv[1];
  if (std::strcmp(name, "--help") == 0 || std::strcmp(name, "help") == 0) {
    PrintUsage(stdout);
    return kExitOk;
  }
  if (std::strcmp(name, "--version") == 0) {
    std::printf("bsb-agent %s (runtime %s)\n", AgentVersion(), RuntimeVersion());
    return kExitOk;
  }
  for (const Subcommand& s : kSubcommands) {
    if (std::strcmp(name, s.name) == 0) return s.main(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "bsb-agent: unknown subcommand '%s'\n", name);
  PrintUsage(stderr);
  return kExitUsage;
}
