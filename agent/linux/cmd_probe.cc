// `bsb-agent probe`: the stamp of this machine as one JSON object on stdout.
#include <cstdio>

#include "agent/linux/commands.h"
#include "agent/linux/stamp.h"

namespace bsb::agent {

int ProbeMain(int argc, char** /*argv*/) {
  if (argc != 1) {
    std::fprintf(stderr, "bsb-agent probe: takes no arguments\n");
    return kExitUsage;
  }
  LinuxStampDetails details;
  const protocol::Stamp stamp = CollectStamp(&details);
  std::printf("%s\n", StampJson(stamp, details).dump().c_str());
  return kExitOk;
}

}  // namespace bsb::agent
