// Fuzz target for what a target reads back from a remote agent: `bsb-agent probe` output and
// the stdout/stderr of `bsb-agent run` under every exit status. Properties: nothing crashes or
// throws; an ok run yields a JSON object line; a failure always carries a message.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "targets/agent_output.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  using namespace bsb::targets;

  Outcome<TargetInfo> probe = ParseProbeOutput("fuzz", text);
  if (probe.ok() && probe->arch.empty()) std::abort();
  if (!probe.ok() && probe.failure().message.empty()) std::abort();

  const int first = size > 0 ? data[0] : 0;
  AgentEnding ending;
  ending.exit_code = first % 4 == 0 ? 0 : first % 4 == 1 ? kAgentExitLockBusy : first % 4 == 2 ? 1 : -1;
  ending.signal = ending.exit_code == -1 ? 9 : 0;
  ending.timed_out = first == 0xff;
  ending.stdout_text = text;
  ending.stderr_text = text.substr(0, text.size() / 2);
  Outcome<std::string> run = ClassifyAgentRun("fuzz", ending);
  if (run.ok()) {
    const std::size_t brace = run.value().find_first_not_of(" \t\r\n");
    if (brace == std::string::npos || run.value()[brace] != '{') std::abort();
  }
  if (!run.ok() && run.failure().message.empty()) std::abort();
  if (TailOf(text, 64).size() > text.size()) std::abort();
  return 0;
}
