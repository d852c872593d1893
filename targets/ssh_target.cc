#include "targets/ssh_target.h"

#include <unistd.h>

#include <cstdio>
#include <map>

#include "targets/agent_output.h"
#include "targets/shell_quote.h"
#include "targets/spec_paths.h"
#include "targets/ssh_session.h"

namespace bsb::targets {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr milliseconds kShortCommand{30'000};  // uname, probe: generous for a busy Pi
// GNU timeout's exit status when it had to stop its command.
constexpr int kTimeoutExitCode = 124;
// After the remote timeout's TERM, how long before it sends KILL.
constexpr int kRemoteKillGraceS = 5;

std::string Seconds(milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ms.count()) / 1000.0);
  return buf;
}

class SshTarget final : public Target {
 public:
  explicit SshTarget(TargetConfig config) : c_(std::move(config)) {
    char host[256] = "host";
    gethostname(host, sizeof host - 1);
    // One spec file per orchestrator process on the device, overwritten cell by cell.
    spec_name_ = "cell-" + std::string(host) + "-" + std::to_string(getpid()) + ".json";
    for (char& ch : spec_name_) {
      if (!isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '.') ch = '_';
    }
  }

  const std::string& name() const override { return c_.name; }

  Outcome<TargetInfo> Probe() override {
    auto ssh = Session();
    if (!ssh.ok()) return ssh.failure();
    auto uname = Exec("uname -m && command -v timeout >/dev/null || echo no-timeout", "", kShortCommand);
    if (!uname.ok()) return uname.failure();
    if (uname->exit_code != 0) return Fail("`uname -m` failed: " + TailOf(uname->stderr_text, 300));
    std::string out = uname->stdout_text;
    const std::string machine = out.substr(0, out.find('\n'));
    if (out.find("no-timeout") != std::string::npos) {
      return Failure{FailureKind::kUnsupported, Who() + "the device has no `timeout` command (coreutils or busybox)"};
    }
    const std::string arch = NormaliseArch(machine);
    if (arch.empty()) {
      return Failure{FailureKind::kUnsupported,
                     Who() + "architecture '" + machine + "' (uname -m) has no bsb-agent build (x86_64, aarch64, armv7l)"};
    }
    auto agent = c_.agents.find(arch);
    if (agent == c_.agents.end()) {
      return Failure{FailureKind::kUnsupported, Who() + "no bsb-agent build for " + arch + " was provided"};
    }
    auto dirs = PrepareWorkdir();
    if (!dirs.ok()) return dirs.failure();
    auto uploaded = Upload({agent->second.sha256, agent->second.local_path}, 0755);
    if (!uploaded.ok()) return uploaded.failure();
    agent_path_ = objects_dir_ + "/" + agent->second.sha256;

    auto probe = Exec(ShellJoin({agent_path_, "probe"}), "", kShortCommand);
    if (!probe.ok()) return probe.failure();
    if (probe->exit_code != 0) {
      return Failure{FailureKind::kFailed, Who() + "`bsb-agent probe` failed (exit " + std::to_string(probe->exit_code) +
                                               ", signal " + std::to_string(probe->signal) + ")",
                     TailOf(probe->stderr_text), probe->signal};
    }
    auto info = ParseProbeOutput(c_.name, probe->stdout_text);
    if (info.ok()) info->arch = arch;
    return info;
  }

  Outcome<EnsureStats> Ensure(const std::vector<Object>& objects) override {
    auto dirs = PrepareWorkdir();
    if (!dirs.ok()) return dirs.failure();
    EnsureStats stats;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& object : objects) {
      if (!IsSha256Hex(object.sha256)) return Fail("object '" + object.local_path + "' has no valid sha256");
      auto up = Upload(object, 0644);
      if (!up.ok()) return up.failure();
      if (up->already_present) {
        ++stats.objects_present;
      } else {
        ++stats.objects_shipped;
        stats.bytes_shipped += up->bytes;
      }
      device_paths_[object.local_path] = objects_dir_ + "/" + object.sha256;
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char line[256];
    std::snprintf(line, sizeof line, "uploaded %llu bytes in %zu objects (%zu already present) in %.2f s",
                  static_cast<unsigned long long>(stats.bytes_shipped), stats.objects_shipped,
                  stats.objects_present, s);
    Log(line);
    return stats;
  }

