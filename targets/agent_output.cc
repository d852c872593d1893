#include "targets/agent_output.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "support/subprocess.h"

namespace bsb::targets {
namespace {

std::string LastNonEmptyLine(const std::string& text) {
  std::size_t end = text.find_last_not_of("\r\n \t");
  if (end == std::string::npos) return "";
  std::size_t start = text.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return text.substr(start, end - start + 1);
}

Failure MakeFailure(FailureKind kind, std::string message, const AgentEnding& e) {
  Failure f;
  f.kind = kind;
  f.message = std::move(message);
  f.stderr_tail = TailOf(e.stderr_text);
  f.signal = e.signal;
  return f;
}

}  // namespace

const char* FailureKindName(FailureKind kind) {
  switch (kind) {
    case FailureKind::kUnreachable: return "unreachable";
    case FailureKind::kTimeout: return "timeout";
    case FailureKind::kTransport: return "transport";
    case FailureKind::kFailed: return "failed";
    case FailureKind::kUnsupported: return "unsupported";
  }
  return "failed";
}

bool Failure::Retryable() const {
  return kind == FailureKind::kUnreachable || kind == FailureKind::kTimeout ||
         kind == FailureKind::kTransport;
}

std::string TailOf(const std::string& text, std::size_t max_bytes) {
  SubprocessResult r;
  r.stderr_text = text;
  return r.StderrTail(max_bytes);
}

std::string NormaliseArch(const std::string& m) {
  if (m == "x86_64" || m == "amd64") return "x86_64";
  if (m == "aarch64" || m == "arm64" || m == "aarch64_be") return m == "aarch64_be" ? "" : "aarch64";
  if (m == "armv7l" || m == "armv7" || m == "armv8l" || m == "armhf") return "armv7";
  return "";
}

Outcome<std::string> ClassifyAgentRun(const std::string& target_name, const AgentEnding& e) {
  const std::string who = "target '" + target_name + "': ";
  if (e.timed_out) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "cell exceeded its timeout of %.1f s; the agent was killed", e.timeout_s);
    return MakeFailure(FailureKind::kTimeout, who + buf, e);
  }
  if (e.signal != 0) {
    return MakeFailure(FailureKind::kFailed, who + "bsb-agent crashed: killed by " + SignalName(e.signal), e);
  }
  if (e.exit_code == kAgentExitLockBusy) {
    return MakeFailure(FailureKind::kUnreachable,
                       who + "device busy: another orchestrator holds its bsb-agent lock", e);
  }
  if (e.exit_code != 0) {
    return MakeFailure(FailureKind::kFailed,
                       who + "bsb-agent exited with code " + std::to_string(e.exit_code), e);
  }
  std::string line = LastNonEmptyLine(e.stdout_text);
  auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return MakeFailure(FailureKind::kFailed,
                       who + "bsb-agent printed no JSON result (last line: '" + TailOf(line, 200) + "')", e);
  }
  return line;
}

Outcome<TargetInfo> ParseProbeOutput(const std::string& target_name, const std::string& stdout_text) {
  const std::string who = "target '" + target_name + "': ";
  auto json = nlohmann::json::parse(stdout_text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object() || !json.contains("arch") || !json["arch"].is_string()) {
    return Failure{FailureKind::kFailed,
                   who + "`bsb-agent probe` printed no stamp with an arch: '" + TailOf(stdout_text, 200) + "'"};
  }
  TargetInfo info;
  const std::string machine = json["arch"].get<std::string>();
  info.arch = NormaliseArch(machine);
  if (info.arch.empty()) {
    return Failure{FailureKind::kUnsupported,
                   who + "architecture '" + machine + "' has no bsb-agent build (x86_64, aarch64, armv7)"};
  }
  if (json.contains("os") && json["os"].is_string()) info.os = json["os"].get<std::string>();
  info.stamp_json = json.dump();
  return info;
}

}  // namespace bsb::targets