  Outcome<std::string> Run(const std::string& spec_json, milliseconds timeout) override {
    if (agent_path_.empty()) {
      auto info = Probe();
      if (!info.ok()) return info.failure();
    }
    auto spec = RewriteSpecPaths(spec_json, device_paths_);
    if (!spec.ok()) return Fail(spec.error().message);
    const std::string spec_path = specs_dir_ + "/" + spec_name_;
    // The spec travels on stdin: no file transfer round trips, no shell ever sees it.
    const std::string command =
        "umask 077 && cat > " + ShellQuote(spec_path) + " && exec " +
        ShellJoin({agent_path_, "lock", "--dir", workdir_, "--wait-s", std::to_string(c_.ssh.lock_wait_s), "--",
                   "timeout", "-k", std::to_string(kRemoteKillGraceS), Seconds(timeout),
                   agent_path_, "run", "--spec", spec_path});
    const milliseconds local_deadline =
        timeout + seconds(c_.ssh.lock_wait_s) + seconds(kRemoteKillGraceS) + seconds(c_.ssh.connect_timeout_s);
    if (orphans_possible_) ReapOrphans(spec_path);
    auto r = Exec(command, *spec + "\n", local_deadline);
    if (!r.ok()) return r.failure();
    AgentEnding ending;
    ending.timeout_s = static_cast<double>(timeout.count()) / 1000.0;
    ending.timed_out = r->timed_out || r->exit_code == kTimeoutExitCode ||
                       (r->signal != 0 && r->wall_ms >= static_cast<double>(timeout.count()));
    ending.exit_code = r->exit_code;
    ending.signal = r->signal;
    ending.stdout_text = std::move(r->stdout_text);
    ending.stderr_text = std::move(r->stderr_text);
    return ClassifyAgentRun(c_.name, ending);
  }

 private:
  std::string Who() const { return "target '" + c_.name + "': "; }
  Failure Fail(const std::string& message) const { return Failure{FailureKind::kFailed, Who() + message}; }
  void Log(const std::string& line) const {
    if (c_.log) c_.log(Who() + line);
  }

  // The open session, reconnecting after a transport fault.
  Outcome<SshSession*> Session() {
    if (ssh_ && ssh_->connected()) return ssh_.get();
    ssh_.reset();
    auto s = SshSession::Connect(c_.name, c_.ssh, c_.log);
    if (!s.ok()) return s.failure();
    ssh_ = std::move(s).value();
    return ssh_.get();
  }

  Outcome<ExecResult> Exec(const std::string& command, const std::string& input, milliseconds deadline) {
    auto ssh = Session();
    if (!ssh.ok()) return ssh.failure();
    auto r = ssh.value()->Exec(command, input, deadline);
    if (!r.ok() && r.failure().kind == FailureKind::kTransport) {
      ssh_.reset();
      orphans_possible_ = true;
    }
    return r;
  }

  // A cell cut off by a lost connection may still run on the device (sshd cannot tell a
  // dead link from a quiet one for a long while) and hold the device's lock until its own
  // timeout. Its command line names this orchestrator's spec file, so kill exactly those.
  // `exec` keeps the shell that carries the pattern from matching itself.
  void ReapOrphans(const std::string& spec_path) {
    auto r = Exec("exec pkill -KILL -f -- " + ShellQuote(spec_path), "", kShortCommand);
    if (r.ok()) {
      orphans_possible_ = false;
      if (r->exit_code == 0) Log("killed the agent of a cell cut off by the lost connection");
    }
  }

  Outcome<Ok> PrepareWorkdir() {
    if (!workdir_.empty()) return Ok{};
    auto ssh = Session();
    if (!ssh.ok()) return ssh.failure();
    auto objects = MakeRemoteDirs(*ssh.value(), c_.ssh.workdir + "/objects");
    if (!objects.ok()) return objects.failure();
    auto specs = MakeRemoteDirs(*ssh.value(), c_.ssh.workdir + "/specs");
    if (!specs.ok()) return specs.failure();
    objects_dir_ = objects.value();
    specs_dir_ = specs.value();
    workdir_ = objects_dir_.substr(0, objects_dir_.rfind('/'));
    return Ok{};
  }

  Outcome<UploadStats> Upload(const Object& object, int mode) {
    auto ssh = Session();
    if (!ssh.ok()) return ssh.failure();
    auto r = UploadIfMissing(*ssh.value(), object.local_path, objects_dir_ + "/" + object.sha256, mode);
    if (!r.ok() && r.failure().kind == FailureKind::kTransport) ssh_.reset();
    return r;
  }

  TargetConfig c_;
  std::unique_ptr<SshSession> ssh_;
  std::string workdir_, objects_dir_, specs_dir_;  // absolute, on the device
  std::string agent_path_;                          // set by Probe
  std::string spec_name_;
  bool orphans_possible_ = false;  // a transport fault cut a cell off
  std::map<std::string, std::string> device_paths_;
};

}  // namespace

Result<std::unique_ptr<Target>> MakeSshTarget(const TargetConfig& config) {
  if (config.ssh.host.empty()) return MakeError("target '" + config.name + "': ssh targets need a host");
  if (config.ssh.workdir.empty()) return MakeError("target '" + config.name + "': empty workdir");
  if (config.ssh.port < 0 || config.ssh.port > 65535) {
    return MakeError("target '" + config.name + "': port " + std::to_string(config.ssh.port) + " is out of range");
  }
  return std::unique_ptr<Target>(std::make_unique<SshTarget>(config));
}

}  // namespace bsb::targets
